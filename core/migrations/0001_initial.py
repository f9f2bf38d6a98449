"""The first schema: centres, people, projects, tasks, answers, audit (#1)."""
from sqlite_utils import Database

SCHEMA = """
CREATE TABLE centres (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('annotator', 'supervisor', 'admin')),
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'ta', 'hi')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts(login, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    slug TEXT NOT NULL UNIQUE,
    task_type TEXT NOT NULL CHECK (task_type IN ('single_choice', 'yes_no', 'free_text')),
    name_en TEXT NOT NULL, name_ta TEXT NOT NULL DEFAULT '', name_hi TEXT NOT NULL DEFAULT '',
    instructions_en TEXT NOT NULL DEFAULT '',
    instructions_ta TEXT NOT NULL DEFAULT '',
    instructions_hi TEXT NOT NULL DEFAULT '',
    redundancy INTEGER NOT NULL DEFAULT 3 CHECK (redundancy >= 1),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    lease_seconds INTEGER NOT NULL DEFAULT 900 CHECK (lease_seconds > 0),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    value TEXT NOT NULL,
    text_en TEXT NOT NULL, text_ta TEXT NOT NULL DEFAULT '', text_hi TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    UNIQUE (project_id, value)
);
CREATE TABLE qualifications (
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    status TEXT NOT NULL CHECK (status IN ('trainee', 'qualified', 'paused')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, project_id)
);
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    payload_text TEXT,
    media_id INTEGER REFERENCES media(id),
    gold_answer TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'held')),
    answers_count INTEGER NOT NULL DEFAULT 0,
    reports_count INTEGER NOT NULL DEFAULT 0,
    aggregate TEXT,
    created_at TEXT NOT NULL,
    CHECK (payload_text IS NOT NULL OR media_id IS NOT NULL)
);
CREATE INDEX tasks_open ON tasks(project_id, status, id);
CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount_paise INTEGER NOT NULL CHECK (amount_paise >= 0),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'paid')),
    created_at TEXT NOT NULL,
    approved_at TEXT,
    approved_by INTEGER REFERENCES users(id)
);
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    state TEXT NOT NULL DEFAULT 'active'
        CHECK (state IN ('active', 'submitted', 'skipped', 'reported')),
    claimed_at TEXT NOT NULL,
    lease_expires_at TEXT NOT NULL,
    answer TEXT,
    reason TEXT,
    submitted_at TEXT,
    seconds_spent INTEGER,
    review_state TEXT CHECK (review_state IN ('pending', 'accepted', 'rejected')),
    pay_paise INTEGER NOT NULL DEFAULT 0,
    payout_id INTEGER REFERENCES payouts(id),
    UNIQUE (task_id, user_id)
);
CREATE INDEX assignments_user ON assignments(user_id, state, submitted_at);
CREATE INDEX assignments_task ON assignments(task_id, state, lease_expires_at);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
"""


def apply(db: Database) -> None:
    # executescript() would COMMIT the migration's transaction; run one by one.
    for statement in SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)

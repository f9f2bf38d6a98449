"""SQLite connection, named schema migrations and the write-transaction helper."""
import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
import threading

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("velai")
BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another writer before failing
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id cannot name a row


def is_id(value) -> bool:
    """Whether `value` can be a row id: a whole number SQLite holds (not a bool)."""
    return type(value) is int and 0 < value <= MAX_ID
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


def connect(path) -> Database:
    """Open one connection with the pragmas every connection needs.

    isolation_level=None: statements autocommit unless inside `write()`, so no
    implicit transaction ever holds a lock longer than we asked for.
    """
    _hold_open(str(path))
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # FULL: in WAL mode every commit syncs the log, so an answer acknowledged to her
    # survives a power cut (NORMAL may lose the last commits). See write(durable=False).
    conn.execute("PRAGMA synchronous = FULL")
    database = Database(conn, execute_plugins=False)
    database.velai_path = os.path.abspath(str(path))
    return database


_held = {}  # pid -> (path, connection): one idle connection per process


def _hold_open(path: str) -> None:
    """Keep one idle connection to `path` open in this process.

    When the last connection to a WAL database closes, SQLite checkpoints the whole log
    into the file and deletes it: with one connection per request that is most closes,
    0.8 ms each, for nothing. An idle reader held open makes no close the last; the log
    is still checkpointed as it grows (wal_autocheckpoint). One path per process: the
    tests open a new file each time.
    """
    pid = os.getpid()
    held = _held.get(pid)
    if held and held[0] == path:
        return
    if held:
        held[1].close()
    _held.clear()  # a forked child forgets its parent's
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)  # closed by whichever thread
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the log
    except sqlite3.Error:
        return  # not a database yet, or unreadable: the request's own connection will say
    _held[pid] = (path, conn)


def migrate(db: Database) -> None:
    """Apply pending migrations; WAL lets readers run beside the one writer.

    Foreign keys are off while migrations run, so that a migration may rebuild a table
    (SQLite's way to change a CHECK); every reference is checked before they go back on.
    """
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        migrations.apply(db)
        broken = list(db.query("PRAGMA foreign_key_check"))
        if broken:
            raise RuntimeError(f"migration left broken references: {broken[:5]}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


class _WriterQueue:
    """Writers of one database file wait here, in line, before BEGIN IMMEDIATE.

    SQLite's busy handler polls a held write lock with sleeps of 1, 2, 5, 10 ... 100 ms;
    under load the waiting, not the work (a write takes a fraction of a millisecond),
    made the slow answers. Threads of a process queue on a lock that wakes the next one
    at once (past the busy timeout a thread goes on to SQLite, which then says "locked");
    processes on a file lock (flock), which the kernel hands to the next waiter at once
    and frees if its holder dies. Polling it instead cost a tenth of a worker's GIL time.
    A writer so waits for Velai's other writers as long as they take (each is one
    transaction; a big import is the longest); other programs holding the database
    (sqlite3, a backup) meet SQLite's busy timeout. Only a queue: SQLite's own lock still
    guards the data.
    """

    def __init__(self, path: str):
        self.thread_lock = threading.RLock()
        self.fd = os.open(path + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
        self.depth = threading.local()

    @contextlib.contextmanager
    def turn(self):
        if not self.thread_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            yield  # waited as long as SQLite would: let SQLite say it is locked
            return
        flocked = False
        self.depth.n = getattr(self.depth, "n", 0) + 1
        try:
            if self.depth.n == 1:
                fcntl.flock(self.fd, fcntl.LOCK_EX)  # waits without the GIL
                flocked = True
            yield
        finally:
            self.depth.n -= 1
            if flocked:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.thread_lock.release()


_queues: dict = {}
_queues_lock = threading.Lock()


def _writer_queue(db: Database):
    path = getattr(db, "velai_path", None)
    if path is None or path == os.path.abspath(":memory:"):
        return contextlib.nullcontext()
    key = (os.getpid(), path)  # a forked child opens its own file lock
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None:
            try:
                queue = _queues[key] = _WriterQueue(path)
            except OSError:  # a read-only directory: no queue, SQLite's lock alone
                return contextlib.nullcontext()
    return queue.turn()


@contextlib.contextmanager
def write(db: Database, durable: bool = True):
    """A transaction that takes the write lock before its first read.

    A deferred transaction that reads then writes fails with "database is
    locked" when another worker wrote in between; BEGIN IMMEDIATE queues instead.

    durable=False is for writes nobody was promised (a lease, a byte count): the commit
    skips the sync. In WAL mode that can lose only such commits made after the last
    synced one on a power cut, never an earlier one, and never corrupts the file; every
    durable commit syncs the log up to itself, relaxed commits before it included.
    """
    with _writer_queue(db):
        if not durable:
            db.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:  # a failed COMMIT (disk full) leaves it open
                    db.conn.execute("ROLLBACK")
                raise
        finally:
            if not durable:
                db.conn.execute("PRAGMA synchronous = FULL")


def backup(db: Database, target: str) -> None:
    """A consistent copy while the app runs, by SQLite's online backup API."""
    dest = sqlite3.connect(target)
    with dest:
        db.conn.backup(dest)
    dest.close()


def one(db: Database, sql: str, params=()) -> dict | None:
    """The first row as a dict, or None. Straight on the connection (sqlite-utils' query()
    costs 10 µs more per call, a dozen times a task), and the cursor closed at once, so
    that no half-read statement keeps a read snapshot open on a kept connection."""
    cursor = db.conn.execute(sql, params)
    try:
        row = cursor.fetchone()
        if row is None:
            return None
        keys = [column[0] for column in cursor.description]
        if len(set(keys)) != len(keys):  # a repeated name: sqlite-utils' renaming rules
            return next(db.query(sql, params), None)
        return dict(zip(keys, row))
    finally:
        cursor.close()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def stamp(moment: dt.datetime) -> str:
    """UTC text in SQLite's own format, so date() and comparisons work in SQL."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)


def india_day(now: dt.datetime | None = None) -> str:
    """Today's date in India, where every centre is, as YYYY-MM-DD."""
    return (now or utcnow()).astimezone(IST).date().isoformat()


def ist_day_start(moment: dt.datetime) -> dt.datetime:
    """Midnight in India (where every centre is) of the day `moment` falls on."""
    local = moment.astimezone(IST)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


SCHEMA_1 = """
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


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    # executescript() would COMMIT the migration's transaction; run one by one.
    for statement in SCHEMA_1.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0002_traffic")
def _traffic(db: Database) -> None:
    # Bytes sent to each user per day in India: shown to her as her data cost.
    db.execute("""
        CREATE TABLE traffic (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,
            bytes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, day)
        )""")


# Settings the later capabilities share, laid down together so that each fits the next:
# project status and check-task share (supervisors, #7), quiz and gold rules (#6),
# aggregation and review windows (#8), the centre's minimum wage (#9); the client's own
# task id (#7 import) and a task's aggregate confidence (#8). Tasks are rebuilt to allow
# the status 'removed' (a supervisor takes a broken task out; its answers stay).
@migrations(name="0003_shared_settings")
def _shared_settings(db: Database) -> None:
    for column in (
        "status TEXT NOT NULL DEFAULT 'live'"
        " CHECK (status IN ('draft', 'live', 'paused', 'closed'))",
        "gold_share REAL NOT NULL DEFAULT 0.1 CHECK (gold_share >= 0 AND gold_share <= 1)",
        "min_gold_accuracy REAL NOT NULL DEFAULT 0.7"
        " CHECK (min_gold_accuracy >= 0 AND min_gold_accuracy <= 1)",
        "gold_min_answers INTEGER NOT NULL DEFAULT 10 CHECK (gold_min_answers >= 1)",
        "max_answers INTEGER NOT NULL DEFAULT 5 CHECK (max_answers >= 1)",
        "agreement_threshold REAL NOT NULL DEFAULT 0.6"
        " CHECK (agreement_threshold > 0 AND agreement_threshold <= 1)",
        "min_seconds INTEGER NOT NULL DEFAULT 2 CHECK (min_seconds >= 0)",
        "review_window_days INTEGER NOT NULL DEFAULT 3 CHECK (review_window_days >= 1)",
        "appeal_window_days INTEGER NOT NULL DEFAULT 7 CHECK (appeal_window_days >= 1)",
    ):
        db.execute(f"ALTER TABLE projects ADD COLUMN {column}")
    db.execute("UPDATE projects SET status = CASE WHEN active = 1 THEN 'live' ELSE 'closed' END")
    # Paise per hour; 0: no minimum set for this centre.
    db.execute("ALTER TABLE centres ADD COLUMN min_wage_paise_per_hour INTEGER NOT NULL"
               " DEFAULT 0 CHECK (min_wage_paise_per_hour >= 0)")
    db.execute("""
        CREATE TABLE tasks_new (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            client_id TEXT,
            payload_text TEXT,
            media_id INTEGER REFERENCES media(id),
            gold_answer TEXT,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'done', 'held', 'removed')),
            answers_count INTEGER NOT NULL DEFAULT 0,
            reports_count INTEGER NOT NULL DEFAULT 0,
            aggregate TEXT,
            confidence REAL,
            created_at TEXT NOT NULL,
            CHECK (payload_text IS NOT NULL OR media_id IS NOT NULL)
        )""")
    db.execute("INSERT INTO tasks_new (id, project_id, payload_text, media_id, gold_answer,"
               " status, answers_count, reports_count, aggregate, created_at)"
               " SELECT id, project_id, payload_text, media_id, gold_answer, status,"
               " answers_count, reports_count, aggregate, created_at FROM tasks")
    db.execute("DROP TABLE tasks")
    db.execute("ALTER TABLE tasks_new RENAME TO tasks")
    db.execute("CREATE INDEX tasks_open ON tasks(project_id, status, id)")
    db.execute("CREATE UNIQUE INDEX tasks_client_id ON tasks(project_id, client_id)"
               " WHERE client_id IS NOT NULL")
    # Who changed a qualification and why (a gold pause, a supervisor's reinstatement).
    db.execute("ALTER TABLE qualifications ADD COLUMN reason TEXT")
    db.execute("ALTER TABLE qualifications ADD COLUMN changed_by INTEGER REFERENCES users(id)")
    db.execute("CREATE INDEX audit_log_at ON audit_log(at)")


@migrations(name="0011_ops")
def _ops_indexes(db):
    # Her card shows today's answers and earnings: one range of this index, read alone
    # (the sums' columns are in it), not a table row per answer (0.6 ms at 1,000 a day).
    db.execute("CREATE INDEX assignments_user_day ON assignments"
               "(user_id, state, submitted_at, review_state, pay_paise)")
    db.execute("DROP INDEX assignments_user")  # its columns lead the new one

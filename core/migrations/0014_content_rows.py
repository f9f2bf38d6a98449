"""Content in any language as rows (#17): project names and instructions, answer labels,
quiz questions and explanations move from one column per language (name_ta,
text_hi, ...) to `texts` rows (kind, owner, field, language, text). The languages are a
table, filled from core.languages at every migrate, that users.lang, texts.lang and the
language lists of projects and centres refer to: a language is data, not a CHECK.

The old columns are dropped (tables rebuilt, SQLite's way) so that no query can read
them any more. A project lists the languages its content is written in (the first is
shown when hers is missing); a centre lists the languages it works in.
"""
import json

from sqlite_utils import Database

# The content columns as they were: the languages of that schema, fixed here for good.
OLD_LANGS = ("en", "ta", "hi")
MOVED = (  # (kind, table, field, old column prefix)
    ("project", "projects", "name", "name"),
    ("project", "projects", "instructions", "instructions"),
    ("label", "labels", "text", "text"),
    ("question", "quiz_questions", "prompt", "prompt"),
    ("question", "quiz_questions", "explanation", "explanation"),
)

PROJECTS = """
CREATE TABLE projects_new (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    slug TEXT NOT NULL UNIQUE,
    task_type TEXT NOT NULL CHECK (task_type IN ('single_choice', 'yes_no', 'free_text')),
    -- Its content's languages as a JSON array, the first shown when hers is missing.
    languages TEXT NOT NULL DEFAULT '["en"]' CHECK (json_valid(languages)
        AND json_type(languages) = 'array' AND json_array_length(languages) >= 1),
    -- Bumped by triggers whenever its texts or labels change: the task card's cache key.
    content_version INTEGER NOT NULL DEFAULT 0,
    redundancy INTEGER NOT NULL DEFAULT 3 CHECK (redundancy >= 1),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    lease_seconds INTEGER NOT NULL DEFAULT 900 CHECK (lease_seconds > 0),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('draft', 'live', 'paused', 'closed')),
    gold_share REAL NOT NULL DEFAULT 0.1 CHECK (gold_share >= 0 AND gold_share <= 1),
    min_gold_accuracy REAL NOT NULL DEFAULT 0.7
        CHECK (min_gold_accuracy >= 0 AND min_gold_accuracy <= 1),
    gold_min_answers INTEGER NOT NULL DEFAULT 10 CHECK (gold_min_answers >= 1),
    max_answers INTEGER NOT NULL DEFAULT 5 CHECK (max_answers >= 1),
    agreement_threshold REAL NOT NULL DEFAULT 0.6
        CHECK (agreement_threshold > 0 AND agreement_threshold <= 1),
    min_seconds INTEGER NOT NULL DEFAULT 2 CHECK (min_seconds >= 0),
    review_window_days INTEGER NOT NULL DEFAULT 3 CHECK (review_window_days >= 1),
    appeal_window_days INTEGER NOT NULL DEFAULT 7 CHECK (appeal_window_days >= 1),
    -- NULL: any script (0013_answer_script, core/scripts.py).
    answer_script TEXT CHECK (answer_script IS NULL OR
        (answer_script IN ('Taml', 'Deva', 'Knda', 'Telu', 'Latn')
         AND task_type = 'free_text'))
)"""
PROJECT_COLUMNS = ("id", "centre_id", "slug", "task_type", "redundancy", "pay_paise",
                   "lease_seconds", "active", "created_at", "status", "gold_share",
                   "min_gold_accuracy", "gold_min_answers", "max_answers",
                   "agreement_threshold", "min_seconds", "review_window_days",
                   "appeal_window_days", "answer_script")
LABELS = """
CREATE TABLE labels_new (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (project_id, value)
)"""
QUESTIONS = """
CREATE TABLE quiz_questions_new (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    media_id INTEGER REFERENCES media(id),
    answers TEXT NOT NULL CHECK (json_valid(answers) AND json_array_length(answers) >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)"""
USERS = """
CREATE TABLE users_new (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('annotator', 'supervisor', 'admin')),
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en' REFERENCES languages(code),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    welcomed_at TEXT, offline_key TEXT, guess_locked_at TEXT, guess_unlocked_at TEXT
)"""
USER_COLUMNS = ("id", "login", "name", "role", "centre_id", "password_hash", "lang",
                "active", "created_at", "welcomed_at", "offline_key", "guess_locked_at",
                "guess_unlocked_at")

# The project whose task card a text or label belongs to (questions are not on it).
_PROJECT_OF = ("CASE {row}.kind WHEN 'project' THEN {row}.owner_id"
               " WHEN 'label' THEN (SELECT project_id FROM labels WHERE id = {row}.owner_id)"
               " END")
_BUMP = "UPDATE projects SET content_version = content_version + 1 WHERE id = {target};"
_KNOWN = ("SELECT RAISE(ABORT, 'unknown language') WHERE EXISTS (SELECT 1 FROM"
          " json_each(NEW.languages) WHERE value NOT IN (SELECT code FROM languages));")


def _rebuild(db: Database, table: str, create: str, columns) -> None:
    """Rebuild `table` from `create` (named <table>_new), keeping `columns` and the
    table's own indexes and triggers."""
    kept = [sql for (sql,) in db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL", (table,))]
    db.execute(create)
    names = ", ".join(columns)
    db.execute(f"INSERT INTO {table}_new ({names}) SELECT {names} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    # Legacy rename: the modern one checks every trigger of the schema, and those on
    # other tables name `table`, which does not exist between the drop and the rename.
    db.execute("PRAGMA legacy_alter_table = ON")
    db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    db.execute("PRAGMA legacy_alter_table = OFF")
    for sql in kept:
        db.execute(sql)


def apply(db: Database) -> None:
    from core import languages  # the list as it is now; migrate() adds later ones

    db.execute("CREATE TABLE languages (code TEXT PRIMARY KEY) WITHOUT ROWID")
    codes = {*languages.CODES, *OLD_LANGS}
    codes |= {lang for (lang,) in db.conn.execute("SELECT DISTINCT lang FROM users")}
    db.conn.executemany("INSERT INTO languages (code) VALUES (?)", [(c,) for c in codes])
    db.execute("""
        CREATE TABLE texts (
            kind TEXT NOT NULL,
            owner_id INTEGER NOT NULL,  -- projects.id, labels.id or quiz_questions.id
            field TEXT NOT NULL,
            lang TEXT NOT NULL REFERENCES languages(code),
            text TEXT NOT NULL CHECK (text <> ''),
            PRIMARY KEY (kind, owner_id, field, lang),
            CHECK ((kind = 'project' AND field IN ('name', 'instructions'))
                OR (kind = 'label' AND field = 'text')
                OR (kind = 'question' AND field IN ('prompt', 'explanation')))
        ) WITHOUT ROWID""")
    for kind, table, field, prefix in MOVED:
        for lang in OLD_LANGS:
            db.execute(f"INSERT INTO texts (kind, owner_id, field, lang, text)"
                       f" SELECT ?, id, ?, ?, {prefix}_{lang} FROM {table}"
                       f" WHERE {prefix}_{lang} IS NOT NULL AND {prefix}_{lang} <> ''",
                       (kind, field, lang))
    # A project's languages: English (required until now, so always there) first, then
    # each language any of its name, instructions or labels is written in.
    project_langs = {pid: ["en"] for (pid,) in db.conn.execute("SELECT id FROM projects")}
    for pid, lang in db.conn.execute(
            "SELECT DISTINCT CASE kind WHEN 'project' THEN owner_id ELSE"
            " (SELECT project_id FROM labels WHERE id = owner_id) END, lang FROM texts"
            " WHERE kind IN ('project', 'label') AND lang <> 'en'").fetchall():
        project_langs[pid].append(lang)
    _rebuild(db, "projects", PROJECTS, PROJECT_COLUMNS)
    for pid, langs in project_langs.items():
        ordered = ["en", *[c for c in OLD_LANGS if c in langs and c != "en"]]
        db.execute("UPDATE projects SET languages = ? WHERE id = ?", (json.dumps(ordered), pid))
    _rebuild(db, "labels", LABELS, ("id", "project_id", "value", "position"))
    _rebuild(db, "quiz_questions", QUESTIONS,
             ("id", "project_id", "media_id", "answers", "created_at", "updated_at"))
    _rebuild(db, "users", USERS, USER_COLUMNS)
    # A centre's working languages: those its people read, and English.
    db.execute("ALTER TABLE centres ADD COLUMN languages TEXT NOT NULL DEFAULT '[\"en\"]'"
               " CHECK (json_valid(languages) AND json_type(languages) = 'array'"
               " AND json_array_length(languages) >= 1)")
    for (cid,) in db.conn.execute("SELECT id FROM centres").fetchall():
        found = {lang for (lang,) in db.conn.execute(
            "SELECT DISTINCT lang FROM users WHERE centre_id = ?", (cid,))}
        langs = [c for c in sorted(found - {"en"})] + ["en"]
        db.execute("UPDATE centres SET languages = ? WHERE id = ?", (json.dumps(langs), cid))
    for table in ("projects", "centres"):
        for event in ("INSERT", "UPDATE OF languages"):
            name = f"{table}_languages_known_{event.split()[0].lower()}"
            db.execute(f"CREATE TRIGGER {name} BEFORE {event} ON {table}"
                       f" BEGIN {_KNOWN} END")
    # The card's cache key moves with every change to what the card shows.
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        db.execute(f"CREATE TRIGGER texts_bump_{event.lower()} AFTER {event} ON texts"
                   f" WHEN {row}.kind IN ('project', 'label')"
                   f" BEGIN {_BUMP.format(target=_PROJECT_OF.format(row=row))} END")
        db.execute(f"CREATE TRIGGER labels_bump_{event.lower()} AFTER {event} ON labels"
                   f" BEGIN {_BUMP.format(target=f'{row}.project_id')} END")
    db.execute("CREATE TRIGGER projects_bump_languages AFTER UPDATE OF languages ON projects"
               f" BEGIN {_BUMP.format(target='NEW.id')} END")
    # Texts have no foreign key to their owner (three kinds in one table): they go with it.
    for kind, table in (("project", "projects"), ("label", "labels"),
                        ("question", "quiz_questions")):
        db.execute(f"CREATE TRIGGER {table}_texts_gone AFTER DELETE ON {table} BEGIN"
                   f" DELETE FROM texts WHERE kind = '{kind}' AND owner_id = OLD.id; END")

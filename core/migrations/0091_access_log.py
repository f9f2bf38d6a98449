"""The item-level access log (#19): every view of a task's content or media, and every
export, as one row: who, which session, what (task, media, project, client), when.

Rows go first into access_log_recent, which has no index: one page more per task cycle,
inside the transaction of the claim it records (so it survives a killed worker as answers
do). core.access_log.flush moves them, in batches, into access_log, which has the indexes
searches need, keeping their ids; it leaves the newest row behind (and moves it again
next time, ignored) so that ids never start over.

Append-only, held by the database: an UPDATE of either table is refused; a row leaves
access_log_recent only once access_log holds its id; a row of access_log younger than the
retention (core.access_log.RETENTION_DAYS, 400 days: more than the year clients and
India's DPDP Rules ask) cannot be deleted, so only the retention purge removes any.
No reference to other tables: a log outlives what it names (a purged project's tasks)."""
from sqlite_utils import Database

RETENTION_DAYS = 400
COLUMNS = """
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        session TEXT,  -- a digest of the session id (the id itself would log a credential)
        kind TEXT NOT NULL CHECK (kind IN ('task', 'media', 'export')),
        task_id INTEGER,
        media_id INTEGER,
        project_id INTEGER NOT NULL,
        client_id INTEGER,
        items INTEGER NOT NULL DEFAULT 1 CHECK (items >= 0)  -- an export: tasks in it
"""


def apply(db: Database) -> None:
    db.execute(f"CREATE TABLE access_log ({COLUMNS})")
    db.execute(f"CREATE TABLE access_log_recent ({COLUMNS})")
    # Searches: a client's log, newest first, narrowed by project, person or item.
    db.execute("CREATE INDEX access_log_client ON access_log(client_id, id)")
    db.execute("CREATE INDEX access_log_project ON access_log(project_id, id)")
    db.execute("CREATE INDEX access_log_user ON access_log(user_id, id)")
    db.execute("CREATE INDEX access_log_task ON access_log(task_id) WHERE task_id IS NOT NULL")
    db.execute("CREATE INDEX access_log_media ON access_log(media_id)"
               " WHERE media_id IS NOT NULL")
    for table in ("access_log", "access_log_recent"):
        db.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} BEGIN
            SELECT RAISE(ABORT, 'the access log is append-only'); END""")
    db.execute("""CREATE TRIGGER access_log_recent_moved BEFORE DELETE ON access_log_recent
        WHEN NOT EXISTS (SELECT 1 FROM access_log WHERE id = OLD.id) BEGIN
        SELECT RAISE(ABORT, 'the access log is append-only'); END""")
    db.execute(f"""CREATE TRIGGER access_log_kept BEFORE DELETE ON access_log
        WHEN OLD.at > datetime('now', '-{RETENTION_DAYS} days') BEGIN
        SELECT RAISE(ABORT, 'the access log is kept {RETENTION_DAYS} days'); END""")

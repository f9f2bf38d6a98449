"""The item-level access log (#19): every view of a task's content or media, and every
export, as one row: who, which session, what (task, media, project, client), when.

Append-only, held by the database: an UPDATE is always refused, and a DELETE of a row
younger than the retention (core.access_log.RETENTION_DAYS, 400 days: more than the
year clients and India's DPDP Rules ask) is refused too, so only the retention purge of
old rows can remove any. No reference to tasks or media: a purged project's log stays.
Written in the same transaction as the claim or page it records, so it survives a
killed worker as answers do."""
from sqlite_utils import Database

RETENTION_DAYS = 400


def apply(db: Database) -> None:
    db.execute("""CREATE TABLE access_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        session TEXT,  -- a digest of the session id (the id itself would log a credential)
        kind TEXT NOT NULL CHECK (kind IN ('task', 'media', 'export')),
        task_id INTEGER,
        media_id INTEGER,
        project_id INTEGER NOT NULL REFERENCES projects(id),
        client_id INTEGER REFERENCES clients(id),
        items INTEGER NOT NULL DEFAULT 1 CHECK (items >= 0)  -- an export: rows in it
    )""")
    # Searches: a client's log, newest first, narrowed by project, person or item.
    db.execute("CREATE INDEX access_log_client ON access_log(client_id, id)")
    db.execute("CREATE INDEX access_log_project ON access_log(project_id, id)")
    db.execute("CREATE INDEX access_log_user ON access_log(user_id, id)")
    db.execute("CREATE INDEX access_log_task ON access_log(task_id) WHERE task_id IS NOT NULL")
    db.execute("CREATE INDEX access_log_media ON access_log(media_id)"
               " WHERE media_id IS NOT NULL")
    db.execute("""CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log BEGIN
        SELECT RAISE(ABORT, 'the access log is append-only'); END""")
    db.execute(f"""CREATE TRIGGER access_log_kept BEFORE DELETE ON access_log
        WHEN OLD.at > datetime('now', '-{RETENTION_DAYS} days') BEGIN
        SELECT RAISE(ABORT, 'the access log is kept {RETENTION_DAYS} days'); END""")

"""The item-level access log (#19): who saw which task's content or media, or exported a
project, when, and from which session. One row per view, written in the transaction of
the claim or page it records (no commit of its own on the task cycle), into a table with
no index (access_log_recent: one page more per cycle); `flush` moves rows in batches into
access_log, which the searches read. Append-only and kept RETENTION_DAYS by the database
(migration 0091_access_log).

Who: the user id the caller names. Which session: a digest of the request's session id,
set on the connection by the web layer (`attach`); None from the command line. The log
itself is searchable per client, project, person and item by a supervisor of that client
(core.scope), and exported as CSV for the client."""
import csv
import datetime as dt
import hashlib
import io

from . import paging, scope
from .clock import parse_stamp, stamp, utcnow
from .db import is_id, one, rows, write
from .exporting import safe_cell

RETENTION_DAYS = 400  # as the trigger access_log_kept says: more than a year
KINDS = ("task", "media", "export")
PER_PAGE = 30
# A write that brings the recent rows to a multiple of this moves them (flush): one
# cycle in FLUSH_EVERY pays for the indexes of all, a few milliseconds.
FLUSH_EVERY = 1000

_INSERT = ("INSERT INTO access_log_recent (at, user_id, session, kind, task_id, media_id,"
           " project_id, client_id, items) VALUES (?, ?, ?, ?, ?, ?, ?,"
           " (SELECT client_id FROM projects WHERE id = ?), ?)")
_COLUMNS = "id, at, user_id, session, kind, task_id, media_id, project_id, client_id, items"


def attach(db, session_id: str | None, enabled: bool = True) -> None:
    """Name the request's session on its connection (a digest: the id is a credential),
    or switch recording off for this connection (benchmarks measure the cost)."""
    db.velai_access_session = hashlib.sha256(session_id.encode()).hexdigest()[:16] \
        if session_id else None
    db.velai_access_off = not enabled


def detach(db) -> None:
    """Forget the request's session (a kept connection serves the next request)."""
    db.velai_access_session = None
    db.velai_access_off = False


def record(db, user_id, kind: str, items, now: dt.datetime | None = None) -> int:
    """Append one row per item: (task_id, media_id, project_id[, count]). Inside the
    caller's transaction when there is one; returns how many rows were written."""
    if getattr(db, "velai_access_off", False):
        return 0
    at = stamp(now or utcnow())
    session = getattr(db, "velai_access_session", None)
    values = [(at, user_id, session, kind, item[0], item[1], item[2], item[2],
               item[3] if len(item) > 3 else 1) for item in items]
    last = None
    for value in values:
        last = db.conn.execute(_INSERT, value).lastrowid
    if last and last % FLUSH_EVERY == 0:
        _move(db)
    return len(values)


def _move(db) -> int:
    """Move the recent rows into access_log, ids kept, inside the caller's transaction;
    the newest stays (moved again next time, ignored) so ids go on from it."""
    moved = db.conn.execute(f"INSERT OR IGNORE INTO access_log ({_COLUMNS})"
                            f" SELECT {_COLUMNS} FROM access_log_recent ORDER BY id").rowcount
    db.conn.execute("DELETE FROM access_log_recent"
                    " WHERE id < (SELECT max(id) FROM access_log_recent)")
    return moved


def flush(db) -> int:
    """Move every recent row into the searchable log (before a search); how many."""
    if db.conn.in_transaction:
        return _move(db)
    with write(db, durable=False):
        return _move(db)


def record_now(db, user_id, kind: str, items, now: dt.datetime | None = None) -> int:
    """record() in a write of its own, for a page that writes nothing else. Not synced on
    its own (durable=False): it survives a killed worker as any commit does; only a power
    cut may lose it, with the rest of the unsynced log, never an answer."""
    items = list(items)
    if not items or getattr(db, "velai_access_off", False):
        return 0
    if db.conn.in_transaction:
        return record(db, user_id, kind, items, now)
    with write(db, durable=False):
        return record(db, user_id, kind, items, now)


def log_export(db, user_id, project_id: int) -> int:
    """One row for an export of the project: who, and how many tasks it holds (from the
    tasks_by_status summary, not a count of every task). Returns the count."""
    count = one(db, "SELECT coalesce(sum(tasks), 0) AS n FROM tasks_by_status"
                    " WHERE project_id = ?", (project_id,))["n"]
    record_now(db, user_id, "export", [(None, None, project_id, count)])
    return count


def assignment_items(assignments) -> list[tuple]:
    """(task, media, project) of each shown assignment (as core.tasks.get_assignment)."""
    return [(a["task_id"], a.get("media_id"), a["project_id"]) for a in assignments if a]


def task_items(task_rows, project_key="project_id") -> list[tuple]:
    """(task, media, project) of each shown task row (id, media_id, project_id)."""
    return [(row["id"], row.get("media_id"), row[project_key]) for row in task_rows]


# -- searching ------------------------------------------------------------------------

def _filters(filters: dict) -> tuple[str, dict]:
    """WHERE clauses for a search: client, project, person (her login), item (a task or a
    media id), kind; ids that are not ids are ignored."""
    def ident(key):
        value = filters.get(key)
        return value if is_id(value) else None

    kind = filters.get("kind") if filters.get("kind") in KINDS else None
    return ("(:client IS NULL OR l.client_id = :client)"
            " AND (:project IS NULL OR l.project_id = :project)"
            " AND (:person IS NULL OR l.user_id = (SELECT id FROM users WHERE login = :person))"
            " AND (:task IS NULL OR l.task_id = :task)"
            " AND (:media IS NULL OR l.media_id = :media)"
            " AND (:kind IS NULL OR l.kind = :kind)",
            {"client": ident("client"), "project": ident("project"),
             "person": str(filters.get("person") or "").strip() or None,
             "task": ident("task"), "media": ident("media"), "kind": kind})


_ROW = """SELECT l.*, u.name AS user_name, u.login AS user_login, u.role AS user_role,
  p.slug AS project_slug, k.name AS client_name
FROM access_log l JOIN projects p ON p.id = l.project_id
LEFT JOIN users u ON u.id = l.user_id LEFT JOIN clients k ON k.id = l.client_id"""


def search(db, viewer: dict, filters: dict, page: int = 1,
           per_page: int = PER_PAGE) -> tuple[list[dict], bool]:
    """A page of the log, newest first, of the projects the viewer may see (core.scope),
    narrowed by `filters` (see _filters). Returns (rows, more pages)."""
    flush(db)
    where, params = _filters(filters)
    found = rows(db, f"{_ROW} WHERE {scope.project_sql('p')} AND {where}"
                     " ORDER BY l.id DESC LIMIT :limit OFFSET :offset",
                 {**params, **scope.params(viewer), **paging.window(page, per_page)})
    for row in found:
        row["at"] = parse_stamp(row["at"])
    return paging.split(found, per_page)


CSV_HEADER = ("id", "at_utc", "client", "project", "kind", "task_id", "media_id", "items",
              "user_id", "user_name", "role", "session")


def export_csv(db, viewer: dict, filters: dict):
    """The log as CSV text chunks (streamed), newest first, for the client: as search,
    without paging."""
    flush(db)
    where, params = _filters(filters)
    cursor = db.conn.execute(
        "SELECT l.id, l.at, k.name, p.slug, l.kind, l.task_id, l.media_id, l.items, l.user_id,"
        " u.name, u.role, l.session" + _ROW[_ROW.index("\nFROM"):] + f" WHERE {scope.project_sql('p')} AND {where} ORDER BY l.id DESC",
        {**params, **scope.params(viewer)})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    try:
        while True:
            batch = cursor.fetchmany(1000)
            for row in batch:
                writer.writerow([safe_cell(value) for value in row])  # no formulas
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            if not batch:
                break
    finally:
        cursor.close()


def purge_expired(db, now: dt.datetime | None = None) -> int:
    """The retention purge: delete rows older than RETENTION_DAYS (the database refuses
    any younger one). Returns how many went."""
    cutoff = stamp((now or utcnow()) - dt.timedelta(days=RETENTION_DAYS))
    with write(db):
        _move(db)
        return db.execute("DELETE FROM access_log WHERE at < ?", (cutoff,)).rowcount

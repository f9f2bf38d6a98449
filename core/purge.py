"""Retention and provable deletion of a project's content (#19).

A purge deletes what annotators saw and wrote for a project: task payloads, gold and
aggregates, media rows (pictures, audio, originals), the text of answers and review notes,
and the project's texts rows (name, instructions, label texts). What pay and audit need
stays: tasks and assignments rows with their states, pay and seconds, payouts and their
lines, the audit and access logs, the counters by day. One supervisor asks, another
approves (the database refuses the asker as approver, 0110_retention); approving carries
it out. The finished purges row is the deletion record.

Making the bytes unreadable: the deletion runs with PRAGMA secure_delete (deleted cells and
freed pages are overwritten with zeros), then a TRUNCATE checkpoint empties the
write-ahead log, whose old frames would otherwise still hold the deleted pages: from then
on no deleted byte is in the file or its log. `flask purge` (at night) also VACUUMs, which
rebuilds the file without its free pages; on a file of gigabytes that holds the write lock
for minutes, so it is not done while annotators wait.
Exports are streamed from the database and never cached on the server, so nothing else
holds the content; a file replica is emptied by `flask purge --reset-replica`
(reset_replica below), see docs/operations.md.
"""
import datetime as dt
import hashlib
import os
import shutil

from . import audit, scope, second_factor
from .clock import parse_stamp, stamp, utcnow
from .db import one, rows, write
from .errors import Conflict, Invalid, NotFound

RETENTION_MAX_DAYS = 3650


def parse_retention(value) -> int | None:
    """Days to keep a closed project's content, from a form field: blank keeps it."""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > RETENTION_MAX_DAYS:
        raise Invalid("bad_retention", limit=RETENTION_MAX_DAYS)
    return int(text)


def set_retention(db, project_id: int, days: int | None) -> None:
    db.execute("UPDATE projects SET retention_days = ? WHERE id = ?", (days, project_id))


def due(db, now: dt.datetime | None = None) -> list[dict]:
    """Closed projects kept past their retention and not purged yet."""
    now = now or utcnow()
    return [p for p in rows(db, "SELECT id, slug, centre_id, closed_at, retention_days"
                                " FROM projects WHERE status = 'closed' AND purged_at IS NULL"
                                " AND retention_days IS NOT NULL AND closed_at IS NOT NULL")
            if parse_stamp(p["closed_at"]) + dt.timedelta(days=p["retention_days"]) <= now]


def _project(db, project_id: int, actor: dict) -> dict:
    project = one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))
    if (project is None or actor["role"] not in ("admin", "supervisor")
            or not scope.may_see_project(db, actor, project)):
        raise NotFound("not_found")
    return project


def ask(db, project_id: int, actor: dict, now=None) -> int:
    """Ask for the project's content to be deleted; another supervisor approves."""
    project = _project(db, project_id, actor)
    if project["status"] != "closed":
        raise Conflict("purge_not_closed")
    if project["purged_at"]:
        raise Conflict("purge_done")
    with write(db):
        if one(db, "SELECT 1 FROM purges WHERE project_id = ? AND status IN"
                   " ('asked', 'approved')", (project_id,)):
            raise Conflict("purge_asked")
        purge_id = db.execute(
            "INSERT INTO purges (project_id, slug, asked_by, asked_at) VALUES (?, ?, ?, ?)",
            (project_id, project["slug"], actor["id"], stamp(now or utcnow()))).lastrowid
        audit.record(db, actor["id"], "purge.ask", f"project:{project_id}", purge=purge_id)
    return purge_id


def cancel(db, purge_id: int, actor: dict) -> None:
    purge = get(db, purge_id, actor)
    if purge["status"] != "asked":
        raise Conflict("purge_done")
    with write(db):
        db.execute("UPDATE purges SET status = 'cancelled' WHERE id = ?", (purge_id,))
        audit.record(db, actor["id"], "purge.cancel", f"project:{purge['project_id']}",
                     purge=purge_id)


def approve(db, purge_id: int, actor: dict, now=None) -> dict:
    """Approve and carry out the purge; returns the deletion record."""
    purge = get(db, purge_id, actor)
    if purge["status"] != "asked":
        raise Conflict("purge_done")
    if purge["asked_by"] == actor["id"]:
        raise Conflict("purge_same_person")
    # The centre may ask for a second factor before data is deleted, as before money moves.
    second_factor.require(db, actor, one(db, "SELECT centre_id FROM projects WHERE id = ?",
                                         (purge["project_id"],))["centre_id"])
    with write(db):
        db.execute("UPDATE purges SET status = 'approved', approved_by = ?, approved_at = ?"
                   " WHERE id = ?", (actor["id"], stamp(now or utcnow()), purge_id))
        audit.record(db, actor["id"], "purge.approve", f"project:{purge['project_id']}",
                     purge=purge_id)
    return carry_out(db, purge_id, now=now)


def pending(db) -> list[int]:
    """Approved purges not carried out (a crash between approval and deletion)."""
    return [r["id"] for r in rows(db, "SELECT id FROM purges WHERE status = 'approved'")]


def _content(db, project_id: int):
    """Every deleted value in a fixed order, for the digest and the counts."""
    for r in rows(db, "SELECT id, client_id, payload_text, gold_answer, aggregate, image_ref"
                      " FROM tasks WHERE project_id = ? ORDER BY id", (project_id,)):
        yield "task", r
    for r in rows(db, "SELECT id, answer, reason, review_note FROM assignments"
                      " WHERE project_id = ? ORDER BY id", (project_id,)):
        yield "answer", r
    for r in rows(db, "SELECT id, sha256, data, original FROM media WHERE project_id = ?"
                      " ORDER BY id", (project_id,)):
        yield "media", r
    for r in rows(db, "SELECT kind, owner_id, field, lang, text FROM texts WHERE"
                      " (kind = 'project' AND owner_id = :p) OR (kind = 'label' AND owner_id"
                      " IN (SELECT id FROM labels WHERE project_id = :p))"
                      " ORDER BY kind, owner_id, field, lang", {"p": project_id}):
        yield "text", r


def digest(db, project_id: int) -> tuple[str, dict]:
    """SHA-256 over the content a purge deletes, and how many of each and of bytes.

    Each value goes in as its kind, column name, type and length before its bytes, so
    that no two different contents hash alike; the algorithm is in docs/security.md."""
    sha = hashlib.sha256()
    counts = {"task": 0, "answer": 0, "media": 0, "text": 0, "bytes": 0}
    for kind, row in _content(db, project_id):
        counts[kind] += 1
        for column, value in row.items():
            if value is None:
                data, tag = b"", "n"
            elif isinstance(value, bytes):
                data, tag = value, "b"
            else:
                data, tag = str(value).encode(), "t"
            counts["bytes"] += len(data)
            sha.update(f"{kind}:{column}:{tag}:{len(data)}:".encode())
            sha.update(data)
    return sha.hexdigest(), counts


def carry_out(db, purge_id: int, now=None) -> dict:
    """Delete an approved purge's content, write its record, then empty the log."""
    purge = one(db, "SELECT * FROM purges WHERE id = ?", (purge_id,))
    if purge is None or purge["status"] != "approved":
        raise Conflict("purge_not_approved")
    project_id = purge["project_id"]
    db.conn.execute("PRAGMA secure_delete = ON")
    try:
        with write(db):
            sha, counts = digest(db, project_id)
            db.execute("UPDATE tasks SET payload_text = '', media_id = NULL, client_id = NULL,"
                       " gold_answer = NULL, aggregate = NULL, image_ref = NULL"
                       " WHERE project_id = ?", (project_id,))
            db.execute("UPDATE assignments SET answer = NULL, reason = NULL,"
                       " review_note = NULL WHERE project_id = ?", (project_id,))
            db.execute("DELETE FROM media WHERE project_id = ?", (project_id,))
            db.execute("DELETE FROM texts WHERE (kind = 'project' AND owner_id = :p) OR"
                       " (kind = 'label' AND owner_id IN (SELECT id FROM labels"
                       " WHERE project_id = :p))", {"p": project_id})
            at = stamp(now or utcnow())
            db.execute("UPDATE projects SET purged_at = ?, active = 0 WHERE id = ?",
                       (at, project_id))
            db.execute("UPDATE purges SET status = 'done', done_at = ?, tasks = ?, answers = ?,"
                       " media = ?, texts = ?, content_bytes = ?, sha256 = ? WHERE id = ?",
                       (at, counts["task"], counts["answer"], counts["media"], counts["text"],
                        counts["bytes"], sha, purge_id))
            audit.record(db, purge["approved_by"], "purge.done", f"project:{project_id}",
                         purge=purge_id, sha256=sha)
        empty_log(db)
    finally:
        db.conn.execute("PRAGMA secure_delete = OFF")
    return one(db, "SELECT * FROM purges WHERE id = ?", (purge_id,))


def empty_log(db) -> bool:
    """Copy the write-ahead log into the file and cut it to zero bytes, so that no old
    frame (a page as it was before the deletion) survives in it. False when a reader
    still inside the log (Litestream copying it) kept it from finishing within the busy
    timeout: `flask purge` does it again."""
    busy, _, _ = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def scrub(db) -> bool:
    """Rebuild the file without free pages (VACUUM writes every page anew), then empty the
    log. For `flask purge`, at night: it holds the write lock while it runs."""
    db.conn.execute("PRAGMA secure_delete = ON")
    try:
        db.conn.execute("VACUUM")
    finally:
        db.conn.execute("PRAGMA secure_delete = OFF")
    return empty_log(db)


def get(db, purge_id: int, actor: dict) -> dict:
    purge = one(db, "SELECT pu.*, a.name AS asked_by_name, b.name AS approved_by_name,"
                    " p.centre_id, p.client_id FROM purges pu"
                    " JOIN projects p ON p.id = pu.project_id"
                    " JOIN users a ON a.id = pu.asked_by"
                    " LEFT JOIN users b ON b.id = pu.approved_by WHERE pu.id = ?", (purge_id,))
    if purge is None:
        raise NotFound("not_found")
    _project(db, purge["project_id"], actor)
    return purge


def for_project(db, project_id: int) -> list[dict]:
    return rows(db, "SELECT pu.*, a.name AS asked_by_name, b.name AS approved_by_name"
                    " FROM purges pu JOIN users a ON a.id = pu.asked_by"
                    " LEFT JOIN users b ON b.id = pu.approved_by"
                    " WHERE pu.project_id = ? ORDER BY pu.id DESC", (project_id,))


def record_text(purge: dict) -> str:
    """The deletion record as plain text, for the client."""
    lines = [
        "Velai deletion record",
        f"Record: {purge['id']}",
        f"Project: {purge['slug']} (id {purge['project_id']})",
        f"Asked by: {purge['asked_by_name']} at {purge['asked_at']} UTC",
        f"Approved by: {purge['approved_by_name']} at {purge['approved_at']} UTC",
        f"Deleted at: {purge['done_at']} UTC",
        f"Tasks: {purge['tasks']}",
        f"Answers: {purge['answers']}",
        f"Media: {purge['media']}",
        f"Texts: {purge['texts']}",
        f"Content bytes: {purge['content_bytes']}",
        f"SHA-256 of the deleted content: {purge['sha256']}",
    ]
    return "\n".join(lines) + "\n"


def local_replica(replica: str | None) -> str | None:
    """The directory of a file replica (VELAI_REPLICA as `make run` reads it), or None for
    none or an object store (s3://...)."""
    if not replica:
        return None
    if replica.startswith("file://"):
        return replica.removeprefix("file://")
    return None if "://" in replica else replica


def reset_replica(replica: str | None) -> list[str]:
    """Empty a file replica, so that none of its snapshots or log files (which Litestream
    keeps until its own retention drops them) still holds purged content.

    Run with the app (and so Litestream) stopped: started again, Litestream finds the
    replica empty and writes a new snapshot of the purged database at once. Returns what
    was removed; an object store is the operator's (docs/operations.md)."""
    root = local_replica(replica)
    if not root or not os.path.isdir(root):
        return []
    removed = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
        removed.append(path)
    return removed

"""The audit log: every money or role change is written here, in the same transaction."""
import json

from . import paging
from .clock import parse_stamp, stamp, utcnow


def record(db, actor_id, action: str, subject: str, **detail) -> int:
    """Write one entry; returns its id."""
    return db.execute(
        "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (stamp(utcnow()), actor_id, action, subject, json.dumps(detail, ensure_ascii=False)),
    ).lastrowid


def actions(db) -> list[str]:
    return [row["action"] for row in db.query(
        "SELECT DISTINCT action FROM audit_log ORDER BY action")]


def entries(db, action: str | None = None, person: str | None = None, page: int = 1,
            per_page: int = 30) -> tuple[list[dict], bool]:
    """Who did what and when, newest first; filtered by action and by the actor's login."""
    rows = list(db.query(
        "SELECT a.*, u.name AS actor_name, u.login AS actor_login FROM audit_log a"
        " LEFT JOIN users u ON u.id = a.actor_id"
        " WHERE (:action IS NULL OR a.action = :action)"
        " AND (:person IS NULL OR u.login = :person)"
        " ORDER BY a.id DESC LIMIT :limit OFFSET :offset",
        {"action": action or None, "person": person or None,
         **paging.window(page, per_page)}))
    for row in rows:
        row["at"] = parse_stamp(row["at"])
        detail = json.loads(row["detail"] or "{}")
        row["detail"] = ", ".join(f"{k}={v}" for k, v in detail.items() if v not in (None, ""))
    return paging.split(rows, per_page)

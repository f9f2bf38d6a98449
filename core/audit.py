"""The audit log: every money or role change is written here, in the same transaction."""
import json

from .db import stamp, utcnow


def record(db, actor_id, action: str, subject: str, **detail) -> int:
    """Write one entry; returns its id."""
    return db.execute(
        "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (stamp(utcnow()), actor_id, action, subject, json.dumps(detail, ensure_ascii=False)),
    ).lastrowid

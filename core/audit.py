"""The audit log: every money or role change is written here, in the same transaction."""
import json

from .db import stamp, utcnow


def record(db, actor_id, action: str, subject: str, **detail) -> None:
    db.execute(
        "INSERT INTO audit_log (at, actor_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (stamp(utcnow()), actor_id, action, subject, json.dumps(detail, ensure_ascii=False)),
    )

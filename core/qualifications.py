"""Who may do a project's paid work: trainee, qualified or paused, and why it changed.

No row means qualified for a project without a quiz (open to its centre, as before),
and trainee for a project whose quiz is on (core.quizzes; no 'trainee' rows are written
for that); a pass writes 'qualified'. Every change is audited.
"""
from . import audit
from .clock import stamp, utcnow
from .db import one, write

STATUSES = ("trainee", "qualified", "paused")


def get_status(db, user_id: int, project_id: int) -> str | None:
    row = one(db, "SELECT status FROM qualifications WHERE user_id = ? AND project_id = ?",
              (user_id, project_id))
    return row["status"] if row else None


def set_status(db, user_id: int, project_id: int, status: str, *, actor_id=None,
               reason: str | None = None, in_transaction: bool = False) -> None:
    """Set her status for a project and audit it (actor None: the system, e.g. a gold
    pause). `in_transaction`: the caller holds a write() already."""
    if status not in STATUSES:
        raise ValueError(status)

    def _write():
        before = get_status(db, user_id, project_id)
        db.execute(
            "INSERT INTO qualifications (user_id, project_id, status, updated_at, reason,"
            " changed_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, project_id) DO UPDATE"
            " SET status = excluded.status, updated_at = excluded.updated_at,"
            " reason = excluded.reason, changed_by = excluded.changed_by",
            (user_id, project_id, status, stamp(utcnow()), reason, actor_id))
        audit.record(db, actor_id, f"qualification.{status}", f"user:{user_id}",
                     project=project_id, before=before, reason=reason)

    if in_transaction:
        _write()
    else:
        with write(db):
            _write()

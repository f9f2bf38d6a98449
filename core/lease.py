"""A lease that ran out while she was answering: give her the task again when it is
still free for her, so that what she typed is not thrown away (#6 item 8)."""
import datetime as dt

from . import access_log
from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .projects import WORKER_PROJECTS
from .room import room
from .tasks import _ACTIVE, get_assignment

SHORT = dt.timedelta(minutes=10)  # a lease this close to its end is shown on the card


def renew(db, assignment_id: int, user_id: int, now: dt.datetime | None = None) -> dict | None:
    """Her expired, unanswered assignment with a fresh lease (as get_assignment), when the
    task is still open, has room (core.room) and the project is still hers;
    else None and nothing changes."""
    now = now or utcnow()
    with write(db):
        assignment = get_assignment(db, assignment_id, user_id)
        if assignment["state"] != "active" or assignment["lease_expires_at"] > stamp(now):
            return None
        project = one(db, WORKER_PROJECTS + " AND p.id = :project",
                      {"user": user_id, "project": assignment["project_id"]})
        if project is None:
            return None
        task = one(db, "SELECT status FROM tasks WHERE id = ?", (assignment["task_id"],))
        if task["status"] != "open" or room(db, assignment["task_id"], stamp(now)) <= 0:
            return None
        db.execute("UPDATE assignments SET claimed_at = ?, lease_expires_at = ? WHERE id = ?",
                   (stamp(now), stamp(now + dt.timedelta(seconds=project["lease_seconds"])),
                    assignment_id))
    return get_assignment(db, assignment_id, user_id)


def time_left(assignment: dict, now: dt.datetime | None = None) -> dt.timedelta | None:
    """What is left of her lease when it is short (under SHORT), else None."""
    left = parse_stamp(assignment["lease_expires_at"]) - (now or utcnow())
    return left if dt.timedelta(0) < left <= SHORT else None


def held(db, user_id: int, project: dict, now: dt.datetime | None = None) -> list[dict]:
    """Her running leases in this project (a saved batch), as get_assignment, oldest
    first. Only reads: the page that shows a batch claims nothing (core.tasks.claim_batch,
    behind a form, does)."""
    params = {"user": user_id, "project": project["id"], "now": stamp(now or utcnow())}
    batch = [get_assignment(db, row["id"], user_id) for row in db.query(
        f"SELECT id FROM assignments WHERE user_id = :user AND project_id = :project"
        f" AND {_ACTIVE} ORDER BY id", params)]
    access_log.record_now(db, user_id, "task", access_log.assignment_items(batch), now)
    return batch

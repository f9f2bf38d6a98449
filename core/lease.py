"""A lease that ran out while she was answering: give her the task again when it is
still free for her, so that what she typed is not thrown away (#6 item 8)."""
import datetime as dt

from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .projects import WORKER_PROJECTS
from .room import room
from .tasks import get_assignment

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

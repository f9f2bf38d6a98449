"""Lease room: what a task still wants. It wants `wanted` answers (tasks.wanted, raised
by a tie or weak agreement, else its project's redundancy); the answers in and the
leases still running take room; a claim, a renewed lease and the count on her home page
go only where room is left. The database holds the same rule for a new lease
(trigger assignments_within_wanted, migration 0008); tests/test_room.py keeps them one."""
from .db import one

# An assignment `a` holding a lease that still runs at :now.
LIVE_LEASE = "a.state = 'active' AND a.lease_expires_at > :now"


def wanted(task: dict, project: dict) -> int:
    """The answers this task wants now."""
    return task["wanted"] or project["redundancy"]


def room_sql(redundancy: str) -> str:
    """SQL: the room left in task `t` at :now (0 or less: full), `redundancy` being the
    SQL for its project's redundancy (":redundancy", "p.redundancy")."""
    return (f"(coalesce(t.wanted, {redundancy}) - t.answers_count"
            f" - (SELECT count(*) FROM assignments a WHERE a.task_id = t.id AND {LIVE_LEASE}))")


def room(db, task_id: int, now: str) -> int:
    """The room left in one task at `now` (a stamp): answers and leases it may still take."""
    return one(db, f"SELECT {room_sql('p.redundancy')} AS room FROM tasks t"
                   " JOIN projects p ON p.id = t.project_id WHERE t.id = :task",
               {"task": task_id, "now": now})["room"]

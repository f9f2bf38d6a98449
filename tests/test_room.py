"""Lease room (#14): what a task still wants is decided in core.room, and every path
that gives out a lease agrees with it: a claim, the count on her home page, a renewed
lease, and the database's own trigger."""
import datetime as dt
import sqlite3

import pytest

from core import lease, room, taskdata, tasks
from core.clock import stamp
from core.db import one

NOW = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.timezone.utc)
HOUR_AGO = NOW - dt.timedelta(hours=1)

# redundancy, wanted (raised by a tie), answers in, leases running: the room left
SCENARIOS = [
    (2, None, 0, 0, 2),
    (2, None, 1, 0, 1),
    (2, None, 1, 1, 0),
    (2, None, 0, 2, 0),
    (2, 3, 2, 0, 1),
    (2, 3, 2, 1, 0),
    (3, None, 3, 0, 0),
]


def _world(db, make_user, make_project, redundancy, wanted, answers, live):
    """One task; a lease on it that ran out an hour ago (hers, `late`), then `answers`
    in and `live` leases running now."""
    project = make_project(tasks=1, redundancy=redundancy)
    task = one(db, "SELECT id FROM tasks WHERE project_id = ?", (project["id"],))["id"]
    late = make_user()
    claimed = tasks.claim_next(db, late["id"], project, now=HOUR_AGO - dt.timedelta(hours=1))
    db.execute("UPDATE tasks SET wanted = ?, answers_count = ? WHERE id = ?",
               (wanted, answers, task))
    for _ in range(live):
        assert tasks.claim_next(db, make_user()["id"], project, now=NOW)
    return project, task, late, claimed


def _claim(db, make_user, project, task, late, claimed):
    return tasks.claim_next(db, make_user()["id"], project, now=NOW) is not None


def _home_page_count(db, make_user, project, task, late, claimed):
    mine = [p for p in tasks.worker_projects(db, make_user(), now=NOW) if p["id"] == project["id"]]
    return mine[0]["available"] > 0


def _renew(db, make_user, project, task, late, claimed):
    return lease.renew(db, claimed["id"], late["id"], now=NOW) is not None


def _trigger(db, make_user, project, task, late, claimed):
    try:
        db.execute("INSERT INTO assignments (task_id, user_id, project_id, claimed_at,"
                   " lease_expires_at) VALUES (?, ?, ?, ?, ?)",
                   (task, make_user()["id"], project["id"], stamp(NOW),
                    stamp(NOW + dt.timedelta(minutes=15))))
    except sqlite3.IntegrityError as refused:
        assert "task_full" in str(refused)
        return False
    return True


@pytest.mark.parametrize("path", [_claim, _home_page_count, _renew, _trigger],
                         ids=["claim", "home page count", "renewed lease", "trigger"])
@pytest.mark.parametrize("redundancy,wanted,answers,live,left", SCENARIOS)
def test_every_path_that_gives_a_lease_sees_the_same_room(db, make_user, make_project, path,
                                                          redundancy, wanted, answers, live,
                                                          left):
    world = _world(db, make_user, make_project, redundancy, wanted, answers, live)
    assert room.room(db, world[1], stamp(NOW)) == left
    assert path(db, make_user, *world) == (left > 0)


@pytest.mark.parametrize("wanted,answers,status", [(None, 2, "done"), (None, 1, "open"),
                                                   (3, 2, "open"), (3, 3, "done")])
def test_a_released_task_is_done_only_with_all_the_answers_it_wants(db, make_user,
                                                                    make_project, wanted,
                                                                    answers, status):
    project = make_project(tasks=1, redundancy=2)
    task = one(db, "SELECT id FROM tasks WHERE project_id = ?", (project["id"],))["id"]
    db.execute("UPDATE tasks SET status = 'held', wanted = ?, answers_count = ? WHERE id = ?",
               (wanted, answers, task))
    released = taskdata.release(db, make_user(role="supervisor"), task)
    assert released["status"] == status

"""The hot path: claim a task under a lease, record an answer once, skip or report."""
import datetime as dt

from . import gold as check_tasks
from . import access_log, content, quality, recordings, review_plan, tasktypes
from .clock import parse_stamp, stamp, utcnow
from .db import is_id, one, write
from .errors import Conflict, Invalid, NotFound
from .projects import WORKER_PROJECTS, check_open_to
from .room import room_sql

SKIP_REASONS = ("unsure", "language", "unclear", "broken")
HOLD_AFTER_REPORTS = 2  # a task reported broken this often is held for a supervisor

_ACTIVE = "state = 'active' AND lease_expires_at > :now"


def _claimable(redundancy: str) -> str:
    """SQL: task t can go to this person (:user) now: she never had it, and it has room
    (core.room; `redundancy` is an SQL expression)."""
    return f"""t.status = 'open'
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = :user)
  AND {room_sql(redundancy)} > 0"""


_CANDIDATE = f"""SELECT t.id FROM tasks t WHERE t.project_id = :project
  AND {_claimable(":redundancy")} AND t.gold_answer IS NULL ORDER BY t.id LIMIT 1"""
# The next check task (partial index tasks_gold); core.gold decides when one is due.
_CHECK = _CANDIDATE.replace("gold_answer IS NULL", "gold_answer IS NOT NULL")


def _claim(db, params: dict, expires: dt.datetime) -> int | None:
    """Lease the next task that may go to this person; its assignment id, or None.
    Check tasks come spread through the ordinary ones at the project's share (core.gold)."""
    task = one(db, _CANDIDATE, params)
    if task is None or check_tasks.due(task["id"], params["user"], params["share"]) and \
            not check_tasks.slot_taken(db, params["user"], params["project"], task["id"]):
        check = one(db, _CHECK, params)
        if check and task:
            check_tasks.took_slot(db, params["user"], params["project"], task["id"], params["now"])
        task = check or task
    if task is None:
        return None
    cursor = db.execute(
        "INSERT INTO assignments (task_id, user_id, project_id, claimed_at, lease_expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (task["id"], params["user"], params["project"], params["now"], stamp(expires)))
    return cursor.lastrowid


def _params(user_id: int, project: dict, now: dt.datetime) -> dict:
    return {"user": user_id, "project": project["id"], "now": stamp(now),
            "redundancy": project["redundancy"], "share": project["gold_share"]}


def claim_next(db, user_id: int, project: dict, now: dt.datetime | None = None,
               new: bool = True) -> dict | None:
    """Her running assignment in this project, else (unless `new` is False: the disk is
    nearly full, core.disk) a new lease on the next task.

    Returns the assignment (as get_assignment), or None when nothing is left for her.
    """
    now = now or utcnow()
    # A reload resumes her lease: a read, without queueing for the write lock.
    running = one(db, _RUNNING, _params(user_id, project, now))
    if running or not new:
        if not running:
            return None
        assignment = get_assignment(db, running["id"], user_id)
        # Shown again (a reload): a view of its own, in a small unsynced write.
        access_log.record_now(db, user_id, "task", access_log.assignment_items([assignment]),
                              now)
        return assignment
    # Not synced on its own: a power cut can lose only a lease (the task goes back to the
    # pool); the next answer's durable commit syncs it anyway.
    with write(db, durable=False):
        return _claim_next(db, user_id, project, now)


_RUNNING = (f"SELECT id FROM assignments WHERE user_id = :user AND project_id = :project"
            f" AND {_ACTIVE} ORDER BY id LIMIT 1")


def _claim_next(db, user_id: int, project: dict, now: dt.datetime) -> dict | None:
    """claim_next under the write lock: her running lease, read again, or a new one."""
    params = _params(user_id, project, now)
    running = one(db, _RUNNING, params)
    assignment_id = running["id"] if running else _claim(
        db, params, now + dt.timedelta(seconds=project["lease_seconds"]))
    if not assignment_id:
        return None
    assignment = get_assignment(db, assignment_id, user_id)
    # The card about to be shown, in the claim's own transaction: no commit of its own.
    access_log.record(db, user_id, "task", access_log.assignment_items([assignment]), now)
    return assignment


def batch_limit(db, project: dict) -> int:
    """The most tasks of this project one person may hold in a batch now: the project's
    batch size, but never more than its share of the open tasks (at least one), so that a
    small project gives a small batch and one phone cannot starve the others."""
    open_tasks = one(db, "SELECT count(*) AS n FROM tasks WHERE project_id = ?"
                         " AND status = 'open'", (project["id"],))["n"]
    return min(project["batch_size"],
               max(1, open_tasks * project["batch_share_percent"] // 100))


def claim_batch(db, user_id: int, project: dict, now: dt.datetime | None = None) -> list[dict]:
    """Her running leases in this project topped up to batch_limit, to answer offline.

    Every lease in the batch runs the project's batch lease from now, so answers sent
    late still count; core.lease.give_back ends them early.
    """
    now = now or utcnow()
    params = _params(user_id, project, now)
    expires = now + dt.timedelta(seconds=project["batch_lease_seconds"])
    with write(db):
        db.execute(f"UPDATE assignments SET lease_expires_at = max(lease_expires_at, :until)"
                   f" WHERE user_id = :user AND project_id = :project AND {_ACTIVE}",
                   {**params, "until": stamp(expires)})
        held = [row["id"] for row in db.query(
            f"SELECT id FROM assignments WHERE user_id = :user AND project_id = :project"
            f" AND {_ACTIVE} ORDER BY id", params)]
        size = batch_limit(db, project)
        while len(held) < size:
            assignment_id = _claim(db, params, expires)
            if assignment_id is None:
                break
            held.append(assignment_id)
        batch = [get_assignment(db, assignment_id, user_id) for assignment_id in held]
        access_log.record(db, user_id, "task", access_log.assignment_items(batch), now)
        return batch


def worker_projects(db, user: dict, now: dt.datetime | None = None) -> list[dict]:
    """Her projects, each with `available`: the tasks Start would give her now, those she
    holds already (a batch) and those a claim may take (the same rule as a claim, so the
    count never promises what Start cannot give)."""
    return list(db.query(
        f"SELECT w.*, {content.project_name('w')},"
        f" (SELECT count(*) FROM tasks t WHERE t.project_id = w.id"
        f" AND {_claimable('w.redundancy')}) + (SELECT count(*) FROM assignments"
        f" WHERE project_id = w.id AND user_id = :user AND {_ACTIVE}) AS available"
        f" FROM ({WORKER_PROJECTS}) w ORDER BY available = 0, w.id",
        {"user": user["id"], "now": stamp(now or utcnow())}))


def get_assignment(db, assignment_id: int, user_id: int) -> dict:
    """Her assignment with its task and project.

    Raises NotFound("no_task") when it does not exist or is someone else's.
    """
    row = one(db, "SELECT a.*, t.payload_text, t.media_id, t.gold_answer,"
                  " t.recording_assignment_id, m.width AS media_width,"
                  " m.height AS media_height, m.kind AS media_kind, p.slug, p.task_type"
                  " FROM assignments a JOIN tasks t ON t.id = a.task_id"
                  " JOIN projects p ON p.id = a.project_id"
                  " LEFT JOIN media m ON m.id = t.media_id"
                  " WHERE a.id = ? AND a.user_id = ?", (assignment_id, user_id))
    if row is None:
        raise NotFound("no_task")
    return row


def clean_answer(db, project: dict, raw) -> str:
    """The answer as stored, or Invalid naming what is wrong with it (its task type's rule)."""
    return tasktypes.of(project).clean(db, project, raw)


def _check_held(assignment: dict, now: dt.datetime) -> None:
    """Refuse an assignment that is no longer hers to answer."""
    if assignment["state"] in ("skipped", "reported"):
        raise Conflict("already_skipped")
    if parse_stamp(assignment["lease_expires_at"]) <= now:
        raise Conflict("expired")


def record_answer(db, assignment_id: int, user_id: int, raw_answer, *, seconds=None,
                  now: dt.datetime | None = None) -> dict:
    """Record her answer exactly once; a repeat of a recorded answer changes nothing.

    Returns the assignment as stored. Raises NotFound, Invalid (bad answer) or
    Conflict (lease expired, task skipped, or answered already with another
    answer, which stands); each writes nothing.
    """
    return record(db, assignment_id, user_id, answer_step(raw_answer, seconds), now)


def record(db, assignment_id: int, user_id: int, step, now: dt.datetime | None = None) -> dict:
    """Her answer or skip (answer_step or skip_step) in a write transaction of its own."""
    with write(db):
        return step(db, get_assignment(db, assignment_id, user_id), None, now or utcnow())


def _answer(db, assignment: dict, project: dict | None, raw_answer, seconds,
            now: dt.datetime) -> dict:
    """record_answer's work, in its write transaction; `project`: the project's row as the
    gate (check_open_to) gave it in this transaction, or None to read it here."""
    if assignment["state"] == "submitted":
        project = project or one(db, "SELECT * FROM projects WHERE id = ?",
                                 (assignment["project_id"],))
        if not tasktypes.of(project).same(clean_answer(db, project, raw_answer),
                                          assignment["answer"]):
            raise Conflict("already_answered")  # e.g. the same task in a stale batch
        return assignment
    _check_held(assignment, now)
    # The gate's row is the project's row: one read for both.
    project = project or check_open_to(db, assignment["user_id"], assignment["project_id"])
    return store_answer(db, assignment, project, clean_answer(db, project, raw_answer),
                        seconds, now)


def store_answer(db, assignment: dict, project: dict, answer: str, seconds,
                 now: dt.datetime) -> dict:
    """Write her clean answer onto her unanswered assignment (as get_assignment), with the
    task's count, check-task record and settling; inside the caller's write transaction.
    core.receipts uses it too, for an answer acknowledged before a restore."""
    claimed = parse_stamp(assignment["claimed_at"])
    took = int((now - claimed).total_seconds())
    lease = (parse_stamp(assignment["lease_expires_at"]) - claimed).total_seconds()
    if type(seconds) is int and 0 <= seconds <= lease:
        took = seconds  # the phone's own count: right even for answers sent late
    gold = assignment["gold_answer"]
    review = "pending" if gold is None else tasktypes.of(project).judge(answer, gold)
    # Whether it goes to review, decided once, before it counts among her answers.
    reason = review_plan.reason_on_submit(db, assignment, project, review, took)
    # As get_assignment will return it from now on: its task, project and media are as read.
    assignment.update(state="submitted", answer=answer, submitted_at=stamp(now),
                      seconds_spent=took, review_state=review, pay_paise=project["pay_paise"],
                      review_reason=reason)
    db.execute(
        "UPDATE assignments SET state = 'submitted', answer = :answer,"
        " submitted_at = :submitted_at, seconds_spent = :seconds_spent,"
        " review_state = :review_state, pay_paise = :pay_paise,"
        " review_reason = :review_reason WHERE id = :id", assignment)
    db.execute("UPDATE tasks SET answers_count = answers_count + 1 WHERE id = ?",
               (assignment["task_id"],))
    if gold is not None:  # her check-task accuracy, and a pause below the minimum
        check_tasks.record(db, assignment["user_id"], project, review == "accepted", now)
    if assignment["id"] in quality.settle_task(db, assignment["task_id"], project, now):
        assignment.update(review_state="accepted", reviewed_at=stamp(now))
    if project["verified_by_project_id"] or assignment.get("recording_assignment_id"):
        recordings.after_answer(db, assignment, project, now)  # speech: core.recordings
    return assignment


def then_next(db, assignment_id: int, user_id: int, record,
              now: dt.datetime | None = None) -> tuple[dict, dict, dict | None, dict | None]:
    """Her answer or skip, then what comes next, in one write transaction: one wait for
    the write lock and one sync per task, not two. `record(db, assignment, project, now)`
    is answer_step or skip_step, bound to what she sent.

    Returns (the assignment as recorded; its project; the project as held_back gives it
    when a missed check task has just paused her, else None; her next assignment, as
    claim_next, or None when paused or nothing is left). Raises what record_answer or
    skip raise, and the gate's refusal when the project is no longer open to her; a
    refusal writes nothing.
    """
    now = now or utcnow()
    with write(db):
        assignment = get_assignment(db, assignment_id, user_id)
        project = check_open_to(db, user_id, assignment["project_id"])
        done = record(db, assignment, project, now)
        paused = check_tasks.held_back(db, user_id, project["id"]) if missed_check(done) \
            else None
        if paused:
            return done, project, paused[0], None
        return done, project, None, _claim_next(db, user_id, project, now)


def answer_step(raw_answer, seconds=None):
    """Her answer, for then_next."""
    return lambda db, assignment, project, now: _answer(db, assignment, project, raw_answer,
                                                        seconds, now)


def capture_step(fields: dict):
    """Her answer that is a file (TaskType.receive's fields), for then_next or record: a
    media row made by her, its id her answer. The same file sent again answers the same;
    another file for a task she answered already is refused (Conflict)."""
    return lambda db, assignment, project, now: _capture(db, assignment, project, fields, now)


def _capture(db, assignment: dict, project: dict | None, fields: dict,
             now: dt.datetime) -> dict:
    if assignment["state"] == "submitted":
        held = recordings.held_media(db, assignment)
        if held and held["sha256"] == fields["sha256"]:
            return assignment
        raise Conflict("already_answered")
    _check_held(assignment, now)
    project = project or check_open_to(db, assignment["user_id"], assignment["project_id"])
    if not tasktypes.of(project).capture:
        raise Invalid("bad_request")
    media_id = recordings.add_media(db, project["id"], assignment["user_id"], fields)
    return store_answer(db, assignment, project, str(media_id), None, now)


def skip_step(reason):
    """Her skip or report, for then_next."""
    return lambda db, assignment, project, now: _skip(db, assignment, project, reason, now)


def missed_check(assignment: dict) -> bool:
    """Whether this answer (as get_assignment returns it) was wrong on a check task, one
    with a gold answer. She is told at once, with the right answer, so she learns."""
    return assignment["review_state"] == "rejected" and assignment["gold_answer"] is not None


def find_missed_check(db, assignment_id: int | None, user_id: int) -> dict | None:
    """Her assignment `assignment_id` if it missed a check task; None for anything else,
    an id that is not hers included (the 303 after an answer names it in the URL)."""
    try:
        assignment = get_assignment(db, assignment_id, user_id) if assignment_id else None
    except NotFound:
        return None
    return assignment if assignment and missed_check(assignment) else None


def skip(db, assignment_id: int, user_id: int, reason, now: dt.datetime | None = None) -> dict:
    """Give a task back with a reason; "broken" reports it. Repeats change nothing.

    Raises NotFound, Invalid("bad_reason") or Conflict("already_answered").
    """
    return record(db, assignment_id, user_id, skip_step(reason), now)


def _skip(db, assignment: dict, project: dict | None, reason, now: dt.datetime) -> dict:
    """skip's work, in its write transaction (`project` as for _answer)."""
    if reason not in SKIP_REASONS:
        raise Invalid("bad_reason")
    if assignment["state"] in ("skipped", "reported"):
        return assignment
    if assignment["state"] == "submitted":
        raise Conflict("already_answered")
    if project is None:
        check_open_to(db, assignment["user_id"], assignment["project_id"])
    state = "reported" if reason == "broken" else "skipped"
    assignment.update(state=state, reason=reason, submitted_at=stamp(now))
    db.execute("UPDATE assignments SET state = :state, reason = :reason,"
               " submitted_at = :submitted_at WHERE id = :id", assignment)
    if state == "reported":
        db.execute("UPDATE tasks SET reports_count = reports_count + 1,"
                   " status = CASE WHEN reports_count + 1 >= ? AND status = 'open'"
                   " THEN 'held' ELSE status END WHERE id = ?",
                   (HOLD_AFTER_REPORTS, assignment["task_id"]))
    return assignment


def media_for_holder(db, media_id: int, user_id: int, now: dt.datetime | None = None) -> dict:
    """An image, only for someone whose lease on its task is running.

    Raises NotFound("no_media") otherwise, without saying whether it exists.
    """
    media = one(db, f"SELECT m.*, t.id AS task_id FROM media m JOIN tasks t ON t.media_id = m.id"
                    f" JOIN assignments a ON a.task_id = t.id"
                    f" WHERE m.id = :media AND a.user_id = :user AND {_ACTIVE} LIMIT 1",
                {"media": media_id, "user": user_id, "now": stamp(now or utcnow())})
    if media is None:
        raise NotFound("no_media")
    access_log.record_now(db, user_id, "media",
                          [(media["task_id"], media["id"], media["project_id"])], now)
    return media


def sync(db, user_id: int, items: list, now: dt.datetime | None = None,
         redeem=None) -> list[dict]:
    """Answers and skips kept on a phone while it had no signal, sent together.

    Each item: {"id": assignment id, "answer": .. or "reason": .., "seconds": ..}.
    Each is recorded on its own (a repeat is harmless); returns per item its id,
    and the refusal's code and status (400: the answer itself was wrong, she may
    answer again), code None when it is recorded; `done`: the assignment as recorded
    (None on a refusal); `missed`: it, when it missed a check task, else None.
    An item with a receipt ("k") goes to `redeem(db, user_id, item, now)` instead
    (core.receipts: an answer acknowledged before the database was restored).
    """
    results = []
    for item in items:
        item = item if isinstance(item, dict) else {}
        assignment_id = item.get("id")
        try:
            if not is_id(assignment_id):
                raise NotFound("no_task")  # bools, floats, strings, ids SQLite cannot hold
            if "k" in item and redeem:
                done = redeem(db, user_id, item, now)
            elif "reason" in item:
                done = skip(db, assignment_id, user_id, item["reason"], now=now)
            else:
                done = record_answer(db, assignment_id, user_id, item.get("answer"),
                                     seconds=item.get("seconds"), now=now)
            results.append({"id": assignment_id, "code": None, "status": 200, "done": done,
                            "missed": done if missed_check(done) else None})
        except (NotFound, Invalid, Conflict) as refusal:
            results.append({"id": assignment_id, "code": refusal.code,
                            "status": refusal.status, "done": None, "missed": None})
    return results

"""A trainee's way through a quiz: practice, exam attempts that live on the server,
scoring, and the qualification a pass brings; and, for supervisors, her attempts and
their reset. The bank and the settings are core.quiz_bank."""
import datetime as dt
import json
import random

from . import audit, paging, qualifications, tasktypes
from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .errors import Invalid, NotFound
from .quiz_bank import PAGE_SIZE, get_quiz

PRACTICE_SIZE = 3  # the first questions of the bank, shown with explanations, unscored


def get_training_project(db, user: dict, slug: str) -> dict:
    """A live project of her centre with an active quiz, and the quiz as `quiz`.

    Raises NotFound("no_project") otherwise (another centre, no quiz, closed)."""
    project = one(db, "SELECT p.* FROM projects p JOIN quizzes z ON z.project_id = p.id"
                      " AND z.active = 1 WHERE p.slug = ? AND p.status = 'live'"
                      " AND p.centre_id = ?", (slug, user["centre_id"]))
    if project is None:
        raise NotFound("no_project")
    project["quiz"] = get_quiz(db, project["id"])
    return project


def _settle(db, user_id: int, project: dict, now: dt.datetime) -> None:
    """Finish her attempt whose time ran out: unanswered questions count as wrong.
    Lazy: run inside the write transaction of whoever looks next."""
    attempt = one(db, "SELECT * FROM quiz_attempts WHERE user_id = ? AND project_id = ?"
                      " AND finished_at IS NULL AND expires_at <= ?",
                  (user_id, project["id"], stamp(now)))
    if attempt:
        _finish(db, attempt, attempt["expires_at"])


def _finish(db, attempt: dict, finished_at: str) -> None:
    correct = one(db, "SELECT count(*) AS n FROM quiz_attempt_questions WHERE attempt_id = ?"
                      " AND correct = 1", (attempt["id"],))["n"]
    passed = correct * 100 >= attempt["pass_percent"] * attempt["total"]
    db.execute("UPDATE quiz_attempts SET finished_at = ?, correct = ?, passed = ? WHERE id = ?",
               (finished_at, correct, int(passed), attempt["id"]))
    if passed:
        qualifications.set_status(db, attempt["user_id"], attempt["project_id"], "qualified",
                                  reason=f"passed quiz attempt {attempt['id']}",
                                  in_transaction=True)


def _state(db, user_id: int, project: dict, now: dt.datetime) -> dict:
    """Where she stands: `step` is one of qualified, resume, start, wait (until
    `next_at`), ask (the supervisor must reset); with her open attempt, her last
    finished one and how many attempts count."""
    quiz = project["quiz"]
    status = qualifications.get_status(db, user_id, project["id"])
    open_ = one(db, "SELECT * FROM quiz_attempts WHERE user_id = ? AND project_id = ?"
                    " AND finished_at IS NULL", (user_id, project["id"]))
    counted = list(db.query("SELECT * FROM quiz_attempts WHERE user_id = ? AND project_id = ?"
                            " AND finished_at IS NOT NULL AND counted = 1 ORDER BY id",
                            (user_id, project["id"])))
    last = counted[-1] if counted else one(
        db, "SELECT * FROM quiz_attempts WHERE user_id = ? AND project_id = ?"
            " AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1", (user_id, project["id"]))
    state = {"open": open_, "last": last, "used": len(counted), "next_at": None,
             "max_attempts": quiz["max_attempts"]}
    if status not in (None, "trainee"):
        state["step"] = status  # qualified, or paused (a gold check, not the quiz)
    elif open_:
        state["step"] = "resume"
    elif len(counted) >= quiz["max_attempts"]:
        state["step"] = "ask"
    elif counted and parse_stamp(counted[-1]["finished_at"]) + dt.timedelta(
            hours=quiz["cooldown_hours"]) > now:
        state["step"] = "wait"
        state["next_at"] = parse_stamp(counted[-1]["finished_at"]) + dt.timedelta(
            hours=quiz["cooldown_hours"])
    else:
        state["step"] = "start"
    return state


def trainee_state(db, user: dict, project: dict, now: dt.datetime | None = None) -> dict:
    """Her state in this project's quiz (see _state), an expired attempt settled first."""
    now = now or utcnow()
    with write(db):
        _settle(db, user["id"], project, now)
        return _state(db, user["id"], project, now)


def training_projects(db, user: dict, now: dt.datetime | None = None) -> list[dict]:
    """The live projects of her centre whose quiz she has still to pass, each with
    `state` (see trainee_state): her home lists them apart from her paid work."""
    now = now or utcnow()
    rows = list(db.query(
        "SELECT p.* FROM projects p JOIN quizzes z ON z.project_id = p.id AND z.active = 1"
        " LEFT JOIN qualifications q ON q.project_id = p.id AND q.user_id = :user"
        " WHERE p.centre_id = :centre AND p.status = 'live'"
        " AND coalesce(q.status, 'trainee') = 'trainee' ORDER BY p.id",
        {"user": user["id"], "centre": user["centre_id"]}))
    for project in rows:
        project["quiz"] = get_quiz(db, project["id"])
        project["state"] = trainee_state(db, user, project, now)
    return rows


def practice_question(db, project: dict, number: int) -> dict | None:
    """Practice question `number` (1-based) of the first PRACTICE_SIZE in the bank."""
    if not 1 <= number <= PRACTICE_SIZE:
        return None
    row = one(db, "SELECT q.*, m.width AS media_width, m.height AS media_height"
                  " FROM quiz_questions q LEFT JOIN media m ON m.id = q.media_id"
                  " WHERE q.project_id = ? ORDER BY q.id LIMIT 1 OFFSET ?",
              (project["id"], number - 1))
    if row:
        row["answer_list"] = json.loads(row["answers"])
    return row


def practice_count(project: dict) -> int:
    return min(PRACTICE_SIZE, project["quiz"]["bank"])


def clean_quiz_answer(db, project: dict, raw) -> str:
    """Her answer as the same task would store it, or Invalid (unknown_label, empty_text,
    text_too_long)."""
    return tasktypes.of(project).clean(db, project, raw)


def is_right(project: dict, question: dict, answer: str) -> bool:
    """Whether `answer` is the same (as a task's answer would be) as one of the
    question's accepted answers."""
    task_type = tasktypes.of(project)
    return any(task_type.same(answer, accepted) for accepted in question["answer_list"])


def start_attempt(db, user: dict, project: dict, now: dt.datetime | None = None,
                  rng: random.Random | None = None) -> dict:
    """Her open attempt, or a new one with questions drawn at random from the bank.

    Raises Conflict-like Invalid codes: quiz_wait (detail: until), quiz_ask (the
    supervisor must reset), quiz_passed. Never a second draw beside an open attempt."""
    now = now or utcnow()
    quiz = project["quiz"]
    with write(db):
        _settle(db, user["id"], project, now)
        state = _state(db, user["id"], project, now)
        if state["step"] == "resume":
            return state["open"]
        if state["step"] == "wait":
            raise Invalid("quiz_wait", until=state["next_at"])
        if state["step"] == "ask":
            raise Invalid("quiz_ask")
        if state["step"] != "start":
            raise Invalid("quiz_passed")
        bank = [row["id"] for row in db.query(
            "SELECT id FROM quiz_questions WHERE project_id = ?", (project["id"],))]
        drawn = (rng or random.SystemRandom()).sample(
            bank, min(quiz["questions_per_attempt"], len(bank)))
        attempt_id = db.execute(
            "INSERT INTO quiz_attempts (user_id, project_id, started_at, expires_at, total,"
            " pass_percent) VALUES (?, ?, ?, ?, ?, ?)",
            (user["id"], project["id"], stamp(now),
             stamp(now + dt.timedelta(minutes=quiz["attempt_minutes"])), len(drawn),
             quiz["pass_percent"])).lastrowid
        for position, question_id in enumerate(drawn, 1):
            db.execute("INSERT INTO quiz_attempt_questions (attempt_id, position, question_id)"
                       " VALUES (?, ?, ?)", (attempt_id, position, question_id))
        audit.record(db, user["id"], "quiz.start", f"project:{project['id']}",
                     attempt=attempt_id)
        return one(db, "SELECT * FROM quiz_attempts WHERE id = ?", (attempt_id,))


def _question_at(db, attempt_id: int, position: int) -> dict | None:
    row = one(db, "SELECT aq.position, aq.answer, aq.correct, q.*, m.width AS media_width,"
                  " m.height AS media_height FROM quiz_attempt_questions aq"
                  " JOIN quiz_questions q ON q.id = aq.question_id"
                  " LEFT JOIN media m ON m.id = q.media_id"
                  " WHERE aq.attempt_id = ? AND aq.position = ?", (attempt_id, position))
    if row:
        row["answer_list"] = json.loads(row["answers"])
    return row


def current(db, user: dict, project: dict, now: dt.datetime | None = None) -> dict:
    """What her exam screen shows: {"attempt", "question"} for the first unanswered
    question of her open attempt, or {"attempt": the one just finished, "question": None}
    when none is open (finished or expired), or {"attempt": None} when she has none."""
    now = now or utcnow()
    with write(db):
        _settle(db, user["id"], project, now)
        attempt = one(db, "SELECT * FROM quiz_attempts WHERE user_id = ? AND project_id = ?"
                          " ORDER BY id DESC LIMIT 1", (user["id"], project["id"]))
        if attempt is None or attempt["finished_at"]:
            return {"attempt": attempt, "question": None}
        position = one(db, "SELECT min(position) AS p FROM quiz_attempt_questions"
                           " WHERE attempt_id = ? AND answer IS NULL", (attempt["id"],))["p"]
        if position is None:  # every answer in but not finished (cannot stay so)
            _finish(db, attempt, stamp(now))
            return {"attempt": one(db, "SELECT * FROM quiz_attempts WHERE id = ?",
                                   (attempt["id"],)), "question": None}
        return {"attempt": attempt, "question": _question_at(db, attempt["id"], position)}


def answer(db, user: dict, project: dict, attempt_id: int, position: int, raw,
           now: dt.datetime | None = None) -> dict:
    """Record her answer to question `position` of her open attempt, once.

    An answer to a question already answered (a repeat after a dropped reply) changes
    nothing. The last answer finishes and scores the attempt. Raises NotFound for an
    attempt that is not hers, Invalid for a bad answer; returns current()."""
    now = now or utcnow()
    with write(db):
        attempt = one(db, "SELECT * FROM quiz_attempts WHERE id = ? AND user_id = ?"
                          " AND project_id = ?", (attempt_id, user["id"], project["id"]))
        if attempt is None:
            raise NotFound("no_attempt")
        row = one(db, "SELECT aq.answer, q.answers FROM quiz_attempt_questions aq"
                      " JOIN quiz_questions q ON q.id = aq.question_id"
                      " WHERE aq.attempt_id = ? AND aq.position = ?", (attempt_id, position))
        live = attempt["finished_at"] is None and parse_stamp(attempt["expires_at"]) > now
        if live and row is not None and row["answer"] is None:
            given = clean_quiz_answer(db, project, raw)
            right = is_right(project, {"answer_list": json.loads(row["answers"])}, given)
            db.execute("UPDATE quiz_attempt_questions SET answer = ?, correct = ?,"
                       " answered_at = ? WHERE attempt_id = ? AND position = ?",
                       (given, int(right), stamp(now), attempt_id, position))
            if one(db, "SELECT 1 AS x FROM quiz_attempt_questions WHERE attempt_id = ?"
                       " AND answer IS NULL", (attempt_id,)) is None:
                _finish(db, attempt, stamp(now))
    return current(db, user, project, now)


def get_attempt_or_404(db, user_id: int, attempt_id: int) -> dict:
    """Her attempt. Raises NotFound("no_attempt") for anyone else's."""
    attempt = one(db, "SELECT * FROM quiz_attempts WHERE id = ? AND user_id = ?",
                  (attempt_id, user_id))
    if attempt is None:
        raise NotFound("no_attempt")
    return attempt


def result(db, user: dict, project: dict, attempt_id: int,
           now: dt.datetime | None = None) -> dict:
    """A finished attempt's score, pass or fail, her wrong answers with the right one,
    and her state now (when she may retake). Raises NotFound, or Invalid("quiz_open")
    while the attempt is still running."""
    state = trainee_state(db, user, project, now)
    attempt = get_attempt_or_404(db, user["id"], attempt_id)
    if attempt["project_id"] != project["id"]:
        raise NotFound("no_attempt")
    if attempt["finished_at"] is None:
        raise Invalid("quiz_open")
    wrong = []
    for position in range(1, attempt["total"] + 1):
        question = _question_at(db, attempt_id, position)
        if not question["correct"]:
            wrong.append(question)
    percent = attempt["correct"] * 100 // attempt["total"]
    return {"attempt": attempt, "wrong": wrong, "percent": percent, "state": state}


def media_for_trainee(db, media_id: int, user: dict) -> dict:
    """A question's picture, for a trainee whose attempt drew it, or anyone of the
    project's centre in practice (the first questions). Raises NotFound("no_media")."""
    media = one(db, "SELECT m.* FROM media m JOIN quiz_questions q ON q.media_id = m.id"
                    " JOIN projects p ON p.id = q.project_id WHERE m.id = :media"
                    " AND p.centre_id = :centre AND (EXISTS (SELECT 1 FROM"
                    " quiz_attempt_questions aq JOIN quiz_attempts a ON a.id = aq.attempt_id"
                    " WHERE aq.question_id = q.id AND a.user_id = :user)"
                    " OR q.id IN (SELECT id FROM quiz_questions WHERE project_id = p.id"
                    " ORDER BY id LIMIT :practice)) LIMIT 1",
                {"media": media_id, "user": user["id"], "centre": user["centre_id"],
                 "practice": PRACTICE_SIZE})
    if media is None:
        raise NotFound("no_media")
    return media


def trainees(db, project: dict, page: int = 1) -> tuple[list[dict], bool]:
    """The project's annotators who took its quiz or still have to, with their attempts
    (counted ones and all), best score and status; a page of them, and whether more."""
    rows = list(db.query(
        "SELECT u.id, u.name, u.login, q.status,"
        " (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id"
        "  AND a.project_id = :project) AS attempts,"
        " (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id"
        "  AND a.project_id = :project AND a.counted = 1 AND a.finished_at IS NOT NULL)"
        "  AS counted,"
        " (SELECT group_concat(coalesce(a.correct * 100 / a.total, -1), ' ')"
        "  FROM (SELECT * FROM quiz_attempts a WHERE a.user_id = u.id"
        "  AND a.project_id = :project ORDER BY a.id) a) AS scores"
        " FROM users u LEFT JOIN qualifications q ON q.user_id = u.id"
        " AND q.project_id = :project"
        " WHERE u.role = 'annotator' AND u.active = 1 AND u.centre_id = :centre"
        " AND (coalesce(q.status, 'trainee') = 'trainee' OR EXISTS (SELECT 1"
        " FROM quiz_attempts a WHERE a.user_id = u.id AND a.project_id = :project))"
        " ORDER BY u.name LIMIT :limit OFFSET :offset",
        {"project": project["id"], "centre": project["centre_id"],
         **paging.window(page, PAGE_SIZE)}))
    for row in rows:
        row["score_list"] = [int(s) for s in (row["scores"] or "").split()]
    return paging.split(rows, PAGE_SIZE)


def reset_attempts(db, project: dict, user_id: int, actor_id: int) -> int:
    """Let her take the quiz again now: her finished attempts stop counting (they stay,
    for the record). Audited. Raises NotFound("no_user") for someone not of the project's
    centre. Returns how many attempts were reset."""
    with write(db):
        person = one(db, "SELECT id FROM users WHERE id = ? AND centre_id = ?"
                         " AND role = 'annotator'", (user_id, project["centre_id"]))
        if person is None:
            raise NotFound("no_user")
        changed = db.execute("UPDATE quiz_attempts SET counted = 0 WHERE user_id = ?"
                             " AND project_id = ? AND counted = 1 AND finished_at IS NOT NULL",
                             (user_id, project["id"])).rowcount
        audit.record(db, actor_id, "quiz.reset", f"user:{user_id}", project=project["id"],
                     attempts=changed)
    return changed

"""Onboarding quizzes: a project's question bank and settings, practice, exam attempts
that live on the server, scoring, and the qualification a pass brings.

The rule, kept everywhere (core.projects.WORKER_PROJECTS holds it in SQL): a project with
an active quiz is paid work only for an annotator whose qualification row says
'qualified'; with no row she is a trainee there. A project without a quiz is open to its
centre's annotators unless a row says otherwise. No 'trainee' rows are written for it.
"""
import csv
import datetime as dt
import io
import json
import random
import unicodedata

from . import audit, paging, qualifications
from .db import one, parse_stamp, stamp, utcnow, write
from .errors import Invalid, NotFound
from .projects import YES_NO, add_media, labels

LANGS = ("en", "ta", "hi")
PRACTICE_SIZE = 3  # the first questions of the bank, shown with explanations, unscored
PAGE_SIZE = 20
MAX_PROMPT = 500
MAX_EXPLANATION = 400
MAX_ANSWER = 200
MAX_ACCEPTED = 10
MAX_IMPORT_ROWS = 1000
SETTINGS = {  # field: (default, lowest, highest)
    "questions_per_attempt": (10, 1, 100),
    "pass_percent": (80, 1, 100),
    "cooldown_hours": (24, 0, 720),
    "max_attempts": (3, 1, 20),
    "attempt_minutes": (60, 5, 1440),
}
_END_PUNCTUATION = ".,;:!?\u0964\u0965\"'“”‘’()[]-–—…"  # । ॥ too


class NeedsQuiz(NotFound):
    """She is a trainee for this project: its paid work waits until she passes the quiz.
    A NotFound, so every route that refuses a closed project refuses this too."""

    status = 403


def normalise(text) -> str:
    """A free-text answer as compared: NFC, spaces collapsed, case folded, no punctuation
    at either end ("  Vanakkam! " and "vanakkam" agree)."""
    text = unicodedata.normalize("NFC", text if isinstance(text, str) else "")
    text = " ".join(text.split()).casefold()
    return text.strip(_END_PUNCTUATION + " ")


# -- the gate's reason ----------------------------------------------------------------

def gate_refusal(db, user_id: int, *, slug=None, project_id=None) -> NotFound:
    """Why WORKER_PROJECTS let her not in (only asked once it refused): NeedsQuiz when
    the project is live in her centre with an active quiz she has not passed, else
    NotFound("no_project")."""
    row = one(db, "SELECT p.slug FROM projects p JOIN quizzes z ON z.project_id = p.id"
                  " AND z.active = 1 LEFT JOIN qualifications q ON q.project_id = p.id"
                  " AND q.user_id = :user WHERE (p.slug = :slug OR p.id = :project)"
                  " AND p.status = 'live' AND coalesce(q.status, 'trainee') = 'trainee'"
                  " AND p.centre_id = (SELECT centre_id FROM users WHERE id = :user)",
              {"user": user_id, "slug": slug, "project": project_id})
    if row:
        return NeedsQuiz("needs_quiz", slug=row["slug"])
    return NotFound("no_project")


# -- settings and the bank (supervisors) ----------------------------------------------

def get_quiz(db, project_id: int) -> dict:
    """The quiz settings of a project (the defaults, inactive, when none is saved)."""
    quiz = one(db, "SELECT * FROM quizzes WHERE project_id = ?", (project_id,))
    if quiz is None:
        quiz = {"project_id": project_id, "active": 0, "updated_at": None,
                **{field: default for field, (default, _lo, _hi) in SETTINGS.items()}}
    quiz["bank"] = one(db, "SELECT count(*) AS n FROM quiz_questions WHERE project_id = ?",
                       (project_id,))["n"]
    return quiz


def save_settings(db, project: dict, form: dict, actor_id: int) -> dict:
    """Save the quiz settings; `form` holds text as posted. Raises Invalid("bad_settings",
    errors={field: code}) and writes nothing when a value is out of range.

    Turning a quiz on keeps whoever already answered in the project at work: she gets a
    'qualified' row (audited), so only newcomers meet the quiz."""
    values, errors = {}, {}
    for field, (_default, low, high) in SETTINGS.items():
        raw = str(form.get(field, "")).strip()
        if not raw.isdigit() or not low <= int(raw) <= high:
            errors[field] = "out_of_range"
        else:
            values[field] = int(raw)
    values["active"] = 1 if form.get("active") in ("1", "on", "true", 1, True) else 0
    with write(db):
        bank = get_quiz(db, project["id"])["bank"]
        if values["active"] and bank == 0:
            errors["active"] = "empty_bank"
        if errors:
            raise Invalid("bad_settings", errors=errors)
        before = one(db, "SELECT active FROM quizzes WHERE project_id = ?", (project["id"],))
        db.execute(
            "INSERT INTO quizzes (project_id, active, questions_per_attempt, pass_percent,"
            " cooldown_hours, max_attempts, attempt_minutes, updated_at)"
            " VALUES (:project_id, :active, :questions_per_attempt, :pass_percent,"
            " :cooldown_hours, :max_attempts, :attempt_minutes, :now)"
            " ON CONFLICT (project_id) DO UPDATE SET active = excluded.active,"
            " questions_per_attempt = excluded.questions_per_attempt,"
            " pass_percent = excluded.pass_percent, cooldown_hours = excluded.cooldown_hours,"
            " max_attempts = excluded.max_attempts, attempt_minutes = excluded.attempt_minutes,"
            " updated_at = excluded.updated_at",
            {**values, "project_id": project["id"], "now": stamp(utcnow())})
        if values["active"] and not (before and before["active"]):
            for row in list(db.query(
                    "SELECT DISTINCT a.user_id FROM assignments a LEFT JOIN qualifications q"
                    " ON q.user_id = a.user_id AND q.project_id = a.project_id"
                    " WHERE a.project_id = ? AND a.state = 'submitted' AND q.user_id IS NULL",
                    (project["id"],))):
                qualifications.set_status(db, row["user_id"], project["id"], "qualified",
                                          actor_id=actor_id, reason="worked before the quiz",
                                          in_transaction=True)
        audit.record(db, actor_id, "quiz.settings", f"project:{project['id']}", **values)
    return get_quiz(db, project["id"])


def allowed_answers(db, project: dict) -> list[str] | None:
    """The answers a choice question may have (None: free text, any words)."""
    if project["task_type"] == "yes_no":
        return list(YES_NO)
    if project["task_type"] == "single_choice":
        return [label["value"] for label in labels(db, project["id"])]
    return None


def check_question(db, project: dict, data: dict, allowed=...) -> tuple[dict, dict]:
    """A question as stored and the errors {field: code} found in `data`:
    {"prompt": {lang: text}, "explanation": {lang: text}, "answers": [text, ...]}."""
    allowed = allowed_answers(db, project) if allowed is ... else allowed
    errors = {}
    clean = {}
    for kind, limit, required in (("prompt", MAX_PROMPT, ("en",)),
                                  ("explanation", MAX_EXPLANATION, LANGS)):
        texts = data.get(kind) if isinstance(data.get(kind), dict) else {}
        for lang in LANGS:
            text = texts.get(lang)
            text = unicodedata.normalize("NFC", text.strip()) if isinstance(text, str) else ""
            if not text and lang in required:
                errors[f"{kind}_{lang}"] = "required"
            elif len(text) > limit:
                errors[f"{kind}_{lang}"] = "too_long"
            clean[f"{kind}_{lang}"] = text
    answers = data.get("answers")
    answers = [answers] if isinstance(answers, str) else answers
    answers = [a.strip() for a in answers if isinstance(a, str) and a.strip()] \
        if isinstance(answers, list) else []
    if not answers:
        errors["answers"] = "answer_required"
    elif allowed is not None and (len(answers) != 1 or answers[0] not in allowed):
        errors["answers"] = "answer_not_a_label"
    elif allowed is None and (len(answers) > MAX_ACCEPTED
                              or any(len(a) > MAX_ANSWER for a in answers)):
        errors["answers"] = "too_many_answers"
    clean["answers"] = json.dumps(
        [unicodedata.normalize("NFC", a) for a in answers], ensure_ascii=False)
    return clean, errors


def get_question_or_404(db, project_id: int, question_id: int) -> dict:
    """A question of this project. Raises NotFound("no_question") for any other."""
    row = one(db, "SELECT q.*, m.width AS media_width, m.height AS media_height"
                  " FROM quiz_questions q LEFT JOIN media m ON m.id = q.media_id"
                  " WHERE q.id = ? AND q.project_id = ?", (question_id, project_id))
    if row is None:
        raise NotFound("no_question")
    row["answer_list"] = json.loads(row["answers"])
    return row


def save_question(db, project: dict, data: dict, *, image: dict | None = None,
                  question_id: int | None = None, drop_image: bool = False,
                  actor_id: int) -> dict:
    """Add a question (or change `question_id`); `image` is prepared by
    core.media.prepare_image. Raises Invalid("bad_question", errors=...) writing nothing."""
    clean, errors = check_question(db, project, data)
    if errors:
        raise Invalid("bad_question", errors=errors)
    now = stamp(utcnow())
    with write(db):
        old = get_question_or_404(db, project["id"], question_id) if question_id else None
        media_id = old["media_id"] if old and not drop_image else None
        if image:
            media_id = add_media(db, project["id"], image)
        row = {**clean, "media_id": media_id, "now": now, "project_id": project["id"]}
        if old:
            db.execute("UPDATE quiz_questions SET prompt_en = :prompt_en, prompt_ta = :prompt_ta,"
                       " prompt_hi = :prompt_hi, media_id = :media_id, answers = :answers,"
                       " explanation_en = :explanation_en, explanation_ta = :explanation_ta,"
                       " explanation_hi = :explanation_hi, updated_at = :now WHERE id = :id",
                       {**row, "id": question_id})
        else:
            question_id = _insert_question(db, row)
        audit.record(db, actor_id, "quiz.question.edit" if old else "quiz.question.add",
                     f"project:{project['id']}", question=question_id)
    return get_question_or_404(db, project["id"], question_id)


def _insert_question(db, row: dict) -> int:
    return db.execute(
        "INSERT INTO quiz_questions (project_id, prompt_en, prompt_ta, prompt_hi, media_id,"
        " answers, explanation_en, explanation_ta, explanation_hi, created_at, updated_at)"
        " VALUES (:project_id, :prompt_en, :prompt_ta, :prompt_hi, :media_id, :answers,"
        " :explanation_en, :explanation_ta, :explanation_hi, :now, :now)", row).lastrowid


def list_questions(db, project_id: int, page: int = 1) -> tuple[list[dict], bool]:
    """A page of the bank, oldest first; and whether a next page exists."""
    rows = list(db.query("SELECT * FROM quiz_questions WHERE project_id = :project ORDER BY id"
                         " LIMIT :limit OFFSET :offset",
                         {"project": project_id, **paging.window(page, PAGE_SIZE)}))
    for row in rows:
        row["answer_list"] = json.loads(row["answers"])
    return paging.split(rows, PAGE_SIZE)


def _rows_from_file(filename: str, content: bytes):
    """(line number, question data) for each row of a CSV or JSONL file, or
    (line, None, code) for a row that cannot be read."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        yield 0, None, "not_utf8"
        return
    if filename.lower().endswith((".jsonl", ".json", ".ndjson")):
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):
                yield number, None, "bad_json"
                continue
            if not isinstance(row, dict):
                yield number, None, "bad_json"
                continue
            yield number, {"prompt": row.get("prompt"), "explanation": row.get("explanation"),
                           "answers": row.get("answers", row.get("answer"))}, None
        return
    if not filename.lower().endswith(".csv"):
        yield 0, None, "bad_file_type"
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"prompt_en", "answer", "explanation_en", "explanation_ta",
               "explanation_hi"} - set(reader.fieldnames or ())
    if missing:
        yield 1, None, "missing_columns"
        return
    for row in reader:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        yield reader.line_num, {
            "prompt": {lang: row.get(f"prompt_{lang}") or "" for lang in LANGS},
            "explanation": {lang: row.get(f"explanation_{lang}") or "" for lang in LANGS},
            "answers": (row.get("answer") or "").split("|")}, None


def import_bank(db, project: dict, filename: str, content: bytes, actor_id: int) -> int:
    """Add every question of a CSV or JSONL file, or none.

    Everything is checked first; then one transaction writes. Raises
    Invalid("bad_import", errors=[(line, field or None, code), ...]) listing every error."""
    allowed = allowed_answers(db, project)
    errors, rows = [], []
    for number, data, code in _rows_from_file(filename or "", content or b""):
        if code:
            errors.append((number, None, code))
            continue
        clean, found = check_question(db, project, data, allowed)
        errors.extend((number, field, found[field]) for field in found)
        rows.append(clean)
    if not errors and not rows:
        errors.append((0, None, "empty_file"))
    if len(rows) > MAX_IMPORT_ROWS:
        errors.append((0, None, "too_many_rows"))
    if errors:
        raise Invalid("bad_import", errors=errors)
    now = stamp(utcnow())
    with write(db):
        for row in rows:
            _insert_question(db, {**row, "media_id": None, "now": now,
                                  "project_id": project["id"]})
        audit.record(db, actor_id, "quiz.import", f"project:{project['id']}", count=len(rows))
    return len(rows)


# -- what a trainee sees ------------------------------------------------------------

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
    """Her answer as given, or Invalid (unknown_label, empty_text)."""
    raw = raw if isinstance(raw, str) else ""
    allowed = allowed_answers(db, project)
    if allowed is None:
        text = unicodedata.normalize("NFC", raw.strip())[:MAX_ANSWER]
        if not text:
            raise Invalid("empty_text")
        return text
    if raw not in allowed:
        raise Invalid("unknown_label")
    return raw


def is_right(question: dict, answer: str) -> bool:
    """Whether `answer` matches one of the question's accepted answers (free text
    after normalise(); a choice exactly)."""
    return any(normalise(answer) == normalise(accepted) for accepted in question["answer_list"])


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
            right = is_right({"answer_list": json.loads(row["answers"])}, given)
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


def media_for_supervisor(db, media_id: int, actor: dict) -> dict:
    """A question's picture for a supervisor of its centre (admin: any)."""
    media = one(db, "SELECT m.*, p.centre_id FROM media m JOIN quiz_questions q"
                    " ON q.media_id = m.id JOIN projects p ON p.id = q.project_id"
                    " WHERE m.id = ? LIMIT 1", (media_id,))
    if media is None or (actor["role"] != "admin" and media["centre_id"] != actor["centre_id"]):
        raise NotFound("no_media")
    return media


# -- supervisors: trainees and resets --------------------------------------------------

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


def qualify_for(db, user_id: int, projects: list[dict], actor_id=None) -> None:
    """Mark her qualified for each project (a script's ready-to-work annotator)."""
    with write(db):
        for project in projects:
            qualifications.set_status(db, user_id, project["id"], "qualified",
                                      actor_id=actor_id, reason="qualified when created",
                                      in_transaction=True)


def overview(db, centre_id: int | None) -> list[dict]:
    """Each project (of a centre; every centre for None) with its quiz: on or off, how
    many questions, how many annotators still trainees there."""
    return list(db.query(
        "SELECT p.id, p.slug, p.name_en, p.name_ta, p.name_hi, p.task_type, c.name AS centre_name,"
        " coalesce(z.active, 0) AS active,"
        " (SELECT count(*) FROM quiz_questions q WHERE q.project_id = p.id) AS bank,"
        " CASE WHEN z.active = 1 THEN (SELECT count(*) FROM users u LEFT JOIN qualifications"
        "  q ON q.user_id = u.id AND q.project_id = p.id WHERE u.centre_id = p.centre_id"
        "  AND u.role = 'annotator' AND u.active = 1"
        "  AND coalesce(q.status, 'trainee') = 'trainee') ELSE 0 END AS trainees"
        " FROM projects p JOIN centres c ON c.id = p.centre_id"
        " LEFT JOIN quizzes z ON z.project_id = p.id"
        " WHERE :centre IS NULL OR p.centre_id = :centre ORDER BY c.name, p.id",
        {"centre": centre_id}))


def get_training_project_by_id(db, project_id: int) -> dict:
    """The project with its quiz as `quiz` (scripts and tests)."""
    project = one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))
    if project is None:
        raise NotFound("no_project")
    project["quiz"] = get_quiz(db, project_id)
    return project


def projects_to_qualify(db, centre_code: str, slugs, role: str = "annotator") -> list[dict]:
    """The projects named (slugs, or "all": every project of the centre) that a new
    annotator of `centre_code` is to be qualified for. Raises NotFound("no_project",
    slug=..) for a slug not of that centre, Invalid("not_annotator") for other roles."""
    slugs = list(slugs or ())
    if not slugs:
        return []
    if role != "annotator":
        raise Invalid("not_annotator")
    rows = list(db.query("SELECT p.* FROM projects p JOIN centres c ON c.id = p.centre_id"
                         " WHERE c.code = ? ORDER BY p.id", (centre_code,)))
    if "all" in slugs:
        return rows
    by_slug = {row["slug"]: row for row in rows}
    for slug in slugs:
        if slug not in by_slug:
            raise NotFound("no_project", slug=slug)
    return [by_slug[slug] for slug in dict.fromkeys(slugs)]

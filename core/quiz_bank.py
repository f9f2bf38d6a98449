"""A project's onboarding quiz as its supervisor keeps it: the settings, and the question
bank (written, edited, imported from a file). Attempts are core.quiz_attempts; who may
work (the gate) is core.qualifications."""
import csv
import io
import json
import unicodedata

from . import audit, content, languages, paging, qualifications, scope, tasktypes
from .clock import stamp, utcnow
from .db import one, write
from .content import langs_of as content_langs
from .errors import Invalid, NotFound
from .projects import add_media

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
    return tasktypes.of(project).choices(db, project)


def check_question(db, project: dict, data: dict, allowed=...) -> tuple[dict, dict]:
    """A question as stored and the errors {field: code} found in `data`:
    {"prompt": {lang: text}, "explanation": {lang: text}, "answers": [text, ...]}.

    The prompt is required in the project's first language, the explanation in each of
    the project's languages: a language added to Velai later leaves old questions whole."""
    allowed = allowed_answers(db, project) if allowed is ... else allowed
    errors = {}
    clean = {}
    langs = content.langs_of(project)
    for kind, limit, required in (("prompt", MAX_PROMPT, langs[:1]),
                                  ("explanation", MAX_EXPLANATION, langs)):
        texts = data.get(kind) if isinstance(data.get(kind), dict) else {}
        clean[kind] = {}
        for lang in languages.CODES:
            text = texts.get(lang)
            text = unicodedata.normalize("NFC", text.strip()) if isinstance(text, str) else ""
            if not text and lang in required:
                errors[f"{kind}_{lang}"] = "required"
            elif len(text) > limit:
                errors[f"{kind}_{lang}"] = "too_long"
            clean[kind][lang] = text
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
    return with_texts(db, [row])[0]


def with_texts(db, rows: list[dict]) -> list[dict]:
    """Questions with their `prompt` and `explanation` ({lang: text}), also as the form's
    fields (prompt_ta...), their project's `languages` (the fallback order) and
    `answer_list`."""
    texts = content.read(db, "question", [row["id"] for row in rows])
    langs = {}
    for row in rows:
        if row["project_id"] not in langs:
            langs[row["project_id"]] = one(db, "SELECT languages FROM projects WHERE id = ?",
                                           (row["project_id"],))["languages"]
        row["languages"] = langs[row["project_id"]]
        row["answer_list"] = json.loads(row["answers"])
        for field in ("prompt", "explanation"):
            row[field] = texts[row["id"]].get(field, {})
            row.update({f"{field}_{lang}": text for lang, text in row[field].items()})
    return rows


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
            db.execute("UPDATE quiz_questions SET media_id = :media_id, answers = :answers,"
                       " updated_at = :now WHERE id = :id",
                       {"media_id": media_id, "answers": clean["answers"], "now": now,
                        "id": question_id})
            _write_texts(db, question_id, clean)
        else:
            question_id = _insert_question(db, row)
        audit.record(db, actor_id, "quiz.question.edit" if old else "quiz.question.add",
                     f"project:{project['id']}", question=question_id)
    return get_question_or_404(db, project["id"], question_id)


def _insert_question(db, row: dict) -> int:
    question_id = db.execute(
        "INSERT INTO quiz_questions (project_id, media_id, answers, created_at, updated_at)"
        " VALUES (:project_id, :media_id, :answers, :now, :now)", row).lastrowid
    _write_texts(db, question_id, row)
    return question_id


def _write_texts(db, question_id: int, clean: dict) -> None:
    for field in ("prompt", "explanation"):
        content.write(db, "question", question_id, field, clean[field])


def list_questions(db, project_id: int, page: int = 1) -> tuple[list[dict], bool]:
    """A page of the bank, oldest first; and whether a next page exists."""
    rows = list(db.query("SELECT * FROM quiz_questions WHERE project_id = :project ORDER BY id"
                         " LIMIT :limit OFFSET :offset",
                         {"project": project_id, **paging.window(page, PAGE_SIZE)}))
    rows, more = paging.split(rows, PAGE_SIZE)
    return with_texts(db, rows), more


def _rows_from_file(filename: str, content: bytes, first: str = languages.FALLBACK):
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
    try:
        # Columns prompt_<code> and explanation_<code> for any language; a missing column is
        # an empty text, refused by check_question where the project needs it.
        if not {"answer", f"prompt_{first}"} <= set(reader.fieldnames or ()):
            yield 1, None, "missing_columns"
            return
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, {
                "prompt": {lang: row.get(f"prompt_{lang}") or "" for lang in languages.CODES},
                "explanation": {lang: row.get(f"explanation_{lang}") or ""
                                for lang in languages.CODES},
                "answers": (row.get("answer") or "").split("|")}, None
    except csv.Error:  # a cell longer than the csv module takes (128 K), a stray quote
        yield reader.reader.line_num, None, "bad_csv"  # DictReader's own lags a line


def import_bank(db, project: dict, filename: str, content: bytes, actor_id: int) -> int:
    """Add every question of a CSV or JSONL file, or none.

    Everything is checked first; then one transaction writes. Raises
    Invalid("bad_import", errors=[(line, field or None, code), ...]) listing every error."""
    allowed = allowed_answers(db, project)
    errors, rows = [], []
    for number, data, code in _rows_from_file(filename or "", content or b"",
                                              content_langs(project)[0]):
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


def get_training_project_by_id(db, project_id: int) -> dict:
    """The project with its quiz as `quiz` (scripts and tests)."""
    project = one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))
    if project is None:
        raise NotFound("no_project")
    project["quiz"] = get_quiz(db, project_id)
    return project


def media_for_supervisor(db, media_id: int, actor: dict) -> dict:
    """A question's picture for a supervisor of its centre (admin: any)."""
    media = one(db, "SELECT m.*, p.centre_id, p.id AS project_id FROM media m JOIN quiz_questions q"
                    " ON q.media_id = m.id JOIN projects p ON p.id = q.project_id"
                    " WHERE m.id = ? LIMIT 1", (media_id,))
    if media is None or not scope.may_see_project(
            db, actor, {"id": media["project_id"], "centre_id": media["centre_id"]}):
        raise NotFound("no_media")
    return media


def overview(db, centre_id: int | None, viewer: dict | None = None) -> list[dict]:
    """Each project (of a centre; every centre for None; those `viewer` may see, core.scope)
    with its quiz: on or off, how many questions, how many annotators still trainees there."""
    return list(db.query(
        "SELECT p.id, p.slug, p.languages, p.content_version, p.task_type,"
        " c.name AS centre_name,"
        " coalesce(z.active, 0) AS active,"
        " (SELECT count(*) FROM quiz_questions q WHERE q.project_id = p.id) AS bank,"
        " CASE WHEN z.active = 1 THEN (SELECT count(*) FROM users u LEFT JOIN qualifications"
        "  q ON q.user_id = u.id AND q.project_id = p.id WHERE u.centre_id = p.centre_id"
        "  AND u.role = 'annotator' AND u.active = 1"
        "  AND coalesce(q.status, 'trainee') = 'trainee') ELSE 0 END AS trainees"
        " FROM projects p JOIN centres c ON c.id = p.centre_id"
        " LEFT JOIN quizzes z ON z.project_id = p.id"
        f" WHERE {scope.project_sql('p')} ORDER BY c.name, p.id",
        scope.bind(centre_id, viewer)))

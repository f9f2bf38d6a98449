"""Handing results back to the client: CSV (for Excel) or JSON Lines, one project at a
time, produced piece by piece so that a project of any size never sits whole in memory."""
import csv
import hashlib
import hmac
import io
import json

from . import tasktypes
from .db import one

CSV_COLUMNS = ("task_id", "client_id", "text", "image", "gold", "status", "aggregate",
               "confidence", "annotator", "answer", "seconds", "review_state", "answered_at")
FORMATS = ("csv", "jsonl")
BOM = "\ufeff"  # so that Excel reads the file as UTF-8 and shows Tamil and Hindi
_RISKY = ("=", "+", "-", "@", "\t", "\r")
_TASKS_PER_QUERY = 2000


def pseudonym(secret: bytes, project_id: int, user_id: int) -> str:
    """The annotator as the client sees her: the same in every export of this project,
    different in every other project, and no way back to her phone number."""
    digest = hmac.new(secret, f"{project_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return "a" + digest[:11]


def safe_cell(value):
    """A cell a spreadsheet shows as text: one that starts like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    return value


def _image_ref(task: dict):
    if task["media_id"] is None:
        return None
    return task["image_ref"] or f"media/{task['media_id']}"


def tasks_with_answers(db, project_id: int, secret: bytes):
    """Each task of the project in id order, with its submitted answers: a generator that
    reads a slice of tasks at a time. Answers, gold and majority travel as the
    project's task type writes them to a file."""
    cell = tasktypes.of(one(db, "SELECT task_type FROM projects WHERE id = ?",
                            (project_id,))).export
    last = 0
    while True:
        tasks = list(db.query(
            "SELECT id, client_id, payload_text, media_id, image_ref, gold_answer, status,"
            " aggregate, confidence FROM tasks WHERE project_id = ? AND id > ?"
            " ORDER BY id LIMIT ?", (project_id, last, _TASKS_PER_QUERY)))
        if not tasks:
            return
        answers = {}
        for row in db.query(
                "SELECT task_id, user_id, answer, seconds_spent, review_state, submitted_at"
                " FROM assignments WHERE project_id = ? AND task_id BETWEEN ? AND ?"
                " AND state = 'submitted' ORDER BY task_id, id",
                (project_id, tasks[0]["id"], tasks[-1]["id"])):
            answers.setdefault(row["task_id"], []).append({
                "annotator": pseudonym(secret, project_id, row["user_id"]),
                "answer": cell(row["answer"]), "seconds": row["seconds_spent"],
                "review_state": row["review_state"], "answered_at": row["submitted_at"]})
        for task in tasks:
            yield {"task_id": task["id"], "client_id": task["client_id"],
                   "text": task["payload_text"], "image": _image_ref(task),
                   "gold": cell(task["gold_answer"]), "status": task["status"],
                   "aggregate": cell(task["aggregate"]), "confidence": task["confidence"],
                   "answers": answers.get(task["id"], [])}
        last = tasks[-1]["id"]


def _csv_lines(items):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield BOM
    writer.writerow(CSV_COLUMNS)
    for n, task in enumerate(items, 1):
        head = [task[c] for c in CSV_COLUMNS[:8]]
        for answer in task["answers"] or [{}]:
            writer.writerow([safe_cell(v) for v in head + [
                answer.get(c) for c in CSV_COLUMNS[8:]]])
        if n % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl_lines(items):
    chunk = []
    for task in items:
        chunk.append(json.dumps(task, ensure_ascii=False) + "\n")
        if len(chunk) == 200:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def export(db, project_id: int, fmt: str, secret: bytes):
    """The project's export as a generator of text pieces: CSV with a BOM, one row per
    answer (a task without answers: one row, its answer cells empty), cells that would
    start a formula neutralised; or JSON Lines, one task a line with its answers."""
    items = tasks_with_answers(db, project_id, secret)
    return _csv_lines(items) if fmt == "csv" else _jsonl_lines(items)


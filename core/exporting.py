"""Handing results back to the client: CSV (for Excel) or JSON Lines, one project at a
time, produced piece by piece so that a project of any size never sits whole in memory."""
import csv
import hashlib
import hmac
import io
import json
import zipfile

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


def tasks_with_answers(db, project_id: int, secret: bytes, raw_answers: bool = False):
    """Each task of the project in id order, with its submitted answers: a generator that
    reads a slice of tasks at a time. Answers, gold and majority travel as the
    project's task type writes them to a file; `raw_answers`: each answer also carries
    its stored value as `media_id` (a type whose answers are files she made)."""
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
                "SELECT id, task_id, user_id, answer, seconds_spent, review_state, submitted_at"
                " FROM assignments WHERE project_id = ? AND task_id BETWEEN ? AND ?"
                " AND state = 'submitted' ORDER BY task_id, id",
                (project_id, tasks[0]["id"], tasks[-1]["id"])):
            answers.setdefault(row["task_id"], []).append({
                "annotator": pseudonym(secret, project_id, row["user_id"]),
                "answer": cell(row["answer"]), "seconds": row["seconds_spent"],
                "review_state": row["review_state"], "answered_at": row["submitted_at"],
                **({"media_id": row["answer"], "assignment_id": row["id"]}
                   if raw_answers else {})})
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



# -- a zip of the files she made, with its manifest --------------------------------------

# A recording's row carries its listeners' verdicts (how many said it matches, how many
# not, and what they settled on); a transcription task made from a recording names that
# recording's file, as it sits in the export of the project that recorded it.
ZIP_COLUMNS = (*CSV_COLUMNS, "file", "duration_ms", "verified_yes", "verified_no", "verdict",
               "recording")
_EXTENSIONS = {"image/jpeg": "jpg", "image/webp": "webp", "audio/ogg": "ogg",
               "audio/webm": "webm", "audio/mp4": "m4a", "audio/wav": "wav"}


class _Pipe:
    """What zipfile writes, handed on in pieces: a stream with no tell() makes zipfile
    write each member's sizes after its bytes (data descriptors), so nothing is sought."""

    def __init__(self):
        self.pieces = []

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        out, self.pieces = b"".join(self.pieces), []
        return out


def media_path(media: dict) -> str:
    """Where a file she made sits in the export zip: photos/ or recordings/, by id."""
    kind = media["original_type"] or media["content_type"]
    ext = _EXTENSIONS.get(kind.split(";")[0].strip(), "bin")
    return f"{'photos' if media['kind'] == 'image' else 'recordings'}/{media['id']}.{ext}"


def _with_media(db, batch, project_id):
    """The media rows (without their bytes) of a slice of tasks' answers, by id."""
    ids = [int(a["media_id"]) for t in batch for a in t["answers"] if a.get("media_id")]
    found = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        found.update({row["id"]: row for row in db.query(
            "SELECT id, kind, content_type, original_type, duration_ms FROM media"
            f" WHERE project_id = ? AND id IN ({','.join('?' * len(part))})",
            (project_id, *part))})
    return found


def _in(db, sql: str, ids: list, head: tuple = ()):
    """Rows of `sql` (its `{}` the placeholders) for `ids`, 500 at a time."""
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        yield from db.query(sql.format(",".join("?" * len(part))), (*head, *part))


def _verifications(db, batch) -> dict:
    """{recording's assignment id: its verification task's yes, no and verdict}."""
    ids = [a["assignment_id"] for t in batch for a in t["answers"] if a.get("assignment_id")]
    return {row["recording"]: row for row in _in(
        db, "SELECT t.recording_assignment_id AS recording, t.aggregate AS verdict,"
            " count(CASE WHEN a.answer = 'yes' THEN 1 END) AS yes,"
            " count(CASE WHEN a.answer = 'no' THEN 1 END) AS no"
            " FROM tasks t LEFT JOIN assignments a ON a.task_id = t.id AND a.state = 'submitted'"
            " WHERE t.recording_assignment_id IN ({}) GROUP BY t.id", ids)}


def _recordings(db, batch) -> dict:
    """{task id: its recording's file} for the tasks made from a recording (a transcript)."""
    return {row["task_id"]: media_path(row) for row in _in(
        db, "SELECT t.id AS task_id, m.id, m.kind, m.content_type, m.original_type"
            " FROM tasks t JOIN media m ON m.id = t.media_id"
            " WHERE t.transcribes_assignment_id IS NOT NULL AND t.id IN ({})",
        [t["task_id"] for t in batch])}


def _manifest(db, project_id: int, secret: bytes, made: bool):
    """manifest.csv in pieces of text: one row per answer with its file and length."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(ZIP_COLUMNS)
    batch = []
    items = tasks_with_answers(db, project_id, secret, raw_answers=made)
    for task in [*items, None]:
        if task is not None:
            batch.append(task)
        if len(batch) < 200 and task is not None:
            continue
        media = _with_media(db, batch, project_id)
        heard, played = _verifications(db, batch), _recordings(db, batch)
        for done in batch:
            head = [done[c] for c in CSV_COLUMNS[:8]]
            for answer in done["answers"] or [{}]:
                row = media.get(int(answer["media_id"])) if answer.get("media_id") else None
                check = heard.get(answer.get("assignment_id")) or {}
                writer.writerow([safe_cell(v) for v in head + [
                    answer.get(c) for c in CSV_COLUMNS[8:]] + [
                    media_path(row) if row else None, row["duration_ms"] if row else None,
                    check.get("yes"), check.get("no"), check.get("verdict"),
                    played.get(done["task_id"])]])
        batch = []
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _files(db, project_id: int):
    """(path, bytes) of each photo or recording answered in the project, one at a time."""
    last = 0
    while True:
        rows = list(db.query(
            "SELECT a.id AS answer_id, m.id, m.kind, m.content_type, m.original_type,"
            " coalesce(m.original, m.data) AS bytes FROM assignments a"
            " JOIN media m ON m.id = CAST(a.answer AS INTEGER) AND m.project_id = a.project_id"
            " WHERE a.project_id = ? AND a.state = 'submitted' AND a.id > ?"
            " ORDER BY a.id LIMIT 50", (project_id, last)))
        if not rows:
            return
        for row in rows:
            yield media_path(row), row["bytes"]
        last = rows[-1]["answer_id"]


def export_zip(db, project_id: int, secret: bytes):
    """The project's export as a zip, in pieces of bytes: manifest.csv first, one row per
    answer with its file, length, check (gold), review state (her reviewer's or her
    verifiers' verdict) and the task's settled answer; then each photo or recording she
    made (photos as kept, stripped; recordings as received) under photos/ or recordings/.
    zipfile writes to a stream it cannot seek, so each piece goes as soon as it is made
    and no project sits whole in memory."""
    project = one(db, "SELECT task_type FROM projects WHERE id = ?", (project_id,))
    made = tasktypes.of(project).capture is not None
    pipe = _Pipe()
    when = (2026, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        listing = zipfile.ZipInfo("manifest.csv", when)
        listing.compress_type = zipfile.ZIP_DEFLATED  # text: it shrinks
        with archive.open(listing, "w", force_zip64=True) as manifest:
            for piece in _manifest(db, project_id, secret, made):
                manifest.write(piece.encode("utf-8"))
                yield pipe.take()
        if made:
            for path, data in _files(db, project_id):
                # Photos and Opus are compressed already: stored, not deflated again.
                archive.writestr(zipfile.ZipInfo(path, when), data,
                                 compress_type=zipfile.ZIP_STORED)
                yield pipe.take()
    yield pipe.take()

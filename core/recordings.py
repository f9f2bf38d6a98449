"""Recordings and their listeners: a recording submitted in a record project becomes a
task of the project that verifies it (projects.verified_by_project_id); when that task
settles (core.quality: majority, dynamic overlap) its answer decides the recording's
review state, and so its pay. A tie waits for a supervisor. A recording accepted goes on,
when its project names one (projects.transcribed_by_project_id), to be transcribed. The database holds the money
side of it (trigger recordings_accepted_when_verified, migration 0070)."""
import datetime as dt

from .clock import stamp
from .db import one, write
from .errors import Invalid

NOT_VERIFIED = "not_verified"  # the reject reason her earnings page explains


def add_media(db, project_id: int, user_id: int | None, fields: dict) -> int:
    """Store a received file (TaskType.receive's fields) as a media row; its id."""
    return db.execute(
        "INSERT INTO media (project_id, user_id, kind, content_type, width, height,"
        " duration_ms, sha256, data, original, original_type)"
        " VALUES (:project_id, :user_id, :kind, :content_type, :width, :height,"
        " :duration_ms, :sha256, :data, :original, :original_type)",
        {"project_id": project_id, "user_id": user_id, "duration_ms": None,
         "original": None, "original_type": None, **fields}).lastrowid


def to_verify(db, assignment: dict, project: dict, now: dt.datetime) -> None:
    """Her recording (a submitted assignment of a record project) as a task of the
    project that verifies it: the same sentence, her recording as its media. Once only
    (unique index tasks_one_per_recording)."""
    db.execute(
        "INSERT INTO tasks (project_id, payload_text, media_id, recording_assignment_id,"
        " created_at) SELECT ?, payload_text, ?, ?, ? FROM tasks WHERE id = ?"
        " ON CONFLICT DO NOTHING",
        (project["verified_by_project_id"], int(assignment["answer"]), assignment["id"],
         stamp(now), assignment["task_id"]))


def decide(db, task_id: int, now: dt.datetime) -> None:
    """After a verification answer: once its task has settled with a majority, accept
    the recording ("yes") or reject it as not verified ("no"), unless a person decided
    it already."""
    task = one(db, "SELECT status, aggregate, recording_assignment_id FROM tasks"
                   " WHERE id = ?", (task_id,))
    if not task or task["recording_assignment_id"] is None or task["status"] != "done" \
            or task["aggregate"] not in ("yes", "no"):
        return
    accepted = task["aggregate"] == "yes"
    db.execute("UPDATE assignments SET review_state = ?, reviewed_at = ?, reject_reason = ?"
               " WHERE id = ? AND review_state = 'pending'",
               ("accepted" if accepted else "rejected", stamp(now),
                None if accepted else NOT_VERIFIED, task["recording_assignment_id"]))
    to_transcribe(db, task["recording_assignment_id"], now)


def to_transcribe(db, recording_id: int, now: dt.datetime) -> None:
    """An accepted recording (the recorder's assignment `recording_id`) as a task of the
    project that transcribes its project's recordings, if any: its listening copy as the
    media and no text, so the sentence read is not handed to the transcriber as the answer
    (transcripts are compared among transcribers, core.cer). Once only (unique index
    tasks_one_transcript_per_recording)."""
    db.execute(
        "INSERT INTO tasks (project_id, media_id, transcribes_assignment_id, created_at)"
        " SELECT p.transcribed_by_project_id, m.id, a.id, ? FROM assignments a"
        " JOIN projects p ON p.id = a.project_id"
        " JOIN media m ON m.id = CAST(a.answer AS INTEGER) AND m.project_id = p.id"
        " WHERE a.id = ? AND a.review_state = 'accepted' AND a.state = 'submitted'"
        " AND p.transcribed_by_project_id IS NOT NULL AND m.kind = 'audio'"
        " ON CONFLICT DO NOTHING",
        (stamp(now), recording_id))


def after_answer(db, assignment: dict, project: dict, now: dt.datetime) -> None:
    """core.tasks.store_answer's hook: a new recording goes to its listeners; a new
    verification may decide a recording."""
    if project["verified_by_project_id"]:
        to_verify(db, assignment, project, now)
    if assignment.get("recording_assignment_id"):
        decide(db, assignment["task_id"], now)


def held_media(db, assignment: dict) -> dict | None:
    """The media row her submitted capture answer names (for a repeated send)."""
    answer = assignment.get("answer")
    if not (answer or "").isdigit():
        return None
    return one(db, "SELECT id, sha256 FROM media WHERE id = ?", (int(answer),))


CARD_BYTES = 2_000  # a task card and its answer, as `make bench` measures them
RECORD_BYTES_PER_S = 3_000  # the phone records Opus at 24 kbit/s
LISTEN_SECONDS = 10  # a typical sentence read aloud


def data_per_task(project: dict) -> int | None:
    """About how many bytes one task of this project costs her on the phone, both ways,
    when sound is part of it (None: a task of text and small pictures)."""
    from . import audio, tasktypes
    task_type = tasktypes.of(project)
    if task_type.capture == "audio":  # at most this long, sent once
        return CARD_BYTES + project["max_record_seconds"] * RECORD_BYTES_PER_S
    if "audio" in task_type.media:  # the listening copy, fetched once
        return CARD_BYTES + LISTEN_SECONDS * audio.LISTEN_KBPS * 1000 // 8
    return None


def link(db, project: dict, verifier: dict) -> None:
    """Have `verifier` (a project whose tasks play a recording) judge the recordings of
    `project` (a project whose answers are recordings), in the same centre.
    Raises Invalid("bad_verifier")."""
    from . import tasktypes
    if tasktypes.of(project).capture != "audio" or "audio" not in tasktypes.of(verifier).media \
            or project["centre_id"] != verifier["centre_id"]:
        raise Invalid("bad_verifier")
    with write(db):
        db.execute("UPDATE projects SET verified_by_project_id = ? WHERE id = ?",
                   (verifier["id"], project["id"]))

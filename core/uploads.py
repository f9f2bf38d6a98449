"""Resumable uploads, stored once: a file she sends from the phone (a recording, a photo)
goes in small pieces; after a dropped link the phone asks where the server is and goes on
from there. The server names each upload (its idempotency key): a piece that arrives
twice is taken once, and a repeated last piece answers as the first did. When the last
byte is in, the file is checked (its task type's receive) and becomes her answer, in one
transaction with the upload's end (core.tasks.capture_step)."""
import datetime as dt
import secrets

from . import tasks, tasktypes
from .audio import MAX_UPLOAD
from .clock import stamp, utcnow
from .db import is_id, one, write
from .errors import Invalid, NotFound

MAX_PIECE = 64 * 1024  # the phone sends 16 KB; a larger piece is refused


def _row(db, key, user_id: int) -> dict:
    """Her upload by its key. Raises NotFound("no_upload")."""
    row = one(db, "SELECT id, key, assignment_id, user_id, content_type, size, received,"
                  " media_id FROM uploads WHERE key = ? AND user_id = ?",
              (key if isinstance(key, str) else "", user_id))
    if row is None:
        raise NotFound("no_upload")
    return row


def state(row: dict) -> dict:
    """What the phone is told: the key, the bytes the server has, whether it is done."""
    return {"key": row["key"], "offset": row["received"], "size": row["size"],
            "done": row["media_id"] is not None}


def start(db, assignment_id: int, user_id: int, size, content_type: str,
          now: dt.datetime | None = None) -> dict:
    """Begin (or find again) the upload of her answer to this assignment.

    The same assignment and size find the unfinished upload she began (a lost reply to
    this request costs nothing); another size is a new recording, which replaces it.
    Raises NotFound (not her assignment), Invalid (not a capture task, a bad size)."""
    assignment = tasks.get_assignment(db, assignment_id, user_id)
    if not tasktypes.TYPES[assignment["task_type"]].capture:
        raise Invalid("bad_request")
    if not is_id(size):
        raise Invalid("bad_request")
    if size > MAX_UPLOAD:
        raise Invalid("recording_too_big")
    now = now or utcnow()
    with write(db, durable=False):  # nothing she was promised yet
        done = one(db, "SELECT * FROM uploads WHERE assignment_id = ? AND media_id IS NOT NULL",
                   (assignment_id,))
        if done:
            return state(done)
        found = one(db, "SELECT * FROM uploads WHERE assignment_id = ? AND size = ?",
                    (assignment_id, size))
        if found:
            return state(found)
        db.execute("DELETE FROM uploads WHERE assignment_id = ?", (assignment_id,))
        db.execute("INSERT INTO uploads (key, assignment_id, user_id, content_type, size,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (secrets.token_urlsafe(16), assignment_id, user_id,
                    (content_type or "application/octet-stream")[:100], size, stamp(now)))
        return state(one(db, "SELECT * FROM uploads WHERE assignment_id = ?",
                         (assignment_id,)))


def status(db, key, user_id: int) -> dict:
    """Where her upload stands (after a dropped link). Raises NotFound."""
    return state(_row(db, key, user_id))


def put(db, key, user_id: int, offset, piece: bytes) -> dict:
    """Add a piece at `offset`. A piece the server has already (a retry) changes
    nothing; one that would leave a gap is not taken. Either way the answer says where
    the server is, and the phone goes on from there. Raises NotFound, Invalid."""
    if len(piece) > MAX_PIECE or type(offset) is not int or offset < 0:
        raise Invalid("bad_request")
    with write(db):
        row = _row(db, key, user_id)
        if row["media_id"] is None and offset == row["received"] and piece:
            if offset + len(piece) > row["size"]:
                raise Invalid("bad_request")
            # || makes text of blobs; the cast gives the same bytes back as a blob.
            db.execute("UPDATE uploads SET data = CAST(data || ? AS BLOB),"
                       " received = received + ? WHERE id = ?", (piece, len(piece), row["id"]))
            row["received"] += len(piece)
    return state(row)


def finish(db, key, user_id: int, now: dt.datetime | None = None) -> dict:
    """Her complete upload as her answer: checked by its task type (outside the write
    lock: decoding takes milliseconds), then stored with the upload's end in one
    transaction. A second call returns the same assignment.

    Returns the assignment as recorded. Raises NotFound, Invalid (the file refused: the
    upload is forgotten, she records again), Conflict (as record_answer)."""
    row = _row(db, key, user_id)
    if row["media_id"] is not None:
        return tasks.get_assignment(db, row["assignment_id"], user_id)
    if row["received"] != row["size"]:
        raise Invalid("upload_incomplete")
    assignment = tasks.get_assignment(db, row["assignment_id"], user_id)
    project = one(db, "SELECT * FROM projects WHERE id = ?", (assignment["project_id"],))
    data = one(db, "SELECT data FROM uploads WHERE id = ?", (row["id"],))["data"]
    try:
        fields = tasktypes.of(project).receive(db, project, data, row["content_type"])
    except Invalid:
        with write(db, durable=False):
            db.execute("DELETE FROM uploads WHERE id = ? AND media_id IS NULL", (row["id"],))
        raise
    step = tasks.capture_step(fields)

    def step_and_end(db, assignment, project, now):
        again = _row(db, key, user_id)
        if again["media_id"] is not None:  # a twin request finished it meanwhile
            return tasks.get_assignment(db, again["assignment_id"], user_id)
        done = step(db, assignment, project, now)
        db.execute("UPDATE uploads SET media_id = ?, done_at = ?, data = x'' WHERE id = ?",
                   (int(done["answer"]), stamp(now), row["id"]))
        return done
    return tasks.record(db, row["assignment_id"], user_id, step_and_end, now)

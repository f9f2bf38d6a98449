"""Receipts: the phone as a second copy of her answers while the replica catches up.

Litestream copies the database about once a second, so losing the machine's disk loses
the last moments of acknowledged answers. Each acknowledged answer therefore comes back
to the phone with a receipt (an HMAC under the app's secret over the assignment, task,
user, answer and the second it was stored); the phone keeps the answer and its receipt
until the server says the answer has had time to reach the replica (`watermark`). After
a restore, a re-sent answer with a valid receipt is stored even though its lease, or its
whole assignment row, was lost; once: the receipt names her and the task, and she has at
most one assignment per task.

How the server knows an answer reached the replica: a time bound. Litestream offers the
app no cheap per-commit "replicated" signal (its replica may be a directory or S3), but
it ships the log every `sync-interval` (1 s, deploy/litestream.yml). An answer stored by
this process at least REPLICA_LAG seconds ago (60 by default: sixty intervals) counts as
replicated. Answers older than this process's start are never counted so: the database
may have been restored under them, so the phone sends those again and they are
confirmed (or stored) anew.
"""
import base64
import datetime as dt
import hashlib
import hmac
import time

from .clock import parse_stamp, stamp
from .db import is_id, one, write
from .errors import NotFound
from .tasks import clean_answer, get_assignment, store_answer

REPLICA_LAG = 60  # seconds after which a stored answer is taken to be in the replica
BOOT = int(time.time())  # this process opened the database no earlier than this


def key_from(secret: str | bytes) -> bytes:
    """The receipts' own key, derived from the app's secret (never the secret itself)."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"velai-receipt:" + secret).digest()


def _mac(key: bytes, assignment_id: int, task_id: int, user_id: int, at: int,
         answer: str) -> str:
    message = f"{assignment_id}|{task_id}|{user_id}|{at}|{answer}".encode()
    # 128 bits are plenty against forgery and keep the task cycle's reply small (22 chars).
    return base64.urlsafe_b64encode(hmac.digest(key, message, "sha256")[:16]).decode()[:22]


def receipt(key: bytes, assignment: dict) -> dict:
    """The receipt of a stored answer (as get_assignment returns it): {a, t, at, r}."""
    at = int(parse_stamp(assignment["submitted_at"]).timestamp())
    answer = assignment["answer"]
    return {"a": assignment["id"], "t": assignment["task_id"], "at": at,
            "r": _mac(key, assignment["id"], assignment["task_id"], assignment["user_id"],
                      at, answer)}


def watermark(lag: int = REPLICA_LAG, now: float | None = None) -> dict:
    """What the phone may forget: answers confirmed at `seen` with b <= seen <= s."""
    now = int(time.time() if now is None else now)
    return {"b": BOOT, "s": now - lag}


def redeem(db, user_id: int, item: dict, _now: dt.datetime | None = None, *,
           key: bytes) -> dict:
    """A re-sent answer with its receipt ("k"): her assignment as stored, the answer
    stored now if the database lost it (lease, or assignment row, gone with a restore),
    as of the second the receipt names (her day and pay as first acknowledged).

    Raises NotFound("no_task") for a receipt that is forged, not hers or names a task
    the database does not hold; Invalid when the answer no longer fits the project.
    """
    k = item.get("k")
    k = k if isinstance(k, dict) else {}
    ids = (k.get("a"), k.get("t"))
    at = k.get("at")
    if not all(is_id(n) for n in ids) or not is_id(at) or not isinstance(k.get("r"), str):
        raise NotFound("no_task")
    assignment_id, task_id = ids
    project = one(db, "SELECT p.* FROM tasks t JOIN projects p ON p.id = t.project_id"
                      " WHERE t.id = ?", (task_id,))
    if project is None:
        raise NotFound("no_task")
    answer = clean_answer(db, project, item.get("answer"))
    if not hmac.compare_digest(_mac(key, assignment_id, task_id, user_id, at, answer),
                               k["r"]):
        raise NotFound("no_task")
    when = dt.datetime.fromtimestamp(at, dt.timezone.utc)
    with write(db):
        held = one(db, "SELECT id, state FROM assignments WHERE task_id = ? AND user_id = ?",
                   (task_id, user_id))
        if held and held["state"] == "submitted":  # stored already: nothing to do
            # (Her answer stands as stored; when she answered the task again after the
            # restore, the receipt returned still signs what her phone keeps.)
            return {**get_assignment(db, held["id"], user_id), "answer": answer}
        seconds = item.get("seconds")
        seconds = seconds if type(seconds) is int and 0 <= seconds <= 86_400 else 0
        claimed = stamp(when - dt.timedelta(seconds=seconds))
        _make_room(db, task_id, project, claimed, held)
        if held is None:
            free = one(db, "SELECT 1 AS taken FROM assignments WHERE id = ?",
                       (assignment_id,)) is None
            cursor = db.execute(
                "INSERT INTO assignments (id, task_id, user_id, project_id, claimed_at,"
                " lease_expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (assignment_id if free else None, task_id, user_id, project["id"], claimed,
                 stamp(when + dt.timedelta(seconds=1))))
            held = {"id": cursor.lastrowid}
        else:  # a lease of hers (expired, or given again after the restore) or a skip
            db.execute("UPDATE assignments SET state = 'active', reason = NULL,"
                       " claimed_at = ? WHERE id = ?", (claimed, held["id"]))
        return store_answer(db, get_assignment(db, held["id"], user_id), project, answer,
                            seconds, when)


def _make_room(db, task_id: int, project: dict, claimed: str, held: dict | None) -> None:
    """An acknowledged answer is kept even when, after a restore, others have since
    filled its task: the task then wants one answer more (as a tie asks), so the rule that
    a task never has more leases and answers than it wants (a trigger) still holds."""
    room = one(db, "SELECT t.answers_count + (SELECT count(*) FROM assignments a"
                   " WHERE a.task_id = t.id AND a.state = 'active' AND a.lease_expires_at > ?"
                   " AND a.id IS NOT ?) AS used, coalesce(t.wanted, ?) AS wanted"
                   " FROM tasks t WHERE t.id = ?",
               (claimed, held["id"] if held else None, project["redundancy"], task_id))
    if room["used"] >= room["wanted"]:
        db.execute("UPDATE tasks SET wanted = ? WHERE id = ?", (room["used"] + 1, task_id))


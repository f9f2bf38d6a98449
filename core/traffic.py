"""The data Velai sends each worker: counted by the server, shown to her per day.

Every response she gets adds to her count. Writing each one at once was a write
transaction per request, the task cycle's third: the counts wait in this process and
go to the database together, at most `every` seconds apart (a worker that is killed
loses at most that much of a count, never an answer).
"""
import atexit
import datetime as dt
import threading
import time
from collections import Counter

from .clock import india_day
from .db import one, write

_UPSERT = ("INSERT INTO traffic (user_id, day, bytes) VALUES (?, ?, ?)"
           " ON CONFLICT (user_id, day) DO UPDATE SET bytes = bytes + excluded.bytes")


class _Waiting:
    """Counts not yet written, of one database file, in this process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = Counter()
        self.since = time.monotonic()


_waiting: dict[str, _Waiting] = {}
_waiting_lock = threading.Lock()


def _for(db) -> _Waiting:
    path = getattr(db, "velai_path", None) or str(id(db))
    with _waiting_lock:
        waiting = _waiting.get(path)
        if waiting is None:
            waiting = _waiting[path] = _Waiting()
            if getattr(db, "velai_path", None):
                atexit.register(_flush_path, path)
    return waiting


def add(db, user_id: int, size: int, now: dt.datetime | None = None,
        every: float = 0.0) -> None:
    """Count `size` bytes on her day; written now, or with others within `every` s."""
    waiting = _for(db)
    with waiting.lock:
        waiting.counts[(user_id, india_day(now))] += size
        due = time.monotonic() - waiting.since >= every
    if due:
        flush(db)


def flush(db) -> None:
    """Write the waiting counts in one transaction. Not synced on its own (a count, not
    an answer): the next durable commit syncs it."""
    waiting = _for(db)
    with waiting.lock:
        counts, waiting.counts, waiting.since = waiting.counts, Counter(), time.monotonic()
    if not counts:
        return
    try:
        with write(db, durable=False):
            db.conn.executemany(_UPSERT, [(user, day, size)
                                          for (user, day), size in counts.items()])
    except Exception:
        with waiting.lock:  # kept for the next flush
            waiting.counts.update(counts)
        raise


def _flush_path(path: str) -> None:
    """At exit (a worker stopping): write what waits, if anything does."""
    from .db import connect
    waiting = _waiting.get(path)
    if waiting is None or not waiting.counts:
        return
    try:
        db = connect(path)
        try:
            flush(db)
        finally:
            db.conn.close()
    except Exception:  # noqa: BLE001 - at exit, a count is not worth a traceback
        pass


def today(db, user_id: int, now: dt.datetime | None = None) -> int:
    """Her bytes today: written, and still waiting in this process."""
    day = india_day(now)
    row = one(db, "SELECT bytes FROM traffic WHERE user_id = ? AND day = ?", (user_id, day))
    waiting = _for(db)
    with waiting.lock:
        pending = waiting.counts.get((user_id, day), 0)
    return (row["bytes"] if row else 0) + pending

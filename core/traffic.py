"""The data Velai sends each worker: counted by the server, shown to her per day."""
import datetime as dt

from .db import india_day, one


def add(db, user_id: int, size: int, now: dt.datetime | None = None) -> None:
    db.execute("INSERT INTO traffic (user_id, day, bytes) VALUES (?, ?, ?)"
               " ON CONFLICT (user_id, day) DO UPDATE SET bytes = bytes + excluded.bytes",
               (user_id, india_day(now), size))


def today(db, user_id: int, now: dt.datetime | None = None) -> int:
    row = one(db, "SELECT bytes FROM traffic WHERE user_id = ? AND day = ?",
              (user_id, india_day(now)))
    return row["bytes"] if row else 0

"""The first-day welcome: shown once, remembered on her user row (#6 item 8)."""
from .clock import stamp, utcnow


def first_time(db, user: dict) -> bool:
    """Whether she has not seen the welcome yet; marks it seen (one UPDATE, once)."""
    if user.get("welcomed_at"):
        return False
    done = db.execute("UPDATE users SET welcomed_at = ? WHERE id = ? AND welcomed_at IS NULL",
                      (stamp(utcnow()), user["id"]))
    return done.rowcount == 1

"""Server-side sessions: the signed cookie carries only a random id; this table says
whether it still works. Logout, a PIN change and a deactivation end sessions.

A session also remembers when its password was last typed (authed_at: the login, or a
step-up since): moving money asks for it again after STEP_UP_AFTER, so that a phone or
laptop left logged in does not let someone else approve or mark a payment."""
import datetime as dt
import secrets

from .clock import stamp, utcnow
from .db import one

IDLE = dt.timedelta(days=14)  # unused this long, a session ends (as the cookie's lifetime)
TOUCH_EVERY = dt.timedelta(days=1)  # last_seen is written at most this often: no write per task
STEP_UP_AFTER = dt.timedelta(minutes=15)
STAFF = ("supervisor", "admin")
# Staff sessions end after this long without a request (the app's STAFF_IDLE_MINUTES);
# their last_seen is written at most once a STAFF_TOUCH_EVERY, which bounds the error.
STAFF_IDLE = dt.timedelta(minutes=30)
STAFF_TOUCH_EVERY = dt.timedelta(minutes=1)

_BROWSERS = (("SamsungBrowser", "Samsung Internet"), ("Edg/", "Edge"), ("OPR/", "Opera"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "Mac"), ("Linux", "Linux"))


def device_hint(user_agent: str | None) -> str:
    """A coarse hint of the device for her own list of logins ("Chrome on Android"):
    the browser and system names only, not the whole string (less to keep about her)."""
    agent = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    return " / ".join(part for part in (browser, system) if part)[:40]


def start(db, user_id: int, now: dt.datetime | None = None, replaces: str | None = None,
          device: str | None = None) -> str:
    """A new session for her; its id. `replaces`: a session this browser held before,
    ended so that no id survives a login (no fixation)."""
    now = now or utcnow()
    sid = secrets.token_urlsafe(16)  # 128 bits; short, as it rides on every request
    if replaces:
        end(db, replaces, now=now)
    db.execute("INSERT INTO sessions (id, user_id, created_at, last_seen, authed_at, device)"
               " VALUES (?, ?, ?, ?, ?, ?)",
               (sid, user_id, stamp(now), stamp(now), stamp(now), device))
    return sid


def user_for(db, sid, now: dt.datetime | None = None) -> dict | None:
    """The active user of a live session, or None: one indexed lookup, users joined.

    The row carries `session_seen` (when the session was last marked seen), so the
    caller can `touch` it once a day without another read, and `session_authed` (when
    her password was last typed in it) for needs_step_up.
    """
    if not isinstance(sid, str) or not sid:
        return None
    now = now or utcnow()
    return one(db, "SELECT u.*, s.last_seen AS session_seen, s.authed_at AS session_authed"
                   " FROM sessions s"
                   " JOIN users u ON u.id = s.user_id"
                   " WHERE s.id = ? AND s.ended_at IS NULL AND s.last_seen > ? AND u.active = 1",
               (sid, stamp(now - IDLE)))


def idle_staff(user: dict, idle: dt.timedelta = STAFF_IDLE,
               now: dt.datetime | None = None) -> bool:
    """True when a supervisor's or admin's session went unused longer than `idle`: a
    laptop left open in a centre stops working for whoever sits down at it next.
    Annotators' sessions keep IDLE (their phone is theirs; logging in on 2G is slow)."""
    return user["role"] in STAFF and \
        (user.get("session_seen") or "") <= stamp((now or utcnow()) - idle)


def touch(db, sid: str, last_seen: str, now: dt.datetime | None = None,
          every: dt.timedelta = TOUCH_EVERY) -> bool:
    """Mark the session seen when it was last marked `every` ago or more (a day for
    annotators: no write per task; a minute for staff, whose idle time counts);
    True if written."""
    now = now or utcnow()
    if last_seen > stamp(now - every):
        return False
    db.execute("UPDATE sessions SET last_seen = ? WHERE id = ? AND ended_at IS NULL",
               (stamp(now), sid))
    return True


def needs_step_up(user: dict, now: dt.datetime | None = None) -> bool:
    """True when a staff member's password was typed in this session longer ago than
    STEP_UP_AFTER: money moves only after she types it again. Annotators move none."""
    if user["role"] not in ("supervisor", "admin"):
        return False
    return (user.get("session_authed") or "") <= stamp((now or utcnow()) - STEP_UP_AFTER)


def renew(db, sid: str, now: dt.datetime | None = None) -> None:
    """Her password was typed again in session `sid` (users.step_up): it counts as
    freshly logged in."""
    db.execute("UPDATE sessions SET authed_at = ? WHERE id = ? AND ended_at IS NULL",
               (stamp(now or utcnow()), sid))


def end(db, sid: str, now: dt.datetime | None = None) -> None:
    """End one session (logout): its cookie, copied or not, stops working."""
    db.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
               (stamp(now or utcnow()), sid))


def end_sessions(db, user_id: int, now: dt.datetime | None = None) -> int:
    """End every session of a person (PIN change, reset, deactivation); how many ended.

    Safe inside or outside a write() transaction.
    """
    return db.execute("UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
                      (stamp(now or utcnow()), user_id)).rowcount


def active_count(db, user_id: int) -> int:
    return one(db, "SELECT count(*) AS n FROM sessions WHERE user_id = ? AND ended_at IS NULL",
               (user_id,))["n"]

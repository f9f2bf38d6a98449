"""Accounts, centres, languages and login throttling."""
import datetime as dt
import math

from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .db import one, parse_stamp, stamp, utcnow, write
from .errors import Invalid

ROLES = ("annotator", "supervisor", "admin")
LANGS = ("ta", "hi", "en")
MAX_FAILURES = 5  # per login within LOCK_WINDOW, then locked until the window passes
MAX_IP_FAILURES = 30  # per address within LOCK_WINDOW: stops one phone guessing many PINs
LOCK_WINDOW = dt.timedelta(minutes=15)
MAX_LOGIN = 64  # longer is no login of ours; kept short in the attempts table
# Verified against unknown logins so a wrong login costs as long as a wrong PIN.
_DUMMY_HASH = generate_password_hash("velai-dummy")


def get_centre(db, code: str, name: str | None = None, create: bool = False) -> dict | None:
    centre = one(db, "SELECT * FROM centres WHERE code = ?", (code,))
    if centre is None and create:
        db.execute("INSERT INTO centres (code, name) VALUES (?, ?)", (code, name or code))
        centre = one(db, "SELECT * FROM centres WHERE code = ?", (code,))
    return centre


def create_user(db, *, login, password, role, name, centre, lang="en", actor_id=None,
                hash_method="scrypt") -> dict:
    """Create an account; `centre` is a centre code, created when new.

    Raises Invalid (code names the field) and writes nothing when input is bad.
    """
    login = (login or "").strip()
    name = (name or "").strip()
    if not login:
        raise Invalid("login_required")
    if len(login) > MAX_LOGIN:
        raise Invalid("login_too_long")
    if role not in ROLES:
        raise Invalid("bad_role")
    if lang not in LANGS:
        raise Invalid("bad_lang")
    if len(password or "") < 4:
        raise Invalid("password_too_short")
    if not name:
        raise Invalid("name_required")
    with write(db):
        if one(db, "SELECT 1 AS x FROM users WHERE login = ?", (login,)):
            raise Invalid("login_taken")
        centre_row = get_centre(db, centre, create=True)
        cursor = db.execute(
            "INSERT INTO users (login, name, role, centre_id, password_hash, lang, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (login, name, role, centre_row["id"],
             generate_password_hash(password, method=hash_method), lang, stamp(utcnow())),
        )
        audit.record(db, actor_id, "user.create", f"user:{cursor.lastrowid}", role=role,
                     centre=centre)
    return get_user(db, cursor.lastrowid)


def get_user(db, user_id) -> dict | None:
    return one(db, "SELECT * FROM users WHERE id = ? AND active = 1", (user_id,))


def set_lang(db, user_id: int, lang: str) -> None:
    if lang not in LANGS:
        raise Invalid("bad_lang")
    db.execute("UPDATE users SET lang = ? WHERE id = ?", (lang, user_id))


def _failures(db, login: str, ip: str, since: str) -> tuple[list[str], list[str]]:
    """Times of failed attempts in the window: for this login (after its last success),
    and from this address (except failures of logins that have since succeeded from it,
    so a centre behind one address is not locked out by its own typos)."""
    by_login = [row["at"] for row in db.query(
        "SELECT at FROM login_attempts WHERE login = :login AND at > :since AND ok = 0"
        " AND at >= coalesce((SELECT max(at) FROM login_attempts"
        " WHERE login = :login AND ok = 1), '') ORDER BY at",
        {"login": login, "since": since})]
    by_ip = [row["at"] for row in db.query(
        "SELECT at FROM login_attempts f WHERE ip = :ip AND at > :since AND ok = 0"
        " AND NOT EXISTS (SELECT 1 FROM login_attempts s WHERE s.ip = f.ip"
        " AND s.login = f.login AND s.ok = 1 AND s.at >= f.at) ORDER BY at",
        {"ip": ip, "since": since})]
    return by_login, by_ip


def authenticate(db, login: str, password: str, ip: str, now: dt.datetime | None = None):
    """Check a login. Returns (user, None) or (None, refusal).

    The refusal is an Invalid with code "locked" (detail: minutes) or
    "bad_credentials" (detail: tries_left). Failures are counted in SQLite so
    every worker process sees the same count. The attempt is written as failed
    in the same transaction that counts, before the slow hash check, so parallel
    guesses cannot all slip under the limit; a good PIN then marks it ok.
    """
    now = now or utcnow()
    login = (login or "").strip()[:MAX_LOGIN]
    with write(db):
        failures, ip_failures = _failures(db, login, ip, stamp(now - LOCK_WINDOW))
        for times, limit in ((failures, MAX_FAILURES), (ip_failures, MAX_IP_FAILURES)):
            if len(times) >= limit:
                return None, _locked(times[-limit], now)
        attempt = db.execute("INSERT INTO login_attempts (login, ip, at, ok) VALUES (?, ?, ?, 0)",
                             (login, ip, stamp(now))).lastrowid
    user = one(db, "SELECT * FROM users WHERE login = ? AND active = 1", (login,))
    ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password or "")
    if ok and user is not None:
        db.execute("UPDATE login_attempts SET ok = 1 WHERE id = ?", (attempt,))
        return user, None
    failures.append(stamp(now))
    if len(failures) >= MAX_FAILURES:
        return None, _locked(failures[-MAX_FAILURES], now)
    return None, Invalid("bad_credentials", tries_left=MAX_FAILURES - len(failures))


def _locked(first_counted: str, now: dt.datetime) -> Invalid:
    until = parse_stamp(first_counted) + LOCK_WINDOW
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return Invalid("locked", minutes=minutes)


def clear_failures(db, login: str) -> None:
    """Forget a login's failed attempts, so it is unlocked now: a supervisor's unlock or
    PIN reset. The caller audits it (and may hold a write())."""
    db.execute("DELETE FROM login_attempts WHERE login = ? AND ok = 0", (login,))

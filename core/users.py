"""Accounts, centres, languages and login throttling (which PIN or password is
allowed: core.credentials).

Throttling (docs/security.md) counts failed logins in SQLite, so every worker sees them:
- 5 failures for one login from one address (or, at a device she has logged in on before,
  from that device) in 15 minutes lock that pair for 15 minutes; a stranger elsewhere
  cannot lock her at her own phone.
- 20 failures for one login in a day from devices she never logged in on (or from her
  sessions at the change-PIN form) slow that login down for unknown devices to one try
  per 15 minutes; her own phone is never slowed, and a supervisor's unlock ends it.
  At the change-PIN form her sessions' own failures count toward such a cap too.
- A login that is no account is answered alike, at every step.
- 30 failures from one address in 15 minutes, not counting logins that then got in from
  it, lock that address for unknown devices; the centre's own phones are not affected.
"""
import datetime as dt
import hashlib
import math
import re

from werkzeug.security import check_password_hash, generate_password_hash

from . import audit, languages, sessions
from .clock import parse_stamp, stamp, utcnow
from .credentials import COMMON_PINS, COMMON_PASSWORDS, check_secret  # noqa: F401
from .db import one, write
from .errors import Invalid

ROLES = ("annotator", "supervisor", "admin")
MAX_FAILURES = 5  # per login and address (or known device) within LOCK_WINDOW
MAX_IP_FAILURES = 30  # per address within LOCK_WINDOW, for unknown devices
MAX_DAILY_FAILURES = 20  # per login within DAY from unknown devices: then one try per LOCK_WINDOW
LOCK_WINDOW = dt.timedelta(minutes=15)
DAY = dt.timedelta(days=1)
MAX_LOGIN = 64  # longer is no login of ours; kept short in the attempts table
# Verified against unknown logins so a wrong login costs as long as a wrong PIN.
_DUMMY_HASH = generate_password_hash("velai-dummy")
end_sessions = sessions.end_sessions  # for people.py: deactivation and PIN resets


_PHONE_PUNCTUATION = re.compile(r"[\s\-.()]")


def normalise_phone(login: str) -> str:
    """A phone number as typed ("98765 00001", "+91 98765 00001", "098765-00001") as the
    ten digits Velai stores ("9876500001"); any other login comes back only trimmed."""
    login = (login or "").strip()
    compact = _PHONE_PUNCTUATION.sub("", login)
    if not re.fullmatch(r"\+?[0-9]{10,14}", compact):
        return login
    digits = compact.lstrip("+")
    if len(digits) == 14 and digits.startswith("0091"):
        digits = digits[4:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits if len(digits) == 10 else compact


def get_centre(db, code: str, name: str | None = None, create: bool = False) -> dict | None:
    centre = one(db, "SELECT * FROM centres WHERE code = ?", (code,))
    if centre is None and create:
        db.execute("INSERT INTO centres (code, name) VALUES (?, ?)", (code, name or code))
        centre = one(db, "SELECT * FROM centres WHERE code = ?", (code,))
    return centre


def create_user(db, *, login, password, role, name, centre, lang="en", actor_id=None,
                hash_method="scrypt") -> dict:
    """Create an account; `centre` is a centre code, created when new. A phone login is
    stored as its ten digits (normalise_phone).

    Raises Invalid (code names the field) and writes nothing when input is bad.
    """
    login = normalise_phone(login)
    name = (name or "").strip()
    if not login:
        raise Invalid("login_required")
    if len(login) > MAX_LOGIN:
        raise Invalid("login_too_long")
    if role not in ROLES:
        raise Invalid("bad_role")
    if lang not in languages.CODES:
        raise Invalid("bad_lang")
    password = check_secret(role, password)
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
    if lang not in languages.CODES:
        raise Invalid("bad_lang")
    db.execute("UPDATE users SET lang = ? WHERE id = ?", (lang, user_id))


def _short_failures(db, login: str, key: str, value: str, since: str) -> list[str]:
    """Times of failures of `login` in the window from one address (key "ip", unknown
    devices) or one known device (key "device"), after the login's last success."""
    known = 1 if key == "device" else 0
    return [row["at"] for row in db.query(
        f"SELECT at FROM login_attempts WHERE login = :login AND {key} = :value"
        " AND known = :known AND at > :since AND ok = 0"
        " AND at >= coalesce((SELECT max(at) FROM login_attempts"
        " WHERE login = :login AND ok = 1), '') ORDER BY at",
        {"login": login, "value": value, "known": known, "since": since})]


def _address_failures(db, ip: str, since: str) -> list[str]:
    """Failures from this address in the window from unknown devices, except those of
    logins that have since succeeded from it (a centre's own typos do not count)."""
    return [row["at"] for row in db.query(
        "SELECT at FROM login_attempts f WHERE ip = :ip AND at > :since AND ok = 0"
        " AND known = 0 AND NOT EXISTS (SELECT 1 FROM login_attempts s WHERE s.ip = f.ip"
        " AND s.login = f.login AND s.ok = 1 AND s.at >= f.at) ORDER BY at",
        {"ip": ip, "since": since})]


# Her session at the change-PIN form stands in for a device (views.auth): its
# failures are marked with this prefix, which no device cookie's id can carry.
SESSION_DEVICE = "s:"


def session_device(session_id: str) -> str:
    """The device name of a session at the change-PIN form (its id is never stored)."""
    return SESSION_DEVICE + hashlib.sha256(session_id.encode()).hexdigest()[:16]


def _daily(db, login: str, since: str, at_change: bool) -> list[str]:
    """Times of failures of `login` within a day that count toward the daily cap: at
    the change-PIN form, those of her sessions there; for a login from an unknown
    device, those from unknown devices and from the change-PIN form alike. The same
    for a login that is no account, so the answer never tells which numbers are."""
    which = "device LIKE 's:%'" if at_change else "(known = 0 OR device LIKE 's:%')"
    return [row["at"] for row in db.query(
        f"SELECT at FROM login_attempts WHERE login = ? AND ok = 0 AND {which} AND at > ?"
        f" ORDER BY at", (login, since))]


def _slowed(daily: list[str], now: dt.datetime) -> Invalid | None:
    """Past the daily cap, one try per LOCK_WINDOW: a guesser gets a few dozen more a
    day, and she, with the right PIN, still gets in on a new phone; no one is locked
    out until a supervisor comes."""
    if len(daily) >= MAX_DAILY_FAILURES and parse_stamp(daily[-1]) + LOCK_WINDOW > now:
        return _locked(daily[-1], now)
    return None


def authenticate(db, login: str, password: str, ip: str, now: dt.datetime | None = None,
                 device: str | None = None, device_users=()):
    """Check a login. Returns (user, None) or (None, refusal).

    `device`: this browser's id from its signed device cookie, `device_users`: the ids
    of the people who logged in on it before; for them it is a known device (or, with
    session_device(), her session at the change-PIN form). The refusal is an Invalid
    with code "locked" (detail: minutes) or "bad_credentials" (detail: tries_left),
    alike for a login that is no account: same answers, and a dummy hash checked in
    its place. Failures are counted in SQLite so every worker process sees the same
    count. The attempt is written as failed in the same transaction that counts,
    before the slow hash check, so parallel guesses cannot all slip under the limit; a
    good PIN then marks it ok.
    """
    now = now or utcnow()
    login = normalise_phone(login)[:MAX_LOGIN]
    window = stamp(now - LOCK_WINDOW)
    at_change = bool(device and device.startswith(SESSION_DEVICE))
    with write(db):
        user = one(db, "SELECT * FROM users WHERE login = ? AND active = 1", (login,))
        known = bool(user and device and user["id"] in device_users)
        daily = None  # her own phone has no daily cap: a stranger cannot aim one at it
        if known:
            failures = _short_failures(db, login, "device", device, window)
            limits = [(failures, MAX_FAILURES)]
        else:
            failures = _short_failures(db, login, "ip", ip, window)
            limits = [(failures, MAX_FAILURES), (_address_failures(db, ip, window),
                                                 MAX_IP_FAILURES)]
        if at_change or not known:
            unlocked = (user or {}).get("guess_unlocked_at") or ""
            daily = _daily(db, login, max(stamp(now - DAY), unlocked), at_change)
            if slowed := _slowed(daily, now):
                return None, slowed
        for times, limit in limits:
            if len(times) >= limit:
                return None, _locked(times[-limit], now)
        attempt = db.execute(
            "INSERT INTO login_attempts (login, ip, at, ok, device, known)"
            " VALUES (?, ?, ?, 0, ?, ?)", (login, ip, stamp(now), device, int(known))).lastrowid
    ok = check_password_hash(user["password_hash"] if user else _DUMMY_HASH, password or "")
    if ok and user is not None:
        db.execute("UPDATE login_attempts SET ok = 1 WHERE id = ?", (attempt,))
        if user["guess_locked_at"] and not at_change:
            db.execute("UPDATE users SET guess_locked_at = NULL WHERE id = ?", (user["id"],))
        return user, None
    if daily is not None:
        daily.append(stamp(now))
        if len(daily) == MAX_DAILY_FAILURES and user is not None:
            # Marked for her supervisor's list of locked people, and audited.
            db.execute("UPDATE users SET guess_locked_at = ? WHERE id = ?",
                       (stamp(now), user["id"]))
            audit.record(db, None, "user.guess_lock", f"user:{user['id']}")
        if slowed := _slowed(daily, now):
            return None, slowed
    failures.append(stamp(now))
    if len(failures) >= MAX_FAILURES:
        return None, _locked(failures[-MAX_FAILURES], now)
    return None, Invalid("bad_credentials", tries_left=MAX_FAILURES - len(failures))


def _locked(first_counted: str, now: dt.datetime) -> Invalid:
    until = parse_stamp(first_counted) + LOCK_WINDOW
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return Invalid("locked", minutes=minutes)


def clear_failures(db, login: str, now: dt.datetime | None = None) -> None:
    """Unlock a login now, from any device: the failures counted so far no longer count
    (a supervisor's unlock or PIN reset). The caller holds a write() and audits it."""
    now = now or utcnow()
    db.execute("UPDATE users SET guess_locked_at = NULL, guess_unlocked_at = ?"
               " WHERE login = ?", (stamp(now), login))
    # Counts as a success: the 15-minute locks restart from here too; the failures so far
    # go (the audit log keeps the unlock).
    db.execute("DELETE FROM login_attempts WHERE login = ? AND ok = 0", (login,))
    db.execute("INSERT INTO login_attempts (login, ip, at, ok, device, known)"
               " VALUES (?, 'unlock', ?, 1, NULL, 0)", (login, stamp(now)))


def unlock(db, user_id: int, actor_id=None, now: dt.datetime | None = None) -> None:
    """A supervisor's unlock: her login works again from any device."""
    with write(db):
        user = one(db, "SELECT login FROM users WHERE id = ?", (user_id,))
        if user is None:
            return
        clear_failures(db, user["login"], now)
        audit.record(db, actor_id, "user.unlock", f"user:{user_id}")


def change_secret(db, user: dict, old: str, new: str, repeat: str, ip: str, *,
                  session_id: str, hash_method="scrypt",
                  now: dt.datetime | None = None) -> None:
    """She changes her own PIN (or password): the old one, the new one twice.

    The old PIN is checked as a login is, counted and locked alike, so a borrowed
    session cannot guess it: five failures in 15 minutes lock this session's tries, and
    past the daily cap (failures at this form from any session of hers) one try per 15
    minutes. Strangers' failures elsewhere do not block her here. On success every
    session of hers ends (the caller starts a new one for this browser). Raises Invalid
    and changes nothing otherwise.
    """
    device, device_users = session_device(session_id), [user["id"]]
    if (new or "") != (repeat or ""):
        raise Invalid("pins_differ")
    new = check_secret(user["role"], new)
    checked, refusal = authenticate(db, user["login"], old, ip, now=now, device=device,
                                    device_users=device_users)
    if checked is None or checked["id"] != user["id"]:
        if refusal.code == "bad_credentials":
            raise Invalid("wrong_old_pin", tries_left=refusal.detail["tries_left"])
        raise refusal
    if check_password_hash(checked["password_hash"], new):
        raise Invalid("pin_same")
    with write(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                   (generate_password_hash(new, method=hash_method), user["id"]))
        sessions.end_sessions(db, user["id"], now=now)
        audit.record(db, user["id"], "user.change_pin", f"user:{user['id']}")


def step_up(db, sid: str, user: dict, password: str, ip: str, device: str,
            now: dt.datetime | None = None):
    """Check her password again in session `sid`; None when right (the session counts
    as freshly logged in), else the refusal a login would give. Wrong tries count and
    lock as at the login form (per this session, as a known device), so a borrowed
    session cannot guess her password here."""
    now = now or utcnow()
    checked, refusal = authenticate(db, user["login"], password, ip, now=now,
                                    device=device, device_users=[user["id"]])
    if checked is None or checked["id"] != user["id"]:
        return refusal
    sessions.renew(db, sid, now=now)
    return None

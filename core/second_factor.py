"""A second factor for supervisors and admins: a time-based one-time code (TOTP,
RFC 6238, by pyotp) from an authenticator app on her phone.

It is on only once she has typed one code from the app (so a mistyped secret never locks
her out). A code works once: the time step of the last code used is kept, and an older
or equal step is refused. Wrong codes are counted in login_attempts like wrong passwords
and lock alike (MAX_FAILURES in LOCK_WINDOW). A centre may require it before money
moves (approving payouts) or data is purged: `require`, and the trigger
payouts_approver_second_factor."""
import datetime as dt

import pyotp

from . import audit
from .clock import stamp, utcnow
from .db import one, write
from .errors import Invalid, Refused
from .users import LOCK_WINDOW, MAX_FAILURES, _locked

ISSUER = "Velai"
ROLES = ("supervisor", "admin")


def enrolled(user: dict) -> bool:
    return bool(user.get("totp_on_at"))


def begin(db, user: dict) -> dict:
    """A new secret for her to type into her app (not on until confirmed): the secret
    in groups of four, and the otpauth:// address an app can take."""
    if user["role"] not in ROLES:
        raise Refused("forbidden")
    secret = pyotp.random_base32()
    with write(db):
        db.execute("UPDATE users SET totp_secret = ?, totp_on_at = NULL, totp_last_step = NULL"
                   " WHERE id = ?", (secret, user["id"]))
    return pending(user | {"totp_secret": secret})


def pending(user: dict) -> dict | None:
    if not user.get("totp_secret"):
        return None
    secret = user["totp_secret"]
    return {"secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
            "uri": pyotp.TOTP(secret).provisioning_uri(name=user["login"], issuer_name=ISSUER)}


def _verify(db, user_id: int, code: str, ip: str, now: dt.datetime) -> int:
    """Check `code` against her secret; the step it matched. Counts failures."""
    key = f"totp:{user_id}"
    with write(db):
        failures = [row["at"] for row in db.query(
            "SELECT at FROM login_attempts WHERE login = ? AND ok = 0 AND at > ? ORDER BY at",
            (key, stamp(now - LOCK_WINDOW)))]
        if len(failures) >= MAX_FAILURES:
            raise _locked(failures[-MAX_FAILURES], now)
        row = one(db, "SELECT totp_secret, totp_last_step FROM users WHERE id = ?", (user_id,))
        code = "".join(ch for ch in (code or "") if ch.isdigit())
        totp = pyotp.TOTP(row["totp_secret"]) if row and row["totp_secret"] else None
        step = None
        if totp and len(code) == totp.digits:
            # This step or the one before or after: a phone's clock a little off.
            for offset in (0, -1, 1):
                at = now + dt.timedelta(seconds=offset * totp.interval)
                if totp.verify(code, for_time=at, valid_window=0):
                    step = totp.timecode(at)
                    break
        refusal = None
        if step is None or step <= (row["totp_last_step"] or -1):
            # Counted in this transaction, the refusal raised after it commits.
            db.execute("INSERT INTO login_attempts (login, ip, at, ok, device, known)"
                       " VALUES (?, ?, ?, 0, NULL, 1)", (key, ip, stamp(now)))
            left = MAX_FAILURES - len(failures) - 1
            refusal = _locked(stamp(now), now) if left <= 0 else \
                Invalid("bad_code" if step is None else "code_used", tries_left=left)
        else:
            db.execute("UPDATE users SET totp_last_step = ? WHERE id = ?", (step, user_id))
    if refusal:
        raise refusal
    return step


def confirm(db, user: dict, code: str, ip: str, now: dt.datetime | None = None) -> None:
    """She typed a code from her app: the second factor is on."""
    now = now or utcnow()
    _verify(db, user["id"], code, ip, now)
    with write(db):
        db.execute("UPDATE users SET totp_on_at = ? WHERE id = ?", (stamp(now), user["id"]))
        audit.record(db, user["id"], "user.second_factor_on", f"user:{user['id']}")


def check(db, user: dict, code: str, ip: str, now: dt.datetime | None = None) -> None:
    """A code at login or step-up; raises Invalid (bad_code, code_used, locked)."""
    if not enrolled(user):
        return
    _verify(db, user["id"], code, ip, now or utcnow())


def turn_off(db, user: dict, code: str, ip: str, now: dt.datetime | None = None) -> None:
    """Off again, with a current code (a borrowed session cannot remove it)."""
    check(db, user, code, ip, now)
    with write(db):
        db.execute("UPDATE users SET totp_secret = NULL, totp_on_at = NULL,"
                   " totp_last_step = NULL WHERE id = ?", (user["id"],))
        audit.record(db, user["id"], "user.second_factor_off", f"user:{user['id']}")


def required_for_money(db, centre_id: int) -> bool:
    row = one(db, "SELECT second_factor_for_money AS on_ FROM centres WHERE id = ?",
              (centre_id,))
    return bool(row and row["on_"])


def require(db, user: dict, centre_id: int) -> None:
    """Refuse money or a purge to someone without a second factor when the centre asks."""
    if required_for_money(db, centre_id) and not enrolled(user):
        raise Refused("second_factor_needed")


def set_required(db, centre_id: int, on: bool, actor_id: int) -> None:
    with write(db):
        db.execute("UPDATE centres SET second_factor_for_money = ? WHERE id = ?",
                   (int(on), centre_id))
        audit.record(db, actor_id, "centre.second_factor_for_money", f"centre:{centre_id}",
                     on=bool(on))

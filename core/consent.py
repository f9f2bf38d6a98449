"""Her consent (India's DPDP Act and Rules 2025): what Velai records about her, why, for
how long and who sees it, shown at her first login in her language; her "I agree" is
kept with the version of the text, append-only (the consents table's triggers).

VERSION is the text's version: change the consent page's words, raise it, and everyone
is asked again. The check reads users.consent_version from the row the session lookup
already joins (core.sessions.user_for), so it costs no query."""
import hashlib

from .access_log import RETENTION_DAYS
from .clock import stamp, utcnow
from .db import rows, write
from .sessions import IDLE

VERSION = 1
ROLES = ("annotator",)  # who is asked before she can work; staff accounts are not


def needed(user: dict | None) -> bool:
    """True when she must read and agree before working (never consented, or to an
    older text)."""
    return bool(user) and user["role"] in ROLES and (user.get("consent_version") or 0) < VERSION


def record(db, user_id: int, session_id: str | None, now=None) -> None:
    """Her "I agree" to the current text, from session `session_id` (kept as a digest)."""
    digest = hashlib.sha256(session_id.encode()).hexdigest()[:16] if session_id else None
    with write(db):
        db.execute("INSERT INTO consents (user_id, version, at, session) VALUES (?, ?, ?, ?)",
                   (user_id, VERSION, stamp(now or utcnow()), digest))


def history(db, user_id: int) -> list[dict]:
    return rows(db, "SELECT version, at FROM consents WHERE user_id = ? ORDER BY id",
                (user_id,))


def retention() -> dict:
    """The periods the consent page names, as configured."""
    return {"access_days": RETENTION_DAYS, "session_days": IDLE.days}

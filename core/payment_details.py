"""Where an annotator is paid: a UPI ID or a bank account with IFSC, and the name on the
account as her bank or UPI app shows it.

Each change adds a row (rows are never edited, only decided once); her newest row not
refused is her details. A new row holds her pay until a supervisor of her centre confirms
it, or a refusal leaves her earlier details in force: the common fraud is to change a
victim's account just before payday. One person cannot do it alone: whoever entered the
details, or reset her PIN or changed her phone in the last 7 days, does not confirm them,
and whoever confirmed them does not draft the first payout that pays there (the triggers
of migration 0013 hold both). Shown masked everywhere except to the confirmer (audited),
on the approver's "new details" lines, and in the payout file.
"""
import datetime as dt
import re

from . import audit, paging, scope
from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .errors import Conflict, Invalid, NotFound

UPI = re.compile(r"^[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63}$")
ACCOUNT = re.compile(r"^[0-9]{9,18}$")
IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
# As banks and UPI apps show it: English letters, spaces and . ' - ; 3 to 50 characters,
# the shortest limit of the bulk-payout files (RazorpayX's contact name).
ACCOUNT_NAME = re.compile(r"^[A-Za-z][A-Za-z .'-]{1,48}[A-Za-z.]$")
DOT = "\u2022"
RECENT_DAYS = 7  # as the trigger payment_details_confirm_by_another counts
NOTICE_DAYS = 30  # her home tells her of a change or decision this long
MAX_REASON = 200

# Her newest details that no one refused: what pays her once confirmed.
NEWEST = ("(SELECT max(id) FROM payment_details WHERE user_id = {user}"
          " AND refused_by IS NULL)")
# Details no approved payout has paid to yet.
NEW = ("NOT EXISTS (SELECT 1 FROM payout_lines o JOIN payouts op ON op.id = o.payout_id"
       " WHERE o.payment_detail_id = {detail} AND op.status = 'approved')")


def clean(kind, upi_id="", account_number="", ifsc="", account_name="") -> dict:
    """The details in their stored form, or Invalid with a dict of errors by field."""
    errors = {}
    upi_id = (upi_id or "").strip().lower()
    account_number = re.sub(r"[\s-]", "", account_number or "")
    ifsc = (ifsc or "").strip().upper()
    account_name = " ".join((account_name or "").split())
    if kind == "vpa":
        if not UPI.match(upi_id):
            errors["upi_id"] = "bad_upi"
        row = {"kind": kind, "upi_id": upi_id, "account_number": None, "ifsc": None}
    elif kind == "bank_account":
        if not ACCOUNT.match(account_number):
            errors["account_number"] = "bad_account"
        if not IFSC.match(ifsc):
            errors["ifsc"] = "bad_ifsc"
        row = {"kind": kind, "upi_id": None, "account_number": account_number, "ifsc": ifsc}
    else:
        raise Invalid("bad_kind", errors={"kind": "bad_kind"})
    if not ACCOUNT_NAME.match(account_name):
        errors["account_name"] = "bad_account_name"
    row["account_name"] = account_name
    if errors:
        raise Invalid("bad_details", errors=errors)
    return row


def mask(row: dict | None) -> str:
    """ra•••@okaxis, or ••••6789 · IFSC: enough for her to know it, not to copy it"""
    if not row:
        return ""
    if row["kind"] == "vpa":
        name, handle = row["upi_id"].split("@", 1)
        return f"{name[:min(2, len(name) - 1)]}{DOT * 3}@{handle}"  # never all of it
    return f"{DOT * 4}{row['account_number'][-4:]} · {row['ifsc']}"


def full(row: dict | None) -> str:
    """All of it: for the confirmer, the approver's new-details lines and the file."""
    if not row:
        return ""
    if row["kind"] == "vpa":
        return row["upi_id"]
    return f"{row['account_number']} · {row['ifsc']}"


def current(db, user_id: int) -> dict | None:
    """Her newest details not refused (confirmed or not), with `masked` and `held`."""
    row = one(db, f"SELECT * FROM payment_details WHERE id = {NEWEST.format(user='?')}",
              (user_id,))
    if row:
        row["masked"] = mask(row)
        row["held"] = row["confirmed_by"] is None
    return row


def notice(db, user_id: int, now=None) -> dict | None:
    """What her home tells her: her newest change of details, entered, confirmed or
    refused (with the reason), and when, for NOTICE_DAYS after it; else None. A change
    typed on her phone by someone else is how she finds out."""
    now = now or utcnow()
    row = one(db, "SELECT * FROM payment_details WHERE user_id = ? ORDER BY id DESC LIMIT 1",
              (user_id,))
    if row is None:
        return None
    state, at = "waiting", row["entered_at"]
    if row["refused_by"] is not None:
        state, at = "refused", row["refused_at"]
    elif row["confirmed_by"] is not None:
        state, at = "confirmed", row["confirmed_at"]
    at = parse_stamp(at)
    if at < now - dt.timedelta(days=NOTICE_DAYS):
        return None
    return {"state": state, "at": at, "entered_at": parse_stamp(row["entered_at"]),
            "masked": mask(row), "reason": row["refusal_reason"] or ""}


def change(db, user: dict, kind, upi_id="", account_number="", ifsc="", account_name="",
           now=None) -> dict:
    """She enters new details; they hold her pay until a supervisor confirms them."""
    row = clean(kind, upi_id, account_number, ifsc, account_name)
    now = now or utcnow()
    with write(db):
        before = current(db, user["id"])
        if before and all(before[k] == row[k] for k in row):
            return before  # the same again: nothing changes, nothing is held
        cursor = db.execute(
            "INSERT INTO payment_details (user_id, kind, upi_id, account_number, ifsc,"
            " account_name, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (user["id"], row["kind"], row["upi_id"], row["account_number"], row["ifsc"],
             row["account_name"], user["id"], stamp(now)))
        audit.record(db, user["id"], "payment_details.change", f"user:{user['id']}",
                     details=cursor.lastrowid, kind=row["kind"], masked=mask(row),
                     before=mask(before) if before else None)
    return current(db, user["id"])


def to_confirm(db, centre_id: int | None, page: int = 1, per_page: int = 20):
    """Newest undecided details per annotator of a centre (None: all centres), masked."""
    rows = list(db.query(
        "SELECT d.*, u.name, u.login, c.name AS centre_name,"
        " (SELECT p.id FROM payment_details p WHERE p.user_id = d.user_id AND p.id < d.id"
        "  AND p.confirmed_by IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS before_id"
        " FROM payment_details d JOIN users u ON u.id = d.user_id"
        " JOIN centres c ON c.id = u.centre_id"
        " WHERE d.confirmed_by IS NULL AND d.refused_by IS NULL"
        f" AND {scope.sql('u.centre_id')}"
        f" AND d.id = {NEWEST.format(user='d.user_id')}"
        " ORDER BY d.id LIMIT :limit OFFSET :offset",
        {"centre": centre_id, **paging.window(page, per_page)}))
    for row in rows:
        row["masked"] = mask(row)
        row["entered_at"] = parse_stamp(row["entered_at"])
        before = one(db, "SELECT * FROM payment_details WHERE id = ?",
                     (row["before_id"],)) if row["before_id"] else None
        row["before"] = mask(before) if before else ""
    return paging.split(rows, per_page)


def _undecided_for(db, detail_id: int, actor: dict) -> dict:
    """Her newest undecided details, for a supervisor of her centre or an admin.

    Raises NotFound for details of another centre, her own, or replaced; Conflict
    ("details_decided") once confirmed or refused."""
    row = one(db, "SELECT d.*, u.centre_id, u.name, u.login FROM payment_details d"
                  " JOIN users u ON u.id = d.user_id WHERE d.id = ?", (detail_id,))
    if row is None or not scope.may_see(actor, row["centre_id"]) \
            or row["user_id"] == actor["id"]:
        raise NotFound("not_found")
    newest = one(db, "SELECT max(id) AS id FROM payment_details WHERE user_id = ?",
                 (row["user_id"],))["id"]
    if newest != detail_id:
        raise NotFound("not_found")
    if row["confirmed_by"] is not None or row["refused_by"] is not None:
        raise Conflict("details_decided")
    return row


def _last_change(db, user_id: int, action: str, phone=False) -> dict | None:
    row = one(db, "SELECT a.at, a.actor_id, u.name FROM audit_log a"
                  " LEFT JOIN users u ON u.id = a.actor_id WHERE a.subject = ? AND a.action = ?"
                  + (" AND json_extract(a.detail, '$.phone') IS NOT NULL" if phone else "")
                  + " ORDER BY a.at DESC, a.id DESC LIMIT 1", (f"user:{user_id}", action))
    if row:
        row["at"] = parse_stamp(row["at"])
    return row


def review(db, detail_id: int, actor: dict, now=None) -> dict:
    """What the confirmer sees before deciding: the new details in full beside those in
    force, who last reset her PIN and changed her phone, and whether this actor may
    confirm. Seeing them in full is audited."""
    now = now or utcnow()
    with write(db):
        row = _undecided_for(db, detail_id, actor)
        before = one(db, "SELECT * FROM payment_details WHERE user_id = ? AND id < ?"
                         " AND confirmed_by IS NOT NULL ORDER BY id DESC LIMIT 1",
                     (row["user_id"], detail_id))
        audit.record(db, actor["id"], "payment_details.view", f"user:{row['user_id']}",
                     details=detail_id)
    row["full"], row["before"] = full(row), full(before)
    row["before_name"] = before["account_name"] if before else ""
    row["entered_at"] = parse_stamp(row["entered_at"])
    row["pin_reset"] = _last_change(db, row["user_id"], "user.reset_pin")
    row["phone_change"] = _last_change(db, row["user_id"], "user.edit", phone=True)
    recent = now - dt.timedelta(days=RECENT_DAYS)
    row["may_confirm"] = row["entered_by"] != actor["id"] and not any(
        change and change["actor_id"] == actor["id"] and change["at"] >= recent
        for change in (row["pin_reset"], row["phone_change"]))
    return row


def confirm(db, detail_id: int, actor: dict, now=None) -> dict:
    """A supervisor of her centre (or an admin) confirms her newest details; never the
    one who entered them or reset her PIN or phone lately (Conflict
    "details_reset_by_you", from the database's own rule)."""
    now = now or utcnow()
    with write(db):
        row = _undecided_for(db, detail_id, actor)
        try:
            db.execute("UPDATE payment_details SET confirmed_by = ?, confirmed_at = ?"
                       " WHERE id = ?", (actor["id"], stamp(now), detail_id))
        except Exception as error:  # sqlite3.IntegrityError from the trigger
            if "details_reset_by_you" in str(error):
                raise Conflict("details_reset_by_you") from None
            raise
        audit.record(db, actor["id"], "payment_details.confirm", f"user:{row['user_id']}",
                     details=detail_id, masked=mask(row))
    return current(db, row["user_id"])


def refuse(db, detail_id: int, actor: dict, reason, now=None) -> None:
    """Refuse her new details with a reason she reads on her home; the details in force
    before stay in force. Anyone who may see them may refuse: it moves no money."""
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > MAX_REASON:
        raise Invalid("refusal_reason", errors={"reason": "refusal_reason"})
    now = now or utcnow()
    with write(db):
        row = _undecided_for(db, detail_id, actor)
        db.execute("UPDATE payment_details SET refused_by = ?, refused_at = ?,"
                   " refusal_reason = ? WHERE id = ?",
                   (actor["id"], stamp(now), reason, detail_id))
        audit.record(db, actor["id"], "payment_details.refuse", f"user:{row['user_id']}",
                     details=detail_id, masked=mask(row), reason=reason)


def confirmed_by_drafter(db, detail_id: int, drafter_id: int) -> bool:
    """Whether `drafter_id` confirmed these details and no approved payout paid there
    yet: then another person drafts (the first payout is where a fraud would pay)."""
    return one(db, f"SELECT 1 AS x FROM payment_details WHERE id = ? AND confirmed_by = ?"
                   f" AND {NEW.format(detail='?')}", (detail_id, drafter_id, detail_id)) \
        is not None

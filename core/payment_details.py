"""Where an annotator is paid: a UPI ID or a bank account with IFSC.

Each change adds a row (rows are never edited, only confirmed once); the newest row is
her details. A new row holds her pay until a supervisor of her centre confirms it: the
common fraud is to change a victim's account just before payday. Shown masked
everywhere except the payout file.
"""
import re

from . import audit, paging, scope
from .clock import parse_stamp, stamp, utcnow
from .db import one, write
from .errors import Invalid, NotFound

UPI = re.compile(r"^[a-z0-9][a-z0-9._-]{1,255}@[a-z][a-z0-9]{1,63}$")
ACCOUNT = re.compile(r"^[0-9]{9,18}$")
IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
DOT = "\u2022"


def clean(kind, upi_id="", account_number="", ifsc="") -> dict:
    """The details in their stored form, or Invalid with a dict of errors by field."""
    errors = {}
    upi_id = (upi_id or "").strip().lower()
    account_number = re.sub(r"[\s-]", "", account_number or "")
    ifsc = (ifsc or "").strip().upper()
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


def current(db, user_id: int) -> dict | None:
    """Her newest details (confirmed or not), with `masked` and `held`."""
    row = one(db, "SELECT * FROM payment_details WHERE user_id = ? ORDER BY id DESC LIMIT 1",
              (user_id,))
    if row:
        row["masked"] = mask(row)
        row["held"] = row["confirmed_by"] is None
    return row


def change(db, user: dict, kind, upi_id="", account_number="", ifsc="", now=None) -> dict:
    """She enters new details; they hold her pay until a supervisor confirms them."""
    row = clean(kind, upi_id, account_number, ifsc)
    now = now or utcnow()
    with write(db):
        before = current(db, user["id"])
        if before and all(before[k] == row[k] for k in row):
            return before  # the same again: nothing changes, nothing is held
        cursor = db.execute(
            "INSERT INTO payment_details (user_id, kind, upi_id, account_number, ifsc,"
            " entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user["id"], row["kind"], row["upi_id"], row["account_number"], row["ifsc"],
             user["id"], stamp(now)))
        audit.record(db, user["id"], "payment_details.change", f"user:{user['id']}",
                     details=cursor.lastrowid, kind=row["kind"], masked=mask(row),
                     before=mask(before) if before else None)
    return current(db, user["id"])


def to_confirm(db, centre_id: int | None, page: int = 1, per_page: int = 20):
    """Newest unconfirmed details per annotator of a centre (None: all centres)."""
    rows = list(db.query(
        "SELECT d.*, u.name, u.login, c.name AS centre_name,"
        " (SELECT p.id FROM payment_details p WHERE p.user_id = d.user_id AND p.id < d.id"
        "  AND p.confirmed_by IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS before_id"
        " FROM payment_details d JOIN users u ON u.id = d.user_id"
        " JOIN centres c ON c.id = u.centre_id"
        f" WHERE d.confirmed_by IS NULL AND {scope.sql('u.centre_id')}"
        " AND d.id = (SELECT max(id) FROM payment_details WHERE user_id = d.user_id)"
        " ORDER BY d.id LIMIT :limit OFFSET :offset",
        {"centre": centre_id, **paging.window(page, per_page)}))
    for row in rows:
        row["masked"] = mask(row)
        row["entered_at"] = parse_stamp(row["entered_at"])
        before = one(db, "SELECT * FROM payment_details WHERE id = ?",
                     (row["before_id"],)) if row["before_id"] else None
        row["before"] = mask(before) if before else ""
    return paging.split(rows, per_page)


def confirm(db, detail_id: int, actor: dict, now=None) -> dict:
    """A supervisor of her centre (or an admin) confirms her newest details.

    Raises NotFound for details of another centre or already replaced, and Conflict
    never: confirming twice changes nothing."""
    now = now or utcnow()
    with write(db):
        row = one(db, "SELECT d.*, u.centre_id FROM payment_details d JOIN users u"
                      " ON u.id = d.user_id WHERE d.id = ?", (detail_id,))
        if row is None or not scope.may_see(actor, row["centre_id"]) \
                or row["user_id"] == actor["id"]:
            raise NotFound("not_found")
        newest = one(db, "SELECT max(id) AS id FROM payment_details WHERE user_id = ?",
                     (row["user_id"],))["id"]
        if newest != detail_id:
            raise NotFound("not_found")
        if row["confirmed_by"] is None:
            db.execute("UPDATE payment_details SET confirmed_by = ?, confirmed_at = ?"
                       " WHERE id = ?", (actor["id"], stamp(now), detail_id))
            audit.record(db, actor["id"], "payment_details.confirm", f"user:{row['user_id']}",
                         details=detail_id, masked=mask(row))
    return current(db, row["user_id"])

"""Payout runs: draft a centre's week, preview, a second person approves, mark paid.
The bank's files are laid out by core.payout_files; fair pay is core.wages.

Money is integer paise from end to end. The database holds the rules (migration
0009_payouts): an answer is in at most one live payout, an approved payout and its
lines and items never change, the drafter is not the approver, and the totals must
add up when a payout is approved. Migration 0017_payout_two_people adds the rules
that keep one person from going around the two-person rule: an approval is bound to
the version of the draft its approver saw, whoever changed a line's amount does not
approve it, nor does an account the drafter created or reset (or a new one), and a
manual "failed" takes two people. This module only writes what those rules allow,
each change with its audit entry in the same transaction.
"""
import contextlib
import datetime as dt
import re

from . import audit, money, paging, payment_details, payout_files, scope, second_factor
from .clock import IST, stamp, utcnow
from .db import one, write
from .errors import Conflict, Invalid, NotFound

MAX_DAYS = 62  # a payout covers a week, a fortnight or a month; never more
MAX_BONUS_PAISE = 10_000_00  # ₹10,000: beyond that a typo, not a bonus
MAX_TEXT = 200
# A staff account created, or whose password was reset, this recently approves no payout
# (the migration's trigger holds the same number).
APPROVER_WAIT = dt.timedelta(days=7)
UTR = re.compile(r"^[A-Za-z0-9]{6,30}$")


# -- money and periods ---------------------------------------------------------------

def parse_rupees(text, field: str) -> int:
    """Paise from what a person typed (core.money); Invalid naming `field` otherwise."""
    try:
        return money.parse_rupees(text)
    except Invalid:
        raise Invalid("bad_amount", errors={field: "bad_amount"}) from None


def last_week(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """Last week in India, Monday to Sunday."""
    today = (now or utcnow()).astimezone(IST).date()
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def parse_period(start, end, now=None) -> tuple[dt.date, dt.date]:
    """Two dates (YYYY-MM-DD) of a period that has begun, at most MAX_DAYS long."""
    try:
        first, last = dt.date.fromisoformat(start or ""), dt.date.fromisoformat(end or "")
    except ValueError:
        raise Invalid("bad_period") from None
    today = (now or utcnow()).astimezone(IST).date()
    if first > last or (last - first).days >= MAX_DAYS or first > today:
        raise Invalid("bad_period")
    return first, last


def _end_stamp(last: dt.date) -> str:
    """The UTC moment the period's last day ends in India."""
    midnight = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), IST)
    return stamp(midnight)


# -- finding rows ------------------------------------------------------------------------

def _may_see(actor: dict, centre_id: int) -> bool:
    """Payouts are for staff alone: an annotator sees her own lines, never a payout."""
    return actor["role"] in ("admin", "supervisor") and scope.may_see(actor, centre_id)


def get_payout_or_404(db, payout_id: int, actor: dict) -> dict:
    """The payout with its counts, if `actor` may see it (her centre; admin: all).

    Raises NotFound otherwise, for a missing id and another centre's alike."""
    payout = one(db, """
        SELECT p.*, c.name AS centre_name, d.name AS drafted_by_name, a.name AS approved_by_name,
          (SELECT count(*) FROM payout_lines l WHERE l.payout_id = p.id) AS lines,
          (SELECT count(*) FROM payout_results r JOIN payout_lines l ON l.id = r.line_id
           WHERE l.payout_id = p.id AND r.status = 'paid') AS paid_lines,
          (SELECT count(*) FROM payout_results r JOIN payout_lines l ON l.id = r.line_id
           WHERE l.payout_id = p.id AND r.status = 'failed') AS failed_lines,
          (SELECT coalesce(sum(answers), 0) FROM payout_lines l WHERE l.payout_id = p.id)
            AS answers,
          (SELECT count(DISTINCT t.line_id) FROM payout_line_retries t JOIN payout_lines l
           ON l.id = t.line_id WHERE l.payout_id = p.id) AS retried_lines,
          (SELECT group_concat(DISTINCT l.amount_set_by) FROM payout_lines l
           WHERE l.payout_id = p.id) AS amounts_set_by
        FROM payouts p JOIN centres c ON c.id = p.centre_id JOIN users d ON d.id = p.drafted_by
        LEFT JOIN users a ON a.id = p.approved_by WHERE p.id = ?""", (payout_id,))
    if payout is None or not _may_see(actor, payout["centre_id"]):
        raise NotFound("not_found")
    payout["state"] = _state(payout)
    # Who changed a line's amount: none of them approves it.
    payout["amounts_set_by"] = {int(n) for n in (payout["amounts_set_by"] or "").split(",")
                                if n}
    for key in ("period_start", "period_end"):
        payout[key] = dt.date.fromisoformat(payout[key])
    return payout


def _state(payout: dict) -> str:
    """draft, void, approved (to be paid), part_paid or paid (every line has its result)."""
    if payout["status"] != "approved":
        return payout["status"]
    settled = payout["paid_lines"] + payout["failed_lines"]
    if settled == payout["lines"]:
        return "paid"
    return "part_paid" if settled else "approved"


def centre_for(db, actor: dict, centre_id) -> int:
    """The centre a supervisor works in; an admin names one. NotFound otherwise."""
    if actor["role"] == "supervisor":
        return actor["centre_id"]
    if actor["role"] == "admin" and centre_id and one(
            db, "SELECT 1 AS x FROM centres WHERE id = ?", (centre_id,)):
        return centre_id
    raise NotFound("not_found")


def list_payouts(db, actor: dict, page: int = 1, per_page: int = 15):
    rows, more = paging.split(db.query(
        f"SELECT p.id FROM payouts p WHERE {scope.sql('p.centre_id')}"
        " ORDER BY p.id DESC LIMIT :limit OFFSET :offset",
        {**scope.params(actor), **paging.window(page, per_page)}), per_page)
    return [get_payout_or_404(db, row["id"], actor) for row in rows], more


def active_user(db, login: str) -> dict | None:
    """The active account called `login`: who takes a payout file from the command line."""
    return one(db, "SELECT * FROM users WHERE login = ? AND active = 1", (login,))


def centres(db) -> list[dict]:
    return list(db.query("SELECT * FROM centres ORDER BY name"))


# -- drafting ----------------------------------------------------------------------------

# Accepted answers not yet in a live payout: the payable table (migration 0020) holds
# them, so a draft reads the weeks unpaid, not every answer ever given; the live-item
# check stands guard over an answer a payout took by another way than draft().
_PAYABLE = """
    SELECT x.assignment_id AS id, x.user_id, x.pay_paise FROM users u
    CROSS JOIN payable x ON x.user_id = u.id
    WHERE u.centre_id = :centre AND u.role = 'annotator' AND x.submitted_at < :end
      AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.assignment_id = x.assignment_id
                      AND i.live = 1)
    ORDER BY x.user_id"""
_PAYABLE_TO = f"""
    SELECT d.id FROM payment_details d WHERE d.user_id = ? AND d.confirmed_by IS NOT NULL
      AND d.id = {payment_details.NEWEST.format(user="d.user_id")}"""


def _payable_to(db, user_id: int, drafter_id: int | None) -> tuple[dict | None, str]:
    """Her confirmed details a payout drafted by `drafter_id` may pay to, or None and
    why not: none given, a change not confirmed, or new details the drafter confirmed."""
    details = one(db, _PAYABLE_TO, (user_id,))
    if details is None:
        given = one(db, "SELECT 1 AS x FROM payment_details WHERE user_id = ?", (user_id,))
        return None, "unconfirmed" if given else "no_details"
    if drafter_id and payment_details.confirmed_by_drafter(db, details["id"], drafter_id):
        return None, "own_confirmation"
    return details, ""


def held(db, centre_id: int, last: dt.date, drafter_id: int | None = None) -> list[dict]:
    """Annotators with pay due up to `last` whom no payout (drafted by `drafter_id`) may
    take yet, each with `why`: no payment details, a change not confirmed, or new
    details the drafter confirmed herself."""
    rows = list(db.query(
        f"SELECT u.id, u.name, count(*) AS answers, sum(x.pay_paise) AS amount_paise"
        f" FROM ({_PAYABLE}) x JOIN users u ON u.id = x.user_id GROUP BY u.id ORDER BY u.name",
        {"centre": centre_id, "end": _end_stamp(last)}))
    out = []
    for row in rows:
        details, row["why"] = _payable_to(db, row["id"], drafter_id)
        if details is None:
            out.append(row)
    return out


@contextlib.contextmanager
def _big_cache(db, kib: int = 256 * 1024):
    """A page cache of `kib` for one big transaction, then the connection's own again: a
    week's draft of 450 people writes most of a million payout items, and in SQLite's
    default 2 MB it spills and reads pages back all along (measured: 45 s against 18 s)."""
    before = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    db.conn.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        db.conn.execute(f"PRAGMA cache_size = {int(before)}")


def draft(db, actor: dict, start, end, centre_id=None, now=None) -> int:
    """Draft a payout: one line per annotator with her accepted answers not yet in a live
    payout, submitted by the end of the period (earlier ones left over, from a failed
    line or accepted late, are never lost), at each answer's own pay. Annotators whose
    payment details wait for confirmation are held out. Returns the payout id."""
    now = now or utcnow()
    first, last = parse_period(start, end, now)
    with _big_cache(db), write(db):
        centre = centre_for(db, actor, centre_id)
        # Tuples, not dicts: a week of a big centre is most of a million answers.
        by_user: dict[int, list[tuple]] = {}
        for answer in db.conn.execute(_PAYABLE, {"centre": centre, "end": _end_stamp(last)}):
            by_user.setdefault(answer[1], []).append(answer)
        payable = {}
        for user_id, rows in by_user.items():
            details, _ = _payable_to(db, user_id, actor["id"])
            if details:
                payable[user_id] = (details["id"], rows)
        if not payable:
            # A second tap on "Draft" (2G, no answer yet) finds the draft the first made.
            same = one(db, "SELECT id FROM payouts WHERE centre_id = ? AND status = 'draft'"
                           " AND period_start = ? AND period_end = ? ORDER BY id DESC LIMIT 1",
                       (centre, first.isoformat(), last.isoformat()))
            if same:
                return same["id"]
            raise Invalid("nothing_to_pay")
        payout_id = db.execute(
            "INSERT INTO payouts (centre_id, period_start, period_end, drafted_by, drafted_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (centre, first.isoformat(), last.isoformat(), actor["id"], stamp(now))).lastrowid
        total, items = 0, []
        for user_id, (details_id, rows) in payable.items():
            paise = sum(pay for _, _, pay in rows)
            line_id = db.execute(
                "INSERT INTO payout_lines (payout_id, user_id, payment_detail_id, answers,"
                " items_paise, amount_paise) VALUES (?, ?, ?, ?, ?, ?)",
                (payout_id, user_id, details_id, len(rows), paise, paise)).lastrowid
            items += [(payout_id, line_id, answer_id, pay) for answer_id, _, pay in rows]
            total += paise
        # In the answers' order: each index and row they touch is visited once, in turn,
        # not once per person (a week of 450 people: 35 s in people's order, measured).
        items.sort(key=lambda item: item[2])
        db.conn.executemany("INSERT INTO payout_items (payout_id, line_id, assignment_id,"
                            " pay_paise) VALUES (?, ?, ?, ?)", items)
        db.execute("DELETE FROM payable WHERE assignment_id IN"
                   " (SELECT assignment_id FROM payout_items WHERE payout_id = ?)", (payout_id,))
        db.execute("UPDATE payouts SET total_paise = ? WHERE id = ?", (total, payout_id))
        _note_retries(db, payout_id)
        audit.record(db, actor["id"], "payout.draft", f"payout:{payout_id}",
                     centre=centre, period=f"{first}..{last}", lines=len(payable),
                     answers=sum(len(rows) for _, rows in payable.values()), total_paise=total)
    return payout_id


def _note_retries(db, payout_id: int) -> None:
    """Each line that carries answers of an earlier failed line names it, so that its
    approver sees a payment tried before rather than an ordinary line. Only people with
    a failed line are looked at; the live-answer index finds the answers again."""
    db.execute("""
        INSERT INTO payout_line_retries (line_id, failed_line_id)
        SELECT DISTINCT l.id, fl.id FROM payout_lines l
        JOIN payout_lines fl ON fl.user_id = l.user_id AND fl.id < l.id
        JOIN payout_results r ON r.line_id = fl.id AND r.status = 'failed'
        JOIN payout_items o ON o.line_id = fl.id
        JOIN payout_items i ON i.assignment_id = o.assignment_id AND i.live = 1
             AND i.line_id = l.id
        WHERE l.payout_id = ?""", (payout_id,))


def lines(db, payout_id: int, page: int = 1, per_page: int = 25):
    """A payout's lines, names and masked details, each with its result."""
    rows = list(db.query(
        "SELECT l.*, u.name, u.login, d.kind, d.upi_id, d.account_number, d.ifsc,"
        " d.account_name,"
        " r.status AS result, r.utr, r.failure_reason, r.recorded_at, c.name AS confirmer,"
        " s.name AS amount_set_by_name, f.reason AS reported_reason,"
        " f.reported_by, fu.name AS reported_by_name,"
        # Earlier failed lines whose answers this one carries: payout-line, as the
        # bank file's reference (VELAI-payout-line) names them.
        " (SELECT group_concat(fl.payout_id || '-' || fl.id, ' ') FROM payout_line_retries t"
        "  JOIN payout_lines fl ON fl.id = t.failed_line_id WHERE t.line_id = l.id)"
        "  AS retry_of,"
        # New details (no earlier payout paid there): the approver should look twice.
        " NOT EXISTS (SELECT 1 FROM payout_lines o JOIN payouts op ON op.id = o.payout_id"
        "  WHERE o.payment_detail_id = l.payment_detail_id AND o.id < l.id"
        "  AND op.status = 'approved') AS new_details"
        " FROM payout_lines l JOIN users u ON u.id = l.user_id"
        " JOIN payment_details d ON d.id = l.payment_detail_id"
        " JOIN users c ON c.id = d.confirmed_by"
        " LEFT JOIN users s ON s.id = l.amount_set_by"
        " LEFT JOIN payout_failure_reports f ON f.line_id = l.id"
        " LEFT JOIN users fu ON fu.id = f.reported_by"
        " LEFT JOIN payout_results r ON r.line_id = l.id WHERE l.payout_id = :payout"
        " ORDER BY u.name, l.id LIMIT :limit OFFSET :offset",
        {"payout": payout_id, **paging.window(page, per_page)}))
    for row in rows:
        row["retry_of"] = [{"payout_id": int(ref.split("-")[0]), "ref": f"VELAI-{ref}"}
                           for ref in (row["retry_of"] or "").split()]
        row["masked"] = payment_details.mask(row)
        # The approver reads new details in full: the last look before money moves there.
        row["full"] = payment_details.full(row) if row["new_details"] else ""
        for key in ("upi_id", "account_number"):
            row.pop(key)  # otherwise the page shows the masked form only
    return paging.split(rows, per_page)


def _draft_for(db, payout_id: int, actor: dict) -> dict:
    payout = get_payout_or_404(db, payout_id, actor)
    if payout["status"] != "draft":
        raise Conflict("not_draft")
    return payout


def set_bonus(db, payout_id: int, line_id: int, actor: dict, amount, reason) -> None:
    """A bonus on one line of a draft, with its reason (both required together)."""
    bonus = parse_rupees(amount or "0", "bonus")
    reason = (reason or "").strip()
    if bonus > MAX_BONUS_PAISE:
        raise Invalid("bonus_too_big", errors={"bonus": "bonus_too_big"})
    if bonus and not reason or len(reason) > MAX_TEXT:
        raise Invalid("bonus_reason", errors={"reason": "bonus_reason"})
    with write(db):
        _draft_for(db, payout_id, actor)
        line = one(db, "SELECT * FROM payout_lines WHERE id = ? AND payout_id = ?",
                   (line_id, payout_id))
        if line is None:
            raise NotFound("not_found")
        # Who changed the amount is kept on the line: she may not approve this payout.
        db.execute("UPDATE payout_lines SET bonus_paise = ?, bonus_reason = ?,"
                   " amount_paise = items_paise + ?,"
                   " amount_set_by = CASE WHEN bonus_paise = ? THEN amount_set_by ELSE ? END"
                   " WHERE id = ?",
                   (bonus, reason if bonus else "", bonus, bonus, actor["id"], line_id))
        db.execute("UPDATE payouts SET total_paise = (SELECT sum(amount_paise) FROM"
                   " payout_lines WHERE payout_id = ?) WHERE id = ?", (payout_id, payout_id))
        audit.record(db, actor["id"], "payout.bonus", f"payout:{payout_id}", line=line_id,
                     user=line["user_id"], bonus_paise=bonus, was_paise=line["bonus_paise"],
                     reason=reason)


def approve(db, payout_id: int, actor: dict, now=None, version: int | None = None) -> dict:
    """A second person approves: a supervisor of the centre or an admin, never the one
    who drafted it, nor one who changed its amounts, nor an account the drafter created
    or reset (or any made or reset in the last APPROVER_WAIT). `version`: the draft's
    version as the approver saw it (the page's form carries it); a draft changed since
    is refused, Conflict("changed"). None only where no one was shown figures (tests,
    scripts). Two approvals at once give one: the second finds it approved."""
    now = now or utcnow()
    with write(db):
        payout = get_payout_or_404(db, payout_id, actor)
        if payout["status"] == "approved":
            raise Conflict("already_approved")
        if payout["status"] != "draft":
            raise Conflict("not_draft")
        if payout["drafted_by"] == actor["id"]:
            raise Conflict("own_draft")
        second_factor.require(db, actor, payout["centre_id"])
        if version is not None and version != payout["version"]:
            raise Conflict("changed")
        if one(db, "SELECT 1 AS x FROM payout_lines WHERE payout_id = ? AND amount_set_by = ?"
                   " LIMIT 1", (payout_id, actor["id"])):
            raise Conflict("own_amounts")
        if approver_made_by(db, actor["id"], payout["drafted_by"], now):
            raise Conflict("approver_account_new")
        changed = one(db, f"""
            SELECT count(*) AS n FROM payout_lines l WHERE l.payout_id = ? AND l.payment_detail_id
            IS NOT {payment_details.NEWEST.format(user="l.user_id")}""",
                      (payout_id,))["n"]
        if changed:
            raise Conflict("details_changed")
        if any(payment_details.confirmed_by_drafter(db, line["payment_detail_id"],
                                                    payout["drafted_by"])
               for line in db.query("SELECT payment_detail_id FROM payout_lines"
                                    " WHERE payout_id = ?", (payout_id,))):
            raise Conflict("details_confirmed_by_drafter")
        _check_totals(db, payout_id)
        db.execute("UPDATE payouts SET status = 'approved', approved_by = ?, approved_at = ?"
                   " WHERE id = ? AND status = 'draft'", (actor["id"], stamp(now), payout_id))
        audit.record(db, actor["id"], "payout.approve", f"payout:{payout_id}",
                     total_paise=payout["total_paise"], lines=payout["lines"],
                     version=payout["version"])
    return get_payout_or_404(db, payout_id, actor)


def approver_made_by(db, approver_id: int, drafter_id: int, now=None) -> bool:
    """True when the approver's account was created or its password reset by the
    drafter (ever), or by anyone in the APPROVER_WAIT before `now`: an admin must not
    make herself a second person (the trigger payouts_approver_not_made_by_drafter
    holds the same rule)."""
    since = stamp((now or utcnow()) - APPROVER_WAIT)
    return bool(one(db, """
        SELECT 1 AS x FROM users u WHERE u.id = :approver AND (
            u.created_by = :drafter OR u.password_set_by = :drafter
            OR (u.created_by IS NOT NULL AND u.created_at > :since)
            OR (u.password_set_by IS NOT NULL AND u.password_set_by <> u.id
                AND u.password_set_at > :since))""",
        {"approver": approver_id, "drafter": drafter_id, "since": since}))


def _check_totals(db, payout_id: int) -> None:
    """Lines = items + bonus and payout = lines, to the paisa (the trigger checks too)."""
    bad = one(db, """
        SELECT (SELECT total_paise FROM payouts WHERE id = :id) <>
               (SELECT coalesce(sum(amount_paise), 0) FROM payout_lines WHERE payout_id = :id)
            OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = :id AND
               l.items_paise <> (SELECT coalesce(sum(pay_paise), 0) FROM payout_items i
                                 WHERE i.line_id = l.id)) AS bad""", {"id": payout_id})
    if bad["bad"]:
        raise Conflict("totals")


def void(db, payout_id: int, actor: dict, now=None) -> None:
    """Void a draft: its answers are free for the next payout (a trigger frees them)."""
    now = now or utcnow()
    with write(db):
        payout = _draft_for(db, payout_id, actor)
        db.execute("UPDATE payouts SET status = 'void', voided_by = ?, voided_at = ?"
                   " WHERE id = ?", (actor["id"], stamp(now), payout_id))
        audit.record(db, actor["id"], "payout.void", f"payout:{payout_id}",
                     total_paise=payout["total_paise"])


# -- paying ------------------------------------------------------------------------------

def _approved_for(db, payout_id: int, actor: dict) -> dict:
    payout = get_payout_or_404(db, payout_id, actor)
    if payout["status"] != "approved":
        raise Conflict("not_approved")
    return payout


def _record(db, actor, payout_id, line_id, status, utr="", reason="", now=None,
            source="manual") -> bool:
    """One line's result; False when it has one already (the same result again is
    harmless; a different one is refused). `source`: "bank_file" when it comes from the
    bank's result file, the one way a failure is recorded by one person."""
    line = one(db, "SELECT l.*, r.status AS result, r.utr AS result_utr FROM payout_lines l"
                   " LEFT JOIN payout_results r ON r.line_id = l.id"
                   " WHERE l.id = ? AND l.payout_id = ?", (line_id, payout_id))
    if line is None:
        raise NotFound("not_found")
    if line["result"]:
        if line["result"] == status and (status == "failed" or line["result_utr"] == utr):
            return False
        raise Conflict("has_result")
    db.execute("INSERT INTO payout_results (line_id, status, utr, failure_reason, recorded_by,"
               " recorded_at, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (line_id, status, utr, reason, actor["id"], stamp(now or utcnow()), source))
    audit.record(db, actor["id"], f"payout.{status}", f"payout:{payout_id}", line=line_id,
                 user=line["user_id"], amount_paise=line["amount_paise"], utr=utr,
                 reason=reason, source=source)
    return True


def _clean_utr(utr) -> str:
    utr = (utr or "").strip()
    if not UTR.match(utr):
        raise Invalid("bad_utr", errors={"utr": "bad_utr"})
    return utr


def unpaid(db, payout_id: int, actor: dict, line_id: int | None = None) -> dict:
    """What "mark paid" would mark, for the page that asks first: the lines (one line, or
    every line with no result and no failure report, as mark_paid takes them), how many
    and their sum; `name` when it is one line still unpaid.

    Raises NotFound for a payout she may not see, Conflict("not_approved")."""
    _approved_for(db, payout_id, actor)
    rows = list(db.query(
        "SELECT l.id, l.amount_paise, u.name FROM payout_lines l JOIN users u ON u.id = l.user_id"
        " WHERE l.payout_id = :payout AND (:line IS NULL OR l.id = :line)"
        " AND NOT EXISTS (SELECT 1 FROM payout_results r WHERE r.line_id = l.id)"
        " AND (:line IS NOT NULL OR NOT EXISTS"
        " (SELECT 1 FROM payout_failure_reports f WHERE f.line_id = l.id))",
        {"payout": payout_id, "line": line_id}))
    return {"lines": len(rows), "amount_paise": sum(row["amount_paise"] for row in rows),
            "name": rows[0]["name"] if line_id is not None and rows else None}


def mark_paid(db, payout_id: int, actor: dict, utr, line_id: int | None = None,
              now=None) -> int:
    """Paid, with the bank's reference (UTR): one line, or every line still unpaid and
    not reported failed. Returns how many lines were marked."""
    utr = _clean_utr(utr)
    with write(db):
        _approved_for(db, payout_id, actor)
        if line_id is not None:
            return int(_record(db, actor, payout_id, line_id, "paid", utr, now=now))
        # A line someone reported failed waits for its second person, not for "all".
        open_lines = [row["id"] for row in db.query(
            "SELECT l.id FROM payout_lines l WHERE l.payout_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM payout_results r WHERE r.line_id = l.id) AND NOT EXISTS"
            " (SELECT 1 FROM payout_failure_reports f WHERE f.line_id = l.id)", (payout_id,))]
        return sum(_record(db, actor, payout_id, lid, "paid", utr, now=now)
                   for lid in open_lines)


def mark_failed(db, payout_id: int, line_id: int, actor: dict, reason, now=None) -> str:
    """The bank could not pay this line, by hand: two people. The first reports it with
    a reason ("reported"); another supervisor or an admin confirms it ("failed"): the
    line goes back to unpaid and its answers become payable in a later payout. Without
    that second person a paid line could be called failed and paid again. The bank's
    result file (import_results) records a failure in one step.

    Raises Conflict("failure_needs_second") when the reporter tries to confirm."""
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise Invalid("failure_reason", errors={"reason": "failure_reason"})
    now = now or utcnow()
    with write(db):
        _approved_for(db, payout_id, actor)
        line = one(db, "SELECT l.id, l.user_id, l.amount_paise, r.status AS result,"
                       " f.reported_by, f.reason FROM payout_lines l"
                       " LEFT JOIN payout_results r ON r.line_id = l.id"
                       " LEFT JOIN payout_failure_reports f ON f.line_id = l.id"
                       " WHERE l.id = ? AND l.payout_id = ?", (line_id, payout_id))
        if line is None:
            raise NotFound("not_found")
        if line["result"] == "failed":
            return "failed"  # a second tap of the same confirmation
        if line["result"]:
            raise Conflict("has_result")
        if line["reported_by"] is None:
            if not reason:
                raise Invalid("failure_reason", errors={"reason": "failure_reason"})
            db.execute("INSERT INTO payout_failure_reports (line_id, reason, reported_by,"
                       " reported_at) VALUES (?, ?, ?, ?)",
                       (line_id, reason, actor["id"], stamp(now)))
            audit.record(db, actor["id"], "payout.report_failed", f"payout:{payout_id}",
                         line=line_id, user=line["user_id"],
                         amount_paise=line["amount_paise"], reason=reason)
            return "reported"
        if line["reported_by"] == actor["id"]:
            raise Conflict("failure_needs_second")
        _record(db, actor, payout_id, line_id, "failed", reason=line["reason"], now=now)
    return "failed"


def import_results(db, payout_id: int, actor: dict, text: str, now=None,
                   fmt: str | None = None) -> dict:
    """The bank's result file, in the payout file's format (see core.payout_files), all
    or nothing: any bad row refuses the whole file, naming its line."""
    results = []
    for row in payout_files.get(fmt).read_results(text):
        if row["payout_id"] != payout_id:
            raise Invalid("bad_results_line", line=row["line"])
        if row["status"] == "paid" and UTR.match(row["utr"]):
            results.append((row["line"], row["line_id"], "paid", row["utr"], ""))
        elif row["status"] == "failed" and 0 < len(row["reason"]) <= MAX_TEXT:
            results.append((row["line"], row["line_id"], "failed", "", row["reason"]))
        else:
            raise Invalid("bad_results_line", line=row["line"])
    if not results:
        raise Invalid("bad_results_header")
    counts = {"paid": 0, "failed": 0}
    with write(db):
        _approved_for(db, payout_id, actor)
        for number, line_id, status, utr, reason in results:
            try:
                counts[status] += _record(db, actor, payout_id, line_id, status, utr, reason,
                                          now=now, source="bank_file")
            except NotFound:
                raise Invalid("bad_results_line", line=number) from None
        audit.record(db, actor["id"], "payout.import", f"payout:{payout_id}", **counts)
    return counts


def payout_file(db, payout_id: int, actor: dict, fmt: str | None = None) -> tuple[str, str]:
    """The bulk-payout file for the accounts team (full account numbers: the one place
    they appear), for an approved payout's lines not yet settled, in the format `fmt`
    (core.payout_files; the default when None); audit-logged. Returns (file name, text)."""
    layout = payout_files.get(fmt)
    with write(db):
        payout = _approved_for(db, payout_id, actor)
        rows = list(db.query(
            "SELECT l.id, l.amount_paise, u.name, d.kind, d.upi_id, d.account_number, d.ifsc,"
            " d.account_name"
            " FROM payout_lines l JOIN users u ON u.id = l.user_id"
            " JOIN payment_details d ON d.id = l.payment_detail_id"
            " WHERE l.payout_id = ? AND NOT EXISTS (SELECT 1 FROM payout_results r"
            " WHERE r.line_id = l.id) ORDER BY l.id", (payout_id,)))
        # Never her display name (Tamil script, a nickname) as the account holder: the
        # bank's name check would fail or, worse, pass for the wrong person.
        nameless = [row["name"] for row in rows if not row["account_name"]]
        if nameless:
            raise Conflict("no_account_name", names=", ".join(nameless))
        audit.record(db, actor["id"], "payout.file", f"payout:{payout_id}", lines=len(rows),
                     total_paise=sum(row["amount_paise"] for row in rows))
    return layout.write(payout, rows)


# -- what she sees -----------------------------------------------------------------------

def ledger(db, user_id: int) -> dict:
    """Her money by stage: waiting for review, accepted and not yet in a payout (answers,
    at each one's pay), then in a draft, approved to be paid, and paid (payout lines,
    bonuses included)."""
    out = one(db, """
        SELECT coalesce(sum(CASE WHEN review_state = 'pending' THEN pay_paise END), 0)
                 AS pending_paise,
               coalesce(sum(review_state = 'pending'), 0) AS pending,
               (SELECT coalesce(sum(x.pay_paise), 0) FROM payable x WHERE x.user_id = :user
                AND NOT EXISTS (SELECT 1 FROM payout_items i
                  WHERE i.assignment_id = x.assignment_id AND i.live = 1)) AS ready_paise,
               (SELECT count(*) FROM payable x WHERE x.user_id = :user
                AND NOT EXISTS (SELECT 1 FROM payout_items i
                  WHERE i.assignment_id = x.assignment_id AND i.live = 1)) AS ready
        FROM assignments a WHERE user_id = :user AND state = 'submitted'""", {"user": user_id})
    for key in ("draft", "approved", "paid"):
        out[f"{key}_paise"], out[key] = 0, 0
    for row in db.query("""
        SELECT CASE WHEN r.status = 'paid' THEN 'paid' WHEN p.status = 'draft' THEN 'draft'
               ELSE 'approved' END AS stage, sum(l.amount_paise) AS paise, sum(l.answers) AS n
        FROM payout_lines l JOIN payouts p ON p.id = l.payout_id
        LEFT JOIN payout_results r ON r.line_id = l.id
        WHERE l.user_id = ? AND p.status <> 'void' AND r.status IS NOT 'failed'
        GROUP BY stage""", (user_id,)):
        out[f"{row['stage']}_paise"], out[row["stage"]] = row["paise"], row["n"]
    return out


def her_lines(db, user_id: int, page: int = 1, per_page: int = 5):
    """Her payouts, newest first: period, amount, state and the bank's reference."""
    rows = list(db.query(
        "SELECT l.id, l.amount_paise, l.bonus_paise, l.answers, p.period_start, p.period_end,"
        " p.status, r.status AS result, r.utr, r.failure_reason"
        " FROM payout_lines l JOIN payouts p ON p.id = l.payout_id"
        " LEFT JOIN payout_results r ON r.line_id = l.id"
        " WHERE l.user_id = :user AND p.status <> 'void' ORDER BY l.id DESC"
        " LIMIT :limit OFFSET :offset", {"user": user_id, **paging.window(page, per_page)}))
    for row in rows:
        row["state"] = row["result"] or row["status"]
        for key in ("period_start", "period_end"):
            row[key] = dt.date.fromisoformat(row[key])
    return paging.split(rows, per_page)


def check_all(db) -> list[str]:
    """Every money rule re-checked over the whole ledger; the problems found (none: [])."""
    problems = [f"payout {r['id']}: total {r['total_paise']} is not the sum of its lines"
                f" {r['lines']}" for r in db.query(
                    "SELECT p.id, p.total_paise, coalesce(sum(l.amount_paise), 0) AS lines"
                    " FROM payouts p LEFT JOIN payout_lines l ON l.payout_id = p.id"
                    " WHERE p.status <> 'void' GROUP BY p.id HAVING p.total_paise <> lines")]
    problems += [f"line {r['id']}: items {r['items_paise']} are not the sum {r['s']}"
                 for r in db.query(
                     "SELECT l.id, l.items_paise, coalesce(sum(i.pay_paise), 0) AS s"
                     " FROM payout_lines l LEFT JOIN payout_items i ON i.line_id = l.id"
                     " GROUP BY l.id HAVING l.items_paise <> s")]
    problems += [f"answer {r['assignment_id']} is in {r['n']} live payouts" for r in db.query(
        "SELECT assignment_id, count(*) AS n FROM payout_items WHERE live = 1"
        " GROUP BY assignment_id HAVING n > 1")]
    problems += [f"answer {r['assignment_id']} was paid twice" for r in db.query(
        "SELECT i.assignment_id FROM payout_items i JOIN payout_results r"
        " ON r.line_id = i.line_id AND r.status = 'paid'"
        " GROUP BY i.assignment_id HAVING count(*) > 1")]
    problems += [f"payout {r['id']}: approved by {r['approver']}, whose account {r['drafter']}"
                 f" (the drafter) created or reset" if r["by_drafter"] else
                 f"payout {r['id']}: approved by {r['approver']}, an account created or reset"
                 f" within {APPROVER_WAIT.days} days before" for r in db.query(_MADE_PAIRS)]
    problems += [f"payout {r['id']}: approved by {r['approver']}, who changed a line's amount"
                 for r in db.query(
                     "SELECT DISTINCT p.id, u.login AS approver FROM payouts p"
                     " JOIN payout_lines l ON l.payout_id = p.id AND l.amount_set_by ="
                     " p.approved_by JOIN users u ON u.id = p.approved_by")]
    problems += [f"line {r['line_id']}: marked failed by one person without the bank's file"
                 for r in db.query(
                     "SELECT r.line_id FROM payout_results r WHERE r.status = 'failed'"
                     " AND r.source <> 'bank_file' AND NOT EXISTS (SELECT 1 FROM"
                     " payout_failure_reports f WHERE f.line_id = r.line_id"
                     " AND f.reported_by <> r.recorded_by)")]
    return problems


# Approved payouts whose approver's account the drafter created or reset (ever), or
# anyone did within APPROVER_WAIT before the approval: from the audit log, so that a
# later reset by someone else does not hide an earlier one.
_MADE_PAIRS = f"""
    SELECT p.id, ap.login AS approver, dr.login AS drafter,
           max(a.actor_id = p.drafted_by) AS by_drafter
    FROM payouts p JOIN users ap ON ap.id = p.approved_by JOIN users dr ON dr.id = p.drafted_by
    JOIN audit_log a ON a.action IN ('user.create', 'user.reset_password')
         AND a.subject = 'user:' || p.approved_by AND a.actor_id IS NOT NULL
         AND a.actor_id <> p.approved_by AND a.at <= p.approved_at
         AND (a.actor_id = p.drafted_by
              OR a.at > datetime(p.approved_at, '-{APPROVER_WAIT.days} days'))
    WHERE p.status = 'approved' GROUP BY p.id ORDER BY p.id"""

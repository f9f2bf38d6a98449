"""Payouts: supervisors draft, approve and pay; annotators give their payment details;
admins read the audit log. Thin: each view parses the request, calls core, renders."""
from flask import Blueprint, g, make_response, redirect, render_template, request, \
    url_for
from flask_babel import lazy_gettext as _l, ngettext

from core import audit, paging, payment_details, payout_files, payouts, scope, wages
from core import db as coredb
from core.errors import NotFound, Refused

from .db import get_db
from .guards import admin, annotator, staff
from .formats import money
from .messages import REFUSAL_LINKS, field_errors, message, said
from .render import page_or_fragment
from .step_up import fresh_login_required

bp = Blueprint("payouts", __name__)
MAX_RESULTS_FILE = 512 * 1024

STATES = {
    "draft": _l("Draft: waiting for approval"),
    "approved": _l("Approved: to be paid"),
    "part_paid": _l("Partly paid"),
    "paid": _l("Paid"),
    "failed": _l("Payment failed"),
    "void": _l("Void"),
}


def payout_state(state: str) -> str:
    return str(STATES.get(state, state))


def _page(name="page") -> int:
    return paging.page_number(request.args.get(name))


# -- supervisors: payout runs -------------------------------------------------------------

@bp.get("/supervisor/payouts")
@staff
def index(error=None, status=200):
    """Supervisor: her centre's payouts, newest first, and the form to draft one."""
    db = get_db()
    page = _page()
    rows, more = payouts.list_payouts(db, g.user, page)
    start, end = payouts.last_week()
    return render_template("payouts/index.html", payouts=rows, more=more, page=page,
                           start=request.form.get("start", start.isoformat()),
                           end=request.form.get("end", end.isoformat()), error=error,
                           centres=payouts.centres(db) if scope.sees_all(g.user) else []
                           ), status


@bp.post("/supervisor/payouts")
@staff
def draft():
    """Supervisor: draft a payout for the period; then its preview."""
    try:
        payout_id = payouts.draft(get_db(), g.user, request.form.get("start"),
                                  request.form.get("end"), request.form.get("centre", type=int))
    except NotFound:
        raise
    except Refused as refusal:
        return index(error=message(refusal), status=refusal.status)
    return redirect(url_for(".show", payout_id=payout_id), 303)


def _show(payout_id, template="payouts/show.html", error=None, errors=None, status=200,
          link=None):
    db = get_db()
    payout = payouts.get_payout_or_404(db, payout_id, g.user)
    page = _page()
    lines, more = payouts.lines(db, payout_id, page, per_page=200 if "print" in template else 25)
    held = payouts.held(db, payout["centre_id"], payout["period_end"], payout["drafted_by"]) \
        if payout["status"] == "draft" else []
    return page_or_fragment(template, "payouts/_lines.html", status, payout=payout,
                            lines=lines, more=more, lines_page=page, held=held, error=error,
                            errors=errors or {}, formats=list(payout_files.FORMATS),
                            error_link=link)


@bp.get("/supervisor/payouts/<id:payout_id>")
@staff
def show(payout_id):
    """Supervisor: a payout's lines (preview of a draft), and what can be done next."""
    return _show(payout_id)


@bp.get("/supervisor/payouts/<id:payout_id>/print")
@staff
def printable(payout_id):
    """Supervisor: a payout's summary to print and sign."""
    return _show(payout_id, "payouts/print.html")


def _act(payout_id, action, done=None):
    """Run a change to a payout; back to its page (303), or the page with the refusal.
    `done(result)`: what to tell her on that page (views.messages.said)."""
    try:
        result = action(get_db())
    except NotFound:
        raise
    except Refused as refusal:
        link = REFUSAL_LINKS[refusal.code](refusal.detail) \
            if refusal.code in REFUSAL_LINKS else None  # second factor: where to turn it on
        return _show(payout_id, error=message(refusal), errors=field_errors(refusal),
                     status=refusal.status, link=link)
    if done:
        done(result)
    return redirect(url_for(".show", payout_id=payout_id), 303)


def _ask(payout_id, kind, **extra):
    """The page that asks before an irreversible step, with names and amounts."""
    payout = payouts.get_payout_or_404(get_db(), payout_id, g.user)
    return render_template("confirm.html", kind=kind, payout=payout,
                           back=url_for(".show", payout_id=payout_id), **extra)


@bp.get("/supervisor/payouts/<id:payout_id>/approve")
@staff
def approve_ask(payout_id):
    """Supervisor: what approving this draft does (to whom, how much), before she does it."""
    return _ask(payout_id, "approve", version=request.args.get("version", 0, type=int))


@bp.get("/supervisor/payouts/<id:payout_id>/void")
@staff
def void_ask(payout_id):
    """Supervisor: what voiding this draft does, before she does it."""
    return _ask(payout_id, "void")


@bp.get("/supervisor/payouts/<id:payout_id>/paid")
@staff
def paid_ask(payout_id):
    """Supervisor: which lines "mark paid" marks, their sum and the UTR, before she does it."""
    line_id = request.args.get("line", type=int)
    found = payouts.unpaid(get_db(), payout_id, g.user, line_id)
    return _ask(payout_id, "paid", unpaid=found, line=line_id,
                utr=request.args.get("utr", "").strip())


@bp.post("/supervisor/payouts/<id:payout_id>/lines/<id:line_id>/bonus")
@staff
def bonus(payout_id, line_id):
    """Supervisor: set a line's bonus and its reason, in a draft."""
    return _act(payout_id, lambda db: payouts.set_bonus(
        db, payout_id, line_id, g.user, request.form.get("bonus"), request.form.get("reason")),
        lambda _: said("saved"))


@bp.post("/supervisor/payouts/<id:payout_id>/approve")
@staff
@fresh_login_required
def approve(payout_id):
    """A second supervisor or an admin: approve a draft as shown to her (the form carries
    its version; a draft changed since is refused). It never changes after."""
    version = request.form.get("version", 0, type=int)  # missing: matches no draft
    return _act(payout_id, lambda db: payouts.approve(db, payout_id, g.user, version=version),
                lambda _: _said_approved(payout_id))


def _said_approved(payout_id):
    payout = payouts.get_payout_or_404(get_db(), payout_id, g.user)
    said("payout_approved", amount=money(payout["total_paise"]), people=ngettext(
        "%(num)d person", "%(num)d people", payout["lines"]))


@bp.post("/supervisor/payouts/<id:payout_id>/void")
@staff
def void(payout_id):
    """Supervisor: void a draft; its answers go to the next payout."""
    return _act(payout_id, lambda db: payouts.void(db, payout_id, g.user),
                lambda _: said("payout_voided"))


@bp.post("/supervisor/payouts/<id:payout_id>/paid")
@staff
@fresh_login_required
def paid(payout_id):
    """Supervisor: mark one line, or every unpaid line, paid with the bank's UTR."""
    line_id = request.form.get("line")
    if line_id is not None:  # one line: its id must be one, never "all lines" by mistake
        line_id = request.form.get("line", type=int)
        if not coredb.is_id(line_id):
            raise NotFound("not_found")
    utr = request.form.get("utr")

    def mark(db):  # what it marks, read before: marked lines leave "unpaid"
        before = payouts.unpaid(db, payout_id, g.user, line_id)
        return before if payouts.mark_paid(db, payout_id, g.user, utr, line_id) else None
    return _act(payout_id, mark, lambda before: before and said(
        "payout_paid", amount=money(before["amount_paise"]), utr=utr.strip()))


@bp.post("/supervisor/payouts/<id:payout_id>/lines/<id:line_id>/failed")
@staff
@fresh_login_required
def failed(payout_id, line_id):
    """Supervisor: report that the bank could not pay a line; another supervisor or an
    admin confirms it, and it goes back to unpaid."""
    return _act(payout_id, lambda db: payouts.mark_failed(
        db, payout_id, line_id, g.user, request.form.get("reason")))


@bp.post("/supervisor/payouts/<id:payout_id>/results")
@staff
@fresh_login_required
def results(payout_id):
    """Supervisor: import the bank's result file (reference, status, UTR, reason)."""
    upload = request.files.get("file")
    raw = upload.read(MAX_RESULTS_FILE + 1) if upload else b""
    try:
        text = raw.decode("utf-8") if len(raw) <= MAX_RESULTS_FILE else ""
    except UnicodeDecodeError:
        text = ""
    return _act(payout_id, lambda db: payouts.import_results(db, payout_id, g.user, text))


@bp.get("/supervisor/payouts/<id:payout_id>/file.csv")
@staff
def payout_file(payout_id):
    """Accounts team: the bulk-payout CSV of an approved payout (full account numbers),
    in the format asked for (?format=razorpayx, cashfree; Velai's own by default)."""
    fmt = request.args.get("format") or None
    if fmt is not None and fmt not in payout_files.FORMATS:
        raise NotFound("not_found")
    try:
        name, text = payouts.payout_file(get_db(), payout_id, g.user, fmt)
    except NotFound:
        raise
    except Refused as refusal:
        return _show(payout_id, error=message(refusal), status=refusal.status)
    response = make_response(text.encode("utf-8"))
    response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.cache_control.no_store = True
    return response


# -- supervisors: payment details to confirm, fair pay --------------------------------------

@bp.get("/supervisor/payment-changes")
@staff
def changes():
    """Supervisor: new payment details waiting for her confirmation."""
    page = _page()
    centre = scope.centre_of(g.user)
    rows, more = payment_details.to_confirm(get_db(), centre, page)
    return render_template("payouts/changes.html", rows=rows, more=more, page=page)


@bp.get("/supervisor/payment-changes/<id:detail_id>")
@staff
def change(detail_id, error=None, errors=None, status=200):
    """Supervisor: one change in full beside the details in force, who last reset her
    PIN; confirm or refuse it. Seeing it is audited."""
    try:
        row = payment_details.review(get_db(), detail_id, g.user)
    except NotFound:
        raise
    except Refused:  # decided meanwhile: the list says what is left
        return redirect(url_for(".changes"), 303)
    return render_template("payouts/change.html", row=row, error=error, errors=errors or {},
                           reason=request.form.get("reason", "")), status


def _decide(detail_id, action):
    """Confirm or refuse; back to the list (303), or the change with the refusal."""
    try:
        action(get_db())
    except NotFound:
        raise
    except Refused as refusal:
        if refusal.code == "details_decided":
            return redirect(url_for(".changes"), 303)
        return change(detail_id=detail_id, error=message(refusal), errors=field_errors(refusal),
                      status=refusal.status)
    return redirect(url_for(".changes"), 303)


@bp.post("/supervisor/payment-changes/<id:detail_id>/confirm")
@staff
@fresh_login_required
def confirm(detail_id):
    """Supervisor: confirm an annotator's new payment details (after calling her); never
    the one who reset her PIN or phone lately."""
    return _decide(detail_id, lambda db: payment_details.confirm(db, detail_id, g.user))


@bp.post("/supervisor/payment-changes/<id:detail_id>/refuse")
@staff
def refuse(detail_id):
    """Supervisor: refuse new payment details with a reason she reads; her details in
    force before stay."""
    return _decide(detail_id, lambda db: payment_details.refuse(
        db, detail_id, g.user, request.form.get("reason")))


@bp.get("/supervisor/fair-pay")
@staff
def fair_pay(error=None, status=200):
    """Supervisor: effective pay per hour by annotator and project, against the minimum."""
    db = get_db()
    page = _page()
    report = wages.fair_pay(db, g.user, request.args.get("centre", type=int), page=page)
    return render_template("payouts/fair_pay.html", report=report, page=page, error=error,
                           centres=payouts.centres(db) if scope.sees_all(g.user) else []
                           ), status


@bp.post("/supervisor/fair-pay/min-wage")
@staff
def min_wage():
    """Supervisor or admin: set the centre's minimum wage per hour (audited)."""
    centre = request.form.get("centre", type=int)
    try:
        wages.set_min_wage(get_db(), g.user, request.form.get("min_wage"), centre)
    except NotFound:
        raise
    except Refused as refusal:
        return fair_pay(error=message(refusal), status=refusal.status)
    said("saved")
    return redirect(url_for(".fair_pay", centre=centre if scope.sees_all(g.user) else None),
                    303)


# -- admins: the audit log -------------------------------------------------------------------

@bp.get("/admin/audit")
@admin
def audit_log():
    """Admin: who did what and when, filtered by action and person, newest first."""
    db = get_db()
    page = _page()
    action = request.args.get("action", "").strip()[:64]
    person = request.args.get("person", "").strip()[:64]
    rows, more = audit.entries(db, action, person, page)
    return render_template("payouts/audit.html", rows=rows, more=more, page=page,
                           action=action, person=person, actions=audit.actions(db))


# -- annotators: where she is paid ----------------------------------------------------------

@bp.route("/payment-details", methods=["GET", "POST"])
@annotator
def details():
    """Annotator: her UPI ID or bank account, shown masked; a change waits for a
    supervisor's confirmation before she is paid there."""
    db = get_db()
    errors, status, form = {}, 200, request.form
    if request.method == "POST":
        try:
            payment_details.change(db, g.user, form.get("kind"), form.get("upi_id"),
                                   form.get("account_number"), form.get("ifsc"),
                                   form.get("account_name"))
            return redirect(url_for(".details", saved=1), 303)
        except Refused as refusal:
            errors, status = field_errors(refusal) or {"kind": message(refusal)}, refusal.status
    return render_template("payouts/details.html", current=payment_details.current(
        db, g.user["id"]), notice=payment_details.notice(db, g.user["id"]), errors=errors,
        form=form, saved="saved" in request.args), status

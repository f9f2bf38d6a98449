"""Supervisors and admins: the review queue, appeals, and the quality dashboards."""
from flask import Blueprint, g, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, lazy_gettext as _l

from core import clients, paging, quality, review, review_bulk
from core.errors import NotFound, Refused

from .db import get_db
from .clients import client_filter
from .guards import staff
from .http import id_arg, private_picture, safe_next
from .messages import message
from .render import htmx, page_or_fragment

bp = Blueprint("review", __name__, url_prefix="/supervisor")

REASONS = {
    "wrong_answer": _l("Wrong answer"),
    "instructions": _l("Did not follow the instructions"),
    "too_fast": _l("Answered too fast"),
    "incomplete": _l("Incomplete answer"),
    "wrong_check": _l("Wrong answer on a check task"),
    # core.recordings.NOT_VERIFIED: the listeners' majority, not a supervisor's pick.
    "not_verified": _l("Listeners said the recording does not match the sentence or is"
                       " not clear"),
}
# Why an answer was drawn for review (core.review_plan), and the queue's filter on it.
DRAWN_FOR = {
    "watch": _l("Under watch"),
    "first": _l("First answers"),
    "sample": _l("Random sample"),
    "check": _l("Missed check task"),
    "disagree": _l("Disagrees with the majority"),
    "fast": _l("Too fast"),
}
REASON_FILTERS = {"drawn": _l("Drawn for review"), **DRAWN_FOR,
                  "any": _l("Every answer waiting")}
KINDS = {"all": _l("All waiting"), "disagree": _l("Disagreement only"),
         "missed": _l("Missed check tasks"), "fast": _l("Too fast")}
BANDS = {
    "good": _l("Annotators agree well (%(alpha)s): the labels can be trusted."),
    "fair": _l("Annotators mostly agree (%(alpha)s): look at the tasks where they differ."),
    "low": _l("Annotators often disagree (%(alpha)s): check the instructions."),
    "none": _l("Not enough answers yet to measure agreement."),
}


def reject_reason(row) -> str:
    """Why an answer was rejected, in the reader's language."""
    code = row["reject_reason"] or ("wrong_check" if row["gold_answer"] is not None
                                    else "wrong_answer")
    return str(REASONS.get(code, REASONS["wrong_answer"]))


def drawn_for(code) -> str:
    """Why an answer was drawn for review, in the reader's language ("" if it was not)."""
    return str(DRAWN_FOR[code]) if code in DRAWN_FOR else ""


def agreement_sentence(alpha) -> str:
    band = quality.agreement_band(alpha)
    text = BANDS[band]
    return str(text) if band == "none" else str(text) % {"alpha": format_decimal(alpha, "0.00")}


def _centre():
    """Whom the review pages are bounded by: she herself (core.scope: her centre, and her
    clients when she is limited to some)."""
    return g.user


def _filters() -> dict:
    kind = request.values.get("kind", "all")
    kind = kind if kind in review.FILTERS else "all"
    reason = review.default_reason({"kind": kind, "reason": request.values.get("reason")})
    return {"project": id_arg("project") if request.method == "GET" else _form_id("project"),
            "annotator": id_arg("annotator") if request.method == "GET"
            else _form_id("annotator"),
            "kind": kind, "reason": reason}


def _form_id(name):
    value = request.form.get(name, type=int)
    return value if value and 0 < value < 2**63 else None


def _back(fallback_endpoint="review.queue"):
    return redirect(safe_next(request.form.get("next"), url_for(fallback_endpoint)), 303)


def _shown(filters: dict) -> dict:
    """The filters worth putting in a URL (those set)."""
    return {k: v for k, v in filters.items() if v is not None}


@bp.get("/review")
@staff
def queue():
    """Supervisor: answers waiting for review in her centre, filtered and paged; with
    after=<answer>, only the rows that follow it (htmx, as she works down the list)."""
    filters = _filters()
    after = id_arg("after")
    result = review.queue(get_db(), _centre(), filters,
                          paging.page_number(request.args.get("page")), after=after)
    page = result["page"] if result["page"] > 1 else None
    context = {"q": result, "filters": filters, "reasons": review.REJECT_REASONS,
               "here": url_for(".queue", **_shown({**filters, "page": page}))}
    if after is not None:
        response = make_response(render_template("review/_rows.html", **context))
        response.vary.add("HX-Request")
        return response
    return render_template("review/queue.html", kinds=KINDS, reason_filters=REASON_FILTERS,
                           bulk=_bulk_note(), **context)


def _bulk_note():
    """The bulk decision just made (?bulk=), to say what it did and offer its undo."""
    bulk_id = id_arg("bulk")
    try:
        return review_bulk.get(get_db(), bulk_id, _centre()) if bulk_id else None
    except NotFound:
        return None


def _decided(row):
    """After one decision: the row in place (htmx) or back to the queue (303)."""
    if htmx:
        return page_or_fragment("review/queue.html", "review/_row.html", row=row,
                                reasons=review.REJECT_REASONS,
                                labels=review.labels_for(get_db(), {row["project_id"]}))
    return _back()


@bp.post("/review/<id:assignment_id>/accept")
@staff
def accept(assignment_id):
    """Supervisor: accept one answer."""
    return _decided(review.accept(get_db(), assignment_id, g.user))


@bp.post("/review/<id:assignment_id>/reject")
@staff
def reject(assignment_id):
    """Supervisor: reject one answer with a reason and an optional note to her."""
    return _decided(review.reject(get_db(), assignment_id, g.user, request.form.get("reason"),
                                  request.form.get("note")))


def _confirm(filters: dict, refusal: Refused | None = None):
    plan = review_bulk.preview(get_db(), g.user, filters)
    return render_template("review/bulk_confirm.html", plan=plan, filters=filters,
                           kinds=KINDS, error=message(refusal) if refusal else None), \
        refusal.status if refusal else 200


@bp.get("/review/accept-all")
@staff
def accept_all_confirm():
    """Supervisor: what accepting every waiting answer the filter shows would do (how
    many, how much money, how many too fast), and the question."""
    return _confirm(_filters())


@bp.post("/review/accept-all")
@staff
def accept_all():
    """Supervisor: accept what the question showed, the too-fast ones only if ticked."""
    filters = _filters()
    shown = {"answers": request.form.get("answers", type=int),
             "paise": request.form.get("paise", type=int)}
    try:
        bulk = review_bulk.accept(get_db(), g.user, filters,
                                  request.form.get("upto", 0, type=int), shown,
                                  with_fast=request.form.get("with_fast") == "1")
    except Refused as refusal:
        if isinstance(refusal, NotFound):
            raise
        return _confirm(filters, refusal)
    return redirect(url_for(".queue", bulk=bulk["id"], **_shown(filters)), 303)


@bp.get("/review/bulk")
@staff
def bulk_history():
    """Supervisor: the centre's bulk decisions, newest first, each undoable until one of
    its answers is in a payout."""
    result = review_bulk.history(get_db(), g.user, paging.page_number(request.args.get("page")))
    return render_template("review/bulk_history.html", q=result, kinds=KINDS,
                           undone=request.args.get("undone", type=int))


@bp.post("/review/bulk/<id:bulk_id>/undo")
@staff
def undo_bulk(bulk_id):
    """Supervisor: undo a bulk decision: its answers go back to the queue."""
    bulk = review_bulk.undo(get_db(), g.user, bulk_id)
    return redirect(url_for(".bulk_history", undone=bulk["returned"]), 303)


@bp.get("/review/media/<id:media_id>")
@staff
def media(media_id):
    """Supervisor: a task's picture, for tasks of her centre."""
    row = review.media_for_centre(get_db(), media_id, _centre())
    return private_picture(row)


@bp.get("/appeals")
@staff
def appeals():
    """Supervisor: open appeals in her centre that she may decide."""
    result = review.open_appeals(get_db(), g.user, _centre(),
                                 paging.page_number(request.args.get("page")))
    return render_template("review/appeals.html", q=result)


@bp.post("/appeals/<id:appeal_id>")
@staff
def decide(appeal_id):
    """Supervisor: uphold or overturn an appeal."""
    review.decide_appeal(get_db(), appeal_id, g.user, request.form.get("outcome"),
                         request.form.get("note"))
    return redirect(url_for(".appeals"), 303)


@bp.get("/quality")
@staff
def centre_dashboard():
    """Supervisor: the centre's answers, agreement and check-task accuracy, 14 days."""
    client = client_filter()
    board = review.centre_dashboard(get_db(), g.user, _centre(), client=client)
    return render_template("review/dashboard.html", board=board, charts=charts(board["days"]),
                           client=client, clients=clients.list_clients(get_db(), g.user))


@bp.get("/quality/<id:project_id>")
@staff
def project_dashboard(project_id):
    """Supervisor: one project's figures, charts and annotators."""
    board = review.project_dashboard(get_db(), project_id, _centre(),
                                     paging.page_number(request.args.get("page")))
    return render_template("review/project.html", board=board, charts=charts(board["days"]))


# -- charts: geometry for the inline SVG in review/_charts.html --------------------------

W, H = 280, 80  # the plot area, in SVG units; the SVG scales to the screen's width


def charts(days: list[dict]) -> dict:
    """Bars for answers per day; lines (broken where a day has no figure) for agreement
    and check-task accuracy, on 0..1."""
    step = W / len(days)
    top = max((d["answers"] for d in days), default=0) or 1
    bars = [{"x": round(i * step + 2, 1), "w": round(step - 4, 1),
             "h": round(H * d["answers"] / top, 1), "y": round(H - H * d["answers"] / top, 1)}
            for i, d in enumerate(days)]

    def line(key):
        segments, current, dots = [], [], []
        for i, d in enumerate(days):
            value = d[key]
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = (round(i * step + step / 2, 1), round(H - H * min(max(value, 0), 1), 1))
            current.append(point)
            dots.append(point)
        if current:
            segments.append(current)
        return {"segments": [" ".join(f"{x},{y}" for x, y in s) for s in segments],
                "dots": dots}

    return {"bars": bars, "top": top, "alpha": line("alpha"), "gold": line("gold"),
            "w": W, "h": H, "good": round(H - H * 0.667, 1)}

"""Annotators: appeal a rejected answer once, with a short note."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from core import review
from core.errors import Invalid

from .web import MESSAGES, get_db, message, role_required

bp = Blueprint("appeal", __name__)

MESSAGES.update({
    "appeal_note_required": _l("Please write in a few words why your answer was right."),
    "appeal_note_too_long": _l("Your note is too long. Keep it under %(limit)s characters."),
    "appealed_already": _l("You already appealed this answer."),
    "appeal_window_over": _l("The time to appeal this answer is over."),
})


@bp.route("/earnings/appeal/<id:assignment_id>", methods=["GET", "POST"])
@role_required("annotator")
def appeal(assignment_id):
    """Annotator: see why an answer was rejected and appeal it once."""
    db = get_db()
    error, status = None, 200
    if request.method == "POST":
        try:
            review.appeal(db, assignment_id, g.user["id"], request.form.get("note"))
            return redirect(url_for("work.earnings_page"), 303)
        except Invalid as refusal:  # a missing or long note: the form again, note kept
            error, status = message(refusal), 400
    row = review.get_own_rejected(db, assignment_id, g.user["id"])
    return render_template("appeal/new.html", row=row, error=error,
                           labels=review.labels_for(db, {row["project_id"]}),
                           can_appeal=review.can_appeal(row),
                           until=review.appeal_deadline(row),
                           typed=request.form.get("note", "")), status

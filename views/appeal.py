"""Annotators: appeal a rejected answer once, with a short note."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from core import review
from core.errors import Invalid

from .db import get_db
from .guards import annotator
from .messages import message

bp = Blueprint("appeal", __name__)


@bp.route("/earnings/appeal/<id:assignment_id>", methods=["GET", "POST"])
@annotator
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

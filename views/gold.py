"""Supervisors: check-task accuracy per annotator of a project, reinstate or ask for a
retake. Also what an annotator is told about a pause, and her lease when it is short."""
import math

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import format_time, gettext as _, ngettext

from core import gold, lease, paging, projects
from core.clock import parse_stamp

from .db import get_db
from .formats import check_note, right_answer
from .guards import staff

bp = Blueprint("gold", __name__, url_prefix="/supervisor/gold")


def pause_note(held: dict) -> str:
    """Why her paid work in a project is held back, and what happens next."""
    if held["qualification"] == "trainee":
        return _("Your supervisor has asked you to take the quiz for this project again."
                 " Take the quiz again to go back to paid work.")
    need = math.ceil(held["min_gold_accuracy"] * held["answered"] - 1e-9)
    return ngettext(
        "Your answers to check tasks were right %(right)d times out of %(num)d; this project"
        " needs %(need)d. Work on this project is paused. Your supervisor will look at your"
        " answers, then let you go on or ask you to take the quiz again.",
        "Your answers to check tasks were right %(right)d times out of %(num)d; this project"
        " needs %(need)d. Work on this project is paused. Your supervisor will look at your"
        " answers, then let you go on or ask you to take the quiz again.",
        held["answered"], right=held["right"], need=need)


def batch_check_note(missed: dict) -> str:
    """The check note for an answer sent from a saved batch: its card is gone by then, so
    the note names the task by its text (a picture task: the note alone)."""
    text = missed["payload_text"]
    if not text:
        return check_note(missed)
    short = text if len(text) <= 60 else text[:59].rstrip() + "…"
    return _("Check task “%(task)s”: the right answer was “%(answer)s”. This answer is not"
             " paid.", task=short, answer=right_answer(missed))


def time_left_note(assignment: dict) -> str | None:
    """How long she has for this task, when her lease is short; else None."""
    left = lease.time_left(assignment)
    if left is None:
        return None
    minutes = max(1, round(left.total_seconds() / 60))
    return ngettext("About %(num)d minute left for this task (until %(time)s).",
                    "About %(num)d minutes left for this task (until %(time)s).", minutes,
                    time=format_time(parse_stamp(assignment["lease_expires_at"]), "short"))


@bp.get("/")
@staff
def accuracy():
    """Supervisor: check-task accuracy per annotator of one of her centre's projects."""
    db = get_db()
    choices = gold.centre_projects(db, g.user)
    wanted = request.args.get("project", type=int)
    project = projects.get_project_or_404(db, g.user, wanted) if wanted else (
        projects.get_project_or_404(db, g.user, choices[0]["id"]) if choices else None)
    page = paging.page_number(request.args.get("page"))
    rows, more = gold.accuracy_page(db, project, page) if project else ([], False)
    return render_template("gold/accuracy.html", choices=choices, project=project,
                           rows=rows, more=more, page=page)


@bp.post("/<id:project_id>/<id:user_id>/<any(reinstate, retake):decision>")
@staff
def decide(project_id, user_id, decision):
    """Supervisor: reinstate a paused annotator, or ask her to take the quiz again."""
    gold.decide(get_db(), g.user, project_id, user_id, decision)
    return redirect(url_for(".accuracy", project=project_id,
                            page=paging.page_number(request.form.get("page"))), 303)

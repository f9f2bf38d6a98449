"""Supervisors (and admins): create and edit her centre's projects on the web."""
from flask import Blueprint, g, make_response, redirect, render_template, request, url_for
from flask_babel import format_percent, ngettext

from core import people, projects, purge, review_plan
from core.errors import Invalid, NotFound, Refused

from .db import get_db
from .guards import staff
from .messages import field_errors, message, said
from .step_up import fresh_login_required

bp = Blueprint("projects_admin", __name__, url_prefix="/supervisor/projects")


def _form(project, values, errors=None, status=200, **plan):
    db = get_db()
    if project:  # its review plan, a form of its own below
        plan.setdefault("plan", review_plan.plan_values(project))
        plan.setdefault("plan_errors", {})
    rows = values.get("labels") or []
    rows = list(rows) + [{}] * projects.FORM_LABEL_ROWS
    return render_template(
        "supervisor/project_form.html", project=project, values=values, errors=errors or {},
        label_rows=rows, centres=people.centres(db, g.user), task_types=projects.TASK_TYPES,
        statuses=projects.STATUSES, incomplete=projects.incomplete(db, project, values),
        type_fixed=bool(project and projects.task_count(db, project["id"])),
        links=projects.link_choices(db, project["centre_id"] if project else g.user["centre_id"]),
        **plan), status


def _save(project=None):
    data = projects.form_data(request.form)
    try:
        projects.save_project(get_db(), g.user, data, project["id"] if project else None)
    except Invalid as refusal:
        values = {**projects.form_values(get_db(), project), **data}
        return _form(project, values, field_errors(refusal), 400)
    said("saved")
    return redirect(url_for("supervisor.overview"), 303)


@bp.get("/new")
@staff
def new():
    """Supervisor: the form for a new project of her centre."""
    return _form(None, projects.form_values(get_db(), None))


@bp.post("/new")
@staff
def create():
    """Supervisor: create the project, or show the form again with each error."""
    return _save()


@bp.get("/<id:project_id>/edit")
@staff
def edit(project_id):
    """Supervisor: the form to change one of her centre's projects."""
    project = projects.get_project_or_404(get_db(), g.user, project_id)
    return _form(project, projects.form_values(get_db(), project),
                 plan_saved=request.args.get("plan") == "saved")


@bp.post("/<id:project_id>/edit")
@staff
def update(project_id):
    """Supervisor: save the changes (a new pay counts for answers from now on)."""
    return _save(projects.get_project_or_404(get_db(), g.user, project_id))


@bp.post("/<id:project_id>/review-plan", endpoint="review_plan")
@staff
def review_plan_save(project_id):
    """Supervisor: save the project's review plan, or show it again with each error."""
    project = projects.get_project_or_404(get_db(), g.user, project_id)
    try:
        review_plan.save_plan(get_db(), g.user, project_id, request.form)
    except Invalid as refusal:
        return _form(project, projects.form_values(get_db(), project), status=400,
                     plan={**review_plan.plan_values(project), **request.form,
                           **{k: k in request.form for k in ("disagree", "check", "fast")}},
                     plan_errors=field_errors(refusal))
    return redirect(url_for(".edit", project_id=project_id, plan="saved") + "#review-plan", 303)


def checked_sentence(figures) -> str:
    """Her error rate in the answers checked, with its 95% interval:
    "12% wrong (4%–30%) of 20 checked" (core.review_plan.error_rates); "" if none."""
    if not figures or not figures.get("checked"):
        return ""
    return ngettext("%(rate)s wrong (%(low)s–%(high)s) of %(num)d checked",
                    "%(rate)s wrong (%(low)s–%(high)s) of %(num)d checked",
                    figures["checked"], rate=format_percent(figures["rate"]),
                    low=format_percent(figures["low"]), high=format_percent(figures["high"]))


@bp.post("/<id:project_id>/watch/<id:user_id>")
@staff
def watch(project_id, user_id):
    """Supervisor: put an annotator under watch in the project (all her answers reviewed)."""
    review_plan.watch(get_db(), g.user, project_id, user_id)
    return redirect(url_for("review.project_dashboard", project_id=project_id,
                            watch="on") + f"#u{user_id}", 303)


@bp.post("/<id:project_id>/lift/<id:user_id>")
@staff
def lift(project_id, user_id):
    """Supervisor: lift an annotator's watch in the project, once asked and confirmed."""
    review_plan.lift(get_db(), g.user, project_id, user_id)
    return redirect(url_for("review.project_dashboard", project_id=project_id,
                            watch="off") + f"#u{user_id}", 303)


# -- deleting a closed project's content: one asks, another approves (core/purge.py) ----

def _purges(project_id, error=None, status=200):
    db = get_db()
    project = projects.get_project_or_404(db, g.user, project_id)
    return render_template("supervisor/purges.html", project=project, error=error,
                           purges=purge.for_project(db, project_id)), status


@bp.get("/<id:project_id>/purge")
@staff
def purges(project_id):
    """Supervisor: the project's deletions: ask for one, approve another's, the records."""
    return _purges(project_id)


def _purge_act(project_id, action):
    try:
        action(get_db())
    except NotFound:
        raise
    except Refused as refusal:
        return _purges(project_id, message(refusal), refusal.status)
    return redirect(url_for(".purges", project_id=project_id), 303)


@bp.post("/<id:project_id>/purge")
@staff
@fresh_login_required
def ask_purge(project_id):
    """Supervisor: ask for the closed project's content to be deleted."""
    return _purge_act(project_id, lambda db: purge.ask(db, project_id, g.user))


@bp.post("/<id:project_id>/purge/<id:purge_id>/approve")
@staff
@fresh_login_required
def approve_purge(project_id, purge_id):
    """Another supervisor or an admin: approve, and so carry out, the deletion."""
    return _purge_act(project_id, lambda db: purge.approve(db, _own(db, project_id, purge_id),
                                                           g.user))


@bp.post("/<id:project_id>/purge/<id:purge_id>/cancel")
@staff
def cancel_purge(project_id, purge_id):
    """Supervisor: withdraw a deletion not yet approved."""
    return _purge_act(project_id, lambda db: purge.cancel(db, _own(db, project_id, purge_id),
                                                          g.user))


def _own(db, project_id, purge_id) -> int:
    if purge.get(db, purge_id, g.user)["project_id"] != project_id:
        raise NotFound("not_found")
    return purge_id


@bp.get("/<id:project_id>/purge/<id:purge_id>/record.txt")
@staff
def purge_record(project_id, purge_id):
    """Supervisor: the deletion record to give the client, as a text file."""
    record = purge.get(get_db(), _own(get_db(), project_id, purge_id), g.user)
    if record["status"] != "done":
        raise NotFound("not_found")
    response = make_response(purge.record_text(record))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="deletion-{record["slug"]}-{record["id"]}.txt"')
    return response

"""Supervisors (and admins): create and edit her centre's projects on the web."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from core import people, projects
from core.errors import Invalid

from .db import get_db
from .guards import staff
from .messages import field_errors, said

bp = Blueprint("projects_admin", __name__, url_prefix="/supervisor/projects")


def _form(project, values, errors=None, status=200):
    db = get_db()
    rows = values.get("labels") or []
    rows = list(rows) + [{}] * projects.FORM_LABEL_ROWS
    return render_template(
        "supervisor/project_form.html", project=project, values=values, errors=errors or {},
        label_rows=rows, centres=people.centres(db, g.user), task_types=projects.TASK_TYPES,
        statuses=projects.STATUSES, incomplete=projects.incomplete(db, project, values),
        type_fixed=bool(project and projects.task_count(db, project["id"]))), status


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
    return _form(project, projects.form_values(get_db(), project))


@bp.post("/<id:project_id>/edit")
@staff
def update(project_id):
    """Supervisor: save the changes (a new pay counts for answers from now on)."""
    return _save(projects.get_project_or_404(get_db(), g.user, project_id))

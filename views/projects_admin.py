"""Supervisors (and admins): create and edit her centre's projects on the web."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from core import people, projects
from core.errors import Invalid

from .supervisor import field_errors, staff
from .web import MESSAGES, get_db

bp = Blueprint("projects_admin", __name__, url_prefix="/supervisor/projects")

MESSAGES.update({
    "unknown_field": _l("This field is not known."),
    "bad_slug": _l("A short name is 3 to 60 small letters, digits and dashes."),
    "slug_taken": _l("Another project has this short name."),
    "bad_task_type": _l("Please choose a task type."),
    "type_fixed": _l("The task type cannot change once the project has tasks."),
    "bad_texts": _l("Please type text here."),
    "english_required": _l("Please type it in English at least."),
    "too_long": _l("Too long: at most %(limit)s characters."),
    "bad_labels": _l("Please give the answers to choose from."),
    "labels_required": _l("Give at least two answers to choose from."),
    "bad_label_value": _l("The code “%(value)s” may have only letters, digits, _ and -."),
    "label_twice": _l("The code “%(value)s” is given twice."),
    "label_english_required": _l("The answer “%(value)s” needs its English text."),
    "label_in_use": _l("The answer “%(value)s” is in use and cannot be removed."),
    "bad_redundancy": _l("A number from 1 to 10."),
    "bad_pay": _l("An amount in rupees, like 0.50, up to 100."),
    "bad_pay_paise": _l("Whole paise from 0 to 10000 (50 is ₹0.50)."),
    "unknown_centre": _l("There is no such centre."),
    "centre_fixed": _l("A project cannot move to another centre."),
    "bad_lease": _l("Minutes from 1 to 240."),
    "bad_gold": _l("A percentage from 0 to 100."),
})


def _form(project, values, errors=None, status=200):
    db = get_db()
    rows = values.get("labels") or []
    rows = list(rows) + [{}] * projects.FORM_LABEL_ROWS
    return render_template(
        "supervisor/project_form.html", project=project, values=values, errors=errors or {},
        label_rows=rows, centres=people.centres(db, g.user), task_types=projects.TASK_TYPES,
        statuses=projects.STATUSES,
        type_fixed=bool(project and projects.task_count(db, project["id"]))), status


def _save(project=None):
    data = projects.form_data(request.form)
    try:
        projects.save_project(get_db(), g.user, data, project["id"] if project else None)
    except Invalid as refusal:
        values = {**projects.form_values(get_db(), project), **data}
        return _form(project, values, field_errors(refusal), 400)
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

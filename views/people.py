"""Supervisors (and admins): her centre's annotators: list, add one or many from a CSV,
change her name, phone or language, reset a PIN, unlock, deactivate, qualify or pause
for a project."""
from flask import Blueprint, g, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from core import paging, people
from core.errors import Invalid

from .db import get_db
from .guards import staff
from .messages import field_errors, message
from .render import htmx, page_or_fragment
from .supervisor import centre_filter, form_centre, hash_method, no_store

bp = Blueprint("people", __name__, url_prefix="/supervisor/people")

FIELD_NAMES = {"name": _l("Name"), "phone": _l("Phone number"), "lang": _l("Language"),
               "pin": _l("PIN")}


@bp.get("/")
@staff
def index():
    """Supervisor: her centre's annotators, a page at a time (admin: any centre)."""
    db = get_db()
    page = paging.page_number(request.args.get("page"))
    query = request.args.get("q", "").strip()[:40]
    centre_id = centre_filter()
    rows, more = people.list_people(db, g.user, centre_id, page, query)
    return render_template("supervisor/people.html", people=rows, more=more, page=page,
                           query=query, centre_id=centre_id, centres=people.centres(db, g.user))


def _add_form(errors=None, status=200):
    return render_template("supervisor/person_form.html", errors=errors or {},
                           form=request.form, centres=people.centres(get_db(), g.user)), status


@bp.get("/new")
@staff
def new():
    """Supervisor: the form to add one annotator."""
    return _add_form()


@bp.post("/new")
@staff
def add():
    """Supervisor: add one annotator; her PIN is shown once."""
    form = request.form
    try:
        added = people.add_annotator(
            get_db(), g.user, form_centre(),
            name=form.get("name"), phone=form.get("phone"), lang=form.get("lang"),
            pin=form.get("pin"), hash_method=hash_method())
    except Invalid as refusal:
        return _add_form(field_errors(refusal), 400)
    return no_store(make_response(render_template(
        "supervisor/pins.html", added=[{**added["user"], **added}])))


def _upload_form(errors=(), error=None, status=200):
    return render_template("supervisor/people_upload.html", errors=errors, error=error,
                           field_names=FIELD_NAMES,
                           centres=people.centres(get_db(), g.user)), status


@bp.get("/upload")
@staff
def upload_form():
    """Supervisor: the form to add many annotators from a CSV file."""
    return _upload_form()


@bp.post("/upload")
@staff
def upload():
    """Supervisor: add every annotator of a CSV, or none; lists each bad line."""
    upload_ = request.files.get("file")
    if upload_ is None or not upload_.filename:
        return _upload_form(error=message(Invalid("no_file")), status=400)
    try:
        added = people.add_many(get_db(), g.user,
                                form_centre(),
                                upload_.read(people.MAX_CSV_BYTES + 1), hash_method())
    except Invalid as refusal:
        if refusal.code != "lines":
            return _upload_form(error=message(refusal), status=400)
        return _upload_form(errors=[
            (line, field, message(Invalid("bad_lang_code" if code == "bad_lang" else code)))
            for line, field, code in refusal.detail["errors"]], status=400)
    return no_store(make_response(render_template("supervisor/pins.html", added=added)))


def _person(user_id, pin=None, status=200):
    """Her page, or for htmx the card of her page that the actions swap."""
    db = get_db()
    person = people.get_person_or_404(db, g.user, user_id)
    response = page_or_fragment("supervisor/person.html", "supervisor/_person.html", status,
                                person=person, pin=pin,
                                projects=people.person_projects(db, person, g.user))
    return no_store(response) if pin else response


def _done(user_id):
    """After an action: htmx gets her card again; a plain form goes back to her page."""
    if htmx:
        return _person(user_id)
    return redirect(url_for(".show", user_id=user_id), 303)


@bp.get("/<id:user_id>")
@staff
def show(user_id):
    """Supervisor: one annotator: status, answers, her projects, and what to change."""
    return _person(user_id)


@bp.post("/<id:user_id>/pin")
@staff
def reset_pin(user_id):
    """Supervisor: a new PIN for her, shown once; unlocks her too."""
    pin = people.reset_pin(get_db(), g.user, user_id, hash_method())
    return _person(user_id, pin=pin)


@bp.post("/<id:user_id>/unlock")
@staff
def unlock(user_id):
    """Supervisor: let her try to log in again now."""
    people.unlock(get_db(), g.user, user_id)
    return _done(user_id)


@bp.post("/<id:user_id>/active")
@staff
def set_active(user_id):
    """Supervisor: deactivate her (she can no longer log in) or reactivate."""
    people.set_active(get_db(), g.user, user_id, request.form.get("active") == "1")
    return _done(user_id)


@bp.post("/<id:user_id>/projects/<id:project_id>")
@staff
def qualify(user_id, project_id):
    """Supervisor: qualify her for a project, or pause her there, by hand."""
    people.set_qualification(get_db(), g.user, user_id, project_id, request.form.get("status"))
    return _done(user_id)


def _edit_form(person, form, errors=None, status=200):
    return page_or_fragment("supervisor/person_edit.html", "supervisor/_person_edit.html",
                            status, person=person, form=form, errors=errors or {})


@bp.get("/<id:user_id>/edit")
@staff
def edit(user_id):
    """Supervisor: the form to change her name, phone number or language."""
    person = people.get_person_or_404(get_db(), g.user, user_id)
    return _edit_form(person, {"name": person["name"], "phone": person["login"],
                               "lang": person["lang"]})


@bp.post("/<id:user_id>/edit")
@staff
def update(user_id):
    """Supervisor: save her new name, phone number or language; errors beside each field."""
    form = request.form
    try:
        people.edit_person(get_db(), g.user, user_id, name=form.get("name"),
                           phone=form.get("phone"), lang=form.get("lang"))
    except Invalid as refusal:
        person = people.get_person_or_404(get_db(), g.user, user_id)
        return _edit_form(person, form, field_errors(refusal), 400)
    return _done(user_id)

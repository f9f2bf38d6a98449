"""Supervisors and admins: the centre's home; for an admin, centres and supervisors."""
from flask import (Blueprint, current_app, g, make_response, redirect, render_template, request,
                   url_for)

from core import clients, disk, paging, people, projects, review, scope, supervisor_todo
from core.errors import Conflict, Invalid

from .db import get_db
from .clients import client_filter
from .guards import admin, staff
from .http import id_arg
from .messages import field_errors, message, said
from .render import htmx, page_or_fragment

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


def hash_method() -> str:
    return current_app.config["PASSWORD_HASH"]


def no_store(response):
    """A page that shows a PIN: never kept by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def centre_filter() -> int | None:
    """The centre a page shows: hers; for an admin the one chosen (`?centre=`), or all."""
    centre_id = id_arg("centre")
    if centre_id is not None:
        people.get_centre_or_404(get_db(), g.user, centre_id)  # another centre's: 404
    return scope.centre_for(g.user, centre_id)


def form_centre() -> int:
    """The centre a form names (an id), or hers when it names none; 0 (no centre, so a
    404) when it names one that is not an id."""
    if not request.form.get("centre"):
        return g.user["centre_id"]
    return request.form.get("centre", 0, type=int)


@bp.get("/")
@staff
def overview():
    """Supervisor: her centre today and each project's tasks (admin: every centre)."""
    db = get_db()
    centre_id = centre_filter()
    page = paging.page_number(request.args.get("page"))
    client = client_filter()
    rows, more = projects.centre_overview(db, centre_id, page=page, viewer=g.user, client=client)
    return render_template("supervisor/overview.html", centre_id=centre_id,
                           projects=rows, more=more, page=page, client=client,
                           clients=clients.list_clients(db, g.user, centre_id),
                           today=projects.centre_today(db, centre_id, viewer=g.user,
                                                       client=client),
                           speech=projects.accepted_speech(db, centre_id, viewer=g.user,
                                                           client=client),
                           waiting={**supervisor_todo.waiting(db, g.user, centre_id),
                                    "disk": _disk_warning()},
                           new_staff=people.new_staff(db, g.user),
                           centres=people.centres(db, g.user))


def _disk_warning() -> dict | None:
    """The server's free space when it is low enough to warn (core.disk), else None."""
    space = disk.space(current_app.config)
    return space if space["warn"] else None


@bp.get("/centres")
@admin
def centres(errors=None, status=200, refusal=None):
    """Admin: every centre with its supervisors and admins (new password, deactivate,
    reactivate); forms to add a centre or a supervisor."""
    db = get_db()
    return render_template("supervisor/centres.html", centres=people.centres(db, g.user),
                           staff=people.staff_by_centre(db), errors=errors or {},
                           form=request.form, refusal=refusal), status


@bp.post("/centres")
@admin
def add_centre():
    """Admin: create a centre."""
    try:
        people.create_centre(get_db(), g.user, code=request.form.get("code"),
                             name=request.form.get("centre_name"))
    except Invalid as refusal:
        return centres(errors=field_errors(refusal), status=400)
    said("saved")
    return redirect(url_for(".centres"), 303)


@bp.post("/centres/<id:centre_id>/appeals")
@admin
def set_appeals_by(centre_id):
    """Admin: name the supervisor who decides a centre's appeals, or none."""
    try:
        review.set_appeals_by(get_db(), g.user, centre_id,
                              request.form.get("appeals_by", type=int))
    except Invalid as refusal:
        return centres(status=400, refusal=message(refusal))
    said("saved")
    return redirect(url_for(".centres"), 303)


@bp.post("/centres/<id:centre_id>/languages")
@admin
def centre_languages(centre_id):
    """Admin: the languages a centre works in; its live projects are written in each."""
    db = get_db()
    people.get_centre_or_404(db, g.user, centre_id)
    try:
        projects.set_centre_languages(db, centre_id, request.form.getlist("languages"),
                                      g.user["id"])
    except Invalid as refusal:
        return centres(refusal=message(refusal), status=400)
    said("saved")
    return redirect(url_for(".centres"), 303)


@bp.post("/staff")
@admin
def add_staff():
    """Admin: create a supervisor or admin with a real password."""
    form = request.form
    try:
        people.create_staff(get_db(), g.user, login=form.get("login"), name=form.get("name"),
                            role=form.get("role"), centre_id=form.get("centre", 0, type=int),
                            lang=form.get("lang"), password=form.get("password"),
                            hash_method=hash_method())
    except Invalid as refusal:
        return centres(errors=field_errors(refusal), status=400)
    said("saved")
    return redirect(url_for(".centres"), 303)


def _password_page(person, password=None, errors=None, status=200):
    response = page_or_fragment("supervisor/staff_password.html",
                                "supervisor/_staff_password.html", status, person=person,
                                password=password, errors=errors or {})
    return no_store(response) if password else response


@bp.get("/staff/<id:user_id>/password")
@staff
def staff_password(user_id):
    """Admin: the form for a supervisor's or admin's new password (typed or generated)."""
    return _password_page(people.get_staff_or_404(get_db(), g.user, user_id))


@bp.post("/staff/<id:user_id>/password")
@staff
def reset_staff_password(user_id):
    """Admin: give a supervisor or admin a new password, shown once."""
    try:
        reset = people.reset_password(get_db(), g.user, user_id,
                                      request.form.get("password", ""), hash_method())
    except Invalid as refusal:
        person = people.get_staff_or_404(get_db(), g.user, user_id)
        return _password_page(person, errors=field_errors(refusal), status=400)
    return _password_page(reset["person"], password=reset["password"])


@bp.get("/staff/<id:user_id>/deactivate")
@staff
def staff_deactivate_ask(user_id):
    """Admin: what deactivating a supervisor or admin does, before she does it."""
    person = people.get_staff_or_404(get_db(), g.user, user_id)
    return render_template("confirm.html", kind="deactivate", person=person,
                           action=url_for(".set_staff_active", user_id=user_id),
                           back=url_for(".centres"))


@bp.post("/staff/<id:user_id>/active")
@staff
def set_staff_active(user_id):
    """Admin: deactivate a supervisor or admin (never herself, nor the last admin) or
    reactivate; htmx gets her line of the centres page again."""
    db = get_db()
    try:
        person = people.set_staff_active(db, g.user, user_id,
                                         request.form.get("active") == "1")
    except Conflict as refusal:
        if not htmx:
            return centres(status=refusal.status, refusal=message(refusal))
        person, error = people.get_staff_or_404(db, g.user, user_id), message(refusal)
        return _staff_line(person, error, refusal.status)
    if htmx:
        return _staff_line(person)
    said("person_reactivated" if person["active"] else "person_deactivated",
         name=person["name"])
    return redirect(url_for(".centres"), 303)


def _staff_line(person, error=None, status=200):
    response = make_response(render_template("supervisor/_staff.html", person=person,
                                             error=error), status)
    response.vary.add("HX-Request")
    return response

"""Supervisors and admins: a centre's clients (who owns which projects, which supervisor
is limited to which), and the access log of their items."""
from flask import Blueprint, Response, current_app, g, redirect, render_template, request, url_for

from core import access_log, clients, paging, review
from core import db as coredb
from core import watermark as marks
from core.errors import Refused

from .db import get_db
from .guards import staff
from .http import id_arg
from .messages import message

bp = Blueprint("clients", __name__, url_prefix="/supervisor")


def client_filter() -> int | None:
    """The client a page is narrowed to (`?client=`), one the viewer may see, or None.
    Another's: 404 (core.clients.get_client_or_404)."""
    client_id = id_arg("client")
    if client_id is not None:
        clients.get_client_or_404(get_db(), g.user, client_id)
    return client_id


@bp.get("/clients")
@staff
def index():
    """Supervisor: her centre's clients, their projects, supervisors' limits."""
    return _page()


def _page(refusal=None, status=200):
    db = get_db()
    rows = review.centre_projects(db, g.user)
    return render_template("clients/index.html", clients=clients.list_clients(db, g.user),
                           manage=clients.may_manage(db, g.user),
                           supervisors=clients.supervisors(db, g.user), projects=rows,
                           refusal=refusal), status


def _done(action):
    """Run a change; back to the list (303), or the list with the refusal in her words."""
    try:
        action()
    except Refused as refusal:
        if refusal.status == 404:
            raise
        return _page(message(refusal), refusal.status)
    return redirect(url_for(".index", saved=1), 303)


@bp.post("/clients")
@staff
def add():
    """Supervisor (not limited) or admin: a new client of a centre she runs."""
    centre = request.form.get("centre", g.user["centre_id"], type=int)
    return _done(lambda: clients.add_client(get_db(), g.user, centre, request.form.get("name")))


@bp.post("/clients/<id:client_id>")
@staff
def rename(client_id):
    """Supervisor (not limited) or admin: rename a client."""
    return _done(lambda: clients.rename_client(get_db(), g.user, client_id,
                                               request.form.get("name")))


@bp.post("/clients/<id:client_id>/watermark")
@staff
def watermark(client_id):
    """Supervisor (not limited) or admin: whether annotators' pictures carry a mark."""
    return _done(lambda: marks.set_for_client(get_db(), g.user, client_id,
                                              request.form.get("watermark") == "1"))


@bp.post("/clients/projects")
@staff
def move_project():
    """Supervisor (not limited) or admin: give a project to another client."""
    return _done(lambda: clients.set_project_client(
        get_db(), g.user, request.form.get("project", type=int),
        request.form.get("client", type=int)))


@bp.post("/clients/supervisors/<id:user_id>")
@staff
def limit(user_id):
    """Supervisor (not limited) or admin: limit a supervisor to some clients (none: all)."""
    ids = [value for value in request.form.getlist("clients", type=int)]
    return _done(lambda: clients.limit_supervisor(get_db(), g.user, user_id, ids))


def _log_filters() -> dict:
    return {"client": client_filter(), "project": id_arg("project"),
            "person": request.args.get("person", "").strip() or None, "task": id_arg("task"), "media": id_arg("media"),
            "kind": request.args.get("kind") or None}


@bp.get("/access")
@staff
def access():
    """Supervisor: who viewed which item of her clients' projects, filtered and paged."""
    db = get_db()
    filters = _log_filters()
    page = paging.page_number(request.args.get("page"))
    rows, more = access_log.search(db, g.user, filters, page)
    project_rows = review.centre_projects(db, g.user)
    return render_template("clients/access.html", rows=rows, more=more, page=page,
                           filters=filters, clients=clients.list_clients(db, g.user),
                           projects=project_rows, kinds=access_log.KINDS)


@bp.get("/access.csv")
@staff
def access_csv():
    """Supervisor: the access log as CSV for the client, with the page's filters."""
    filters, viewer, path = _log_filters(), dict(g.user), current_app.config["VELAI_DB"]

    def pieces():
        # Its own connection: the request's is handed on when the view returns, and the
        # log is still being read then (as the project export does).
        db = coredb.connect(path)
        try:
            for piece in access_log.export_csv(db, viewer, filters):
                yield piece.encode("utf-8")
        finally:
            db.close()

    response = Response(pieces(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response

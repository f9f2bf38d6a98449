"""Supervisors: a project's task data. Import tasks from a file, mend the tasks annotators
reported, and export tasks with their answers."""
import re

from flask import Blueprint, Response, current_app, g, redirect, \
    render_template, request, stream_with_context, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from core import db as coredb
from core import access_log, clients, exporting, importing, paging, projects, scope, taskdata
from core.errors import Invalid, Refused

from .db import get_db
from .clients import client_filter
from .guards import staff
from .http import private_picture
from .messages import message, said
from .secret import export_secret

bp = Blueprint("taskdata", __name__, url_prefix="/supervisor")


def _exempt_upload_from_early_csrf(state):
    """The upload's CSRF token is checked in the view, after its own size limit is set:
    the app-wide check would read the form under the 1 MB limit of every other route."""
    state.app.extensions["csrf"].exempt(f"{__name__}.import_upload")


bp.record_once(_exempt_upload_from_early_csrf)


def _problems(report: dict) -> list[dict]:
    """Each problem of an import as {"line", "text"} in her language."""
    return [{"line": e["line"], "text": message(Refused(e["code"], **{
        k: v for k, v in e.items() if k not in ("line", "code")}))} for e in report["errors"]]


@bp.get("/data")
@staff
def index():
    """Supervisor: her centre's projects, each with import, reported tasks and export."""
    centre, client = scope.centre_of(g.user), client_filter()
    page = paging.page_number(request.args.get("page"))
    rows, more = projects.centre_overview(get_db(), centre, page=page, viewer=g.user,
                                          client=client)
    return render_template("taskdata/index.html", projects=rows, page=page, more=more,
                           client=client, clients=clients.list_clients(get_db(), g.user))


@bp.get("/projects/<id:project_id>/import")
@staff
def import_form(project_id):
    """Supervisor: the form to import tasks into one of her projects."""
    project = projects.get_project_or_404(get_db(), g.user, project_id)
    return _form(project)


def _form(project, status=200, problem=None, report=None, skip=False):
    return render_template("taskdata/import.html", project=project, problem=problem,
                           report=report, problems=_problems(report) if report else [],
                           skip=skip, limit_mb=importing.MAX_FILE_BYTES // 1024 // 1024), status


@bp.post("/projects/<id:project_id>/import")
@staff
def import_upload(project_id):
    """Supervisor: check the file she sent and import it whole, or list every problem."""
    project = projects.get_project_or_404(get_db(), g.user, project_id)
    request.max_content_length = importing.MAX_FILE_BYTES + 64 * 1024  # the form around it
    too_big = Refused("file_too_big", limit_mb=importing.MAX_FILE_BYTES // 1024 // 1024)
    if (request.content_length or 0) > request.max_content_length:
        return _form(project, 413, message(too_big))
    try:
        current_app.extensions["csrf"].protect()
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _form(project, 413, message(too_big))
    skip = request.form.get("duplicates") == "skip"
    if upload is None or not upload.filename:
        return _form(project, 400, message(Refused("no_file")), skip=skip)
    try:
        done = importing.import_tasks(get_db(), project, upload.read(), upload.filename,
                                      skip_duplicates=skip, actor_id=g.user["id"])
    except Invalid as refusal:
        if refusal.code != "import_refused":
            raise
        return _form(project, 400, report=refusal.detail["report"], skip=skip)
    return redirect(url_for(".import_done", project_id=project_id, audit_id=done["audit_id"]),
                    303)


@bp.get("/projects/<id:project_id>/import/<id:audit_id>")
@staff
def import_done(project_id, audit_id):
    """Supervisor: what an import of hers did: rows checked, tasks imported, skipped."""
    db = get_db()
    project = projects.get_project_or_404(db, g.user, project_id)
    return render_template("taskdata/imported.html", project=project,
                           report=importing.import_result(db, project, audit_id))


@bp.get("/projects/<id:project_id>/reported")
@staff
def reported(project_id):
    """Supervisor: tasks of one project that annotators reported broken or that are held."""
    db = get_db()
    project = projects.get_project_or_404(db, g.user, project_id)
    found = taskdata.reported_tasks(db, project_id, paging.page_number(request.args.get("page")),
                                   viewer=g.user)
    return render_template("taskdata/reported.html", project=project, **found)


def _back_to_list(task, page=None):
    return redirect(url_for(".reported", project_id=task["project_id"],
                            page=paging.page_number(request.form.get("page"))), 303)


@bp.post("/tasks/<id:task_id>/text")
@staff
def correct(task_id):
    """Supervisor: correct a reported task's text."""
    task = taskdata.correct_text(get_db(), g.user, task_id, request.form.get("text"))
    said("saved")
    return _back_to_list(task)


@bp.post("/tasks/<id:task_id>/release")
@staff
def release(task_id):
    """Supervisor: put a reported or held task back in the pool."""
    return _back_to_list(taskdata.release(get_db(), g.user, task_id))


@bp.get("/tasks/<id:task_id>/remove")
@staff
def remove_ask(task_id):
    """Supervisor: what removing a task for good does, before she does it."""
    db = get_db()
    found = taskdata.removal(db, g.user, task_id)
    project = projects.get_project_or_404(db, g.user, found["task"]["project_id"])
    page = paging.page_number(request.args.get("page"))
    return render_template("confirm.html", kind="remove", project=project, page=page,
                           back=url_for(".reported", project_id=project["id"], page=page),
                           **found)


@bp.post("/tasks/<id:task_id>/remove")
@staff
def remove(task_id):
    """Supervisor: take a task out for good (its answers stay); asked first (remove_ask)."""
    task = taskdata.remove(get_db(), g.user, task_id)
    said("task_removed", task=task_id)
    return _back_to_list(task)


@bp.get("/media/<id:media_id>")
@staff
def media(media_id):
    """Supervisor: the picture of one of her centre's tasks, to judge a report."""
    row = taskdata.media_for_supervisor(get_db(), g.user, media_id)
    return private_picture(row)


MIMETYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson", "zip": "application/zip"}


@bp.get("/projects/<id:project_id>/export.<any(csv, jsonl, zip):fmt>")
@staff
def export(project_id, fmt):
    """Supervisor: download a project's tasks and answers, streamed as it is read."""
    project = projects.get_project_or_404(get_db(), g.user, project_id)
    access_log.log_export(get_db(), g.user["id"], project["id"])
    secret, path = export_secret(), current_app.config["VELAI_DB"]

    def pieces():
        # Its own connection: the request's closes when the view returns, and the
        # file is still being read then.
        db = coredb.connect(path)
        try:
            if fmt == "zip":  # the files she made, with a manifest: bytes already
                yield from exporting.export_zip(db, project["id"], secret)
                return
            for piece in exporting.export(db, project["id"], fmt, secret):
                yield piece.encode("utf-8")
        finally:
            db.close()

    # text/csv, application/x-ndjson and application/zip are not in COMPRESS_MIMETYPES,
    # so Flask-Compress passes the stream through untouched (tests/test_taskdata_web.py
    # checks it).
    response = Response(stream_with_context(pieces()), mimetype=MIMETYPES[fmt])
    name = re.sub(r"[^A-Za-z0-9_-]", "_", project["slug"])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response

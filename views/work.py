"""Annotators: home, the task loop (one request per task), media and earnings."""
from flask import Blueprint, g, make_response, redirect, render_template, request, url_for

from core import earnings, projects, quality, review, tasks
from core.errors import Invalid, Refused

from .web import check_note, get_db, htmx, id_arg, message, page_or_fragment, refuse, \
    role_required

MAX_SYNC = 200  # items in one sync: a phone holds one batch or a few, never more

bp = Blueprint("work", __name__)
annotator = role_required("annotator")


def _card(project, assignment, error=None, status=200, missed=None, typed=""):
    """The task card (page or htmx fragment) for `assignment`, or "no more tasks";
    `missed`: her previous answer, when it failed a check task; `typed`: her refused
    text, given back to mend."""
    db = get_db()
    return page_or_fragment(
        "work/task.html", "work/_task_card.html", status,
        project=project, assignment=assignment, error=error, missed=missed, typed=typed,
        labels=projects.labels(db, project["id"]) if assignment else [],
        reasons=tasks.SKIP_REASONS, today=earnings.today(db, g.user["id"]))


def _after_write(assignment_id, write):
    """Run an answer or skip, then reply with the next card (htmx) or a 303."""
    db = get_db()
    assignment = tasks.get_assignment(db, assignment_id, g.user["id"])
    project = projects.project_for_worker(db, g.user, assignment["slug"])
    try:
        done = write(db)
    except Refused as refusal:
        if refusal.status == 400:  # a bad answer: the same card again, message beside it
            return _card(project, assignment, error=message(refusal), status=400,
                         typed=request.form.get("answer", ""))
        return refuse(refusal, next_url=url_for(".next_task", slug=project["slug"]))
    missed = done if tasks.missed_check(done) else None
    if not htmx:
        return redirect(url_for(".next_task", slug=project["slug"],
                                missed=missed["id"] if missed else None), 303)
    return _card(project, tasks.claim_next(db, g.user["id"], project), missed=missed)


@bp.get("/home")
@annotator
def home():
    """Annotator: her projects with tasks available, today's answers and earnings."""
    db = get_db()
    return render_template("work/home.html", projects=tasks.worker_projects(db, g.user),
                           today=earnings.today(db, g.user["id"]))


@bp.get("/tasks/<slug>/next")
@annotator
def next_task(slug):
    """Annotator: claim (or resume) her next task in a project and show it."""
    db = get_db()
    project = projects.project_for_worker(db, g.user, slug)
    missed = tasks.find_missed_check(db, id_arg("missed"), g.user["id"])  # from the 303
    return _card(project, tasks.claim_next(db, g.user["id"], project), missed=missed)


@bp.post("/answers/<id:assignment_id>")
@annotator
def answer(assignment_id):
    """Annotator: record her answer once; reply with the next task."""
    return _after_write(assignment_id, lambda db: tasks.record_answer(
        db, assignment_id, g.user["id"], request.form.get("answer"),
        seconds=request.form.get("seconds", type=int)))


@bp.post("/assignments/<id:assignment_id>/skip")
@annotator
def skip(assignment_id):
    """Annotator: skip a task with a reason, or report it broken; reply with the next."""
    return _after_write(assignment_id, lambda db: tasks.skip(
        db, assignment_id, g.user["id"], request.form.get("reason")))


@bp.get("/tasks/<slug>/batch")
@annotator
def batch(slug):
    """Annotator: a batch of tasks on one page, to answer with no signal."""
    db = get_db()
    project = projects.project_for_worker(db, g.user, slug)
    return render_template("work/batch.html", project=project,
                           assignments=tasks.claim_batch(db, g.user["id"], project),
                           labels=projects.labels(db, project["id"]),
                           today=earnings.today(db, g.user["id"]))


@bp.post("/answers/sync")
@annotator
def sync():
    """Annotator's phone: answers kept while offline, sent together; JSON both ways."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep
        body = None
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > MAX_SYNC:
        raise Invalid("bad_request")
    db = get_db()
    results = tasks.sync(db, g.user["id"], items)
    for result in results:
        code, status, missed = result.pop("code"), result.pop("status"), result.pop("missed")
        result["ok"] = code is None
        if code:
            result["message"] = message(Refused(code, limit=tasks.MAX_TEXT))
            result["retry"] = status == 400  # a bad answer: her card comes back to mend
        elif missed:
            result["message"] = check_note(missed)
    # Her count for today, as the page shows it, so a batch page stays true.
    return {"results": results, "today": render_template(
        "work/_today.html", today=earnings.today(db, g.user["id"]))}


@bp.get("/media/<id:media_id>")
@annotator
def media(media_id):
    """Annotator: a task's picture, only while she holds the task."""
    row = tasks.media_for_holder(get_db(), media_id, g.user["id"])
    response = make_response(row["data"])
    response.content_type = row["content_type"]
    # Private: the picture is hers alone. An id's bytes never change.
    response.cache_control.private = True
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.immutable = True
    response.set_etag(row["sha256"])
    return response.make_conditional(request)


@bp.get("/earnings")
@annotator
def earnings_page():
    """Annotator: what she earned per day and in total, by review state."""
    db = get_db()
    page = max(request.args.get("page", 1, type=int), 1)
    # Her rejections first: that accepts what waited past its review window (lazily).
    rejected = review.her_rejections(db, g.user["id"], request.args.get("rpage", 1, type=int))
    days, older = earnings.by_day(db, g.user["id"], page)
    return render_template("work/earnings.html", days=days, older=older, page=page,
                           rejected=rejected, quality=quality.her_quality(db, g.user["id"]),
                           totals=earnings.totals(db, g.user["id"]),
                           today=earnings.today(db, g.user["id"]))

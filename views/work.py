"""Annotators: home, the task loop (one request per task), media and earnings."""
import json
from functools import partial

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import content, disk, earnings, gold, lease, paging, payment_details, projects, \
    quality, quiz_attempts, receipts, review, tasks, tasktypes, uploads, watermark, welcome
from core.errors import Invalid, NotFound, Refused

from .db import get_db
from .formats import lang
from .gold import batch_check_note, pause_note
from .guards import annotator, same_site_only
from .http import id_arg, private_picture
from .messages import message
from .render import htmx, page_or_fragment, refuse
from .secret import export_secret

MAX_SYNC = 200  # items in one sync: a phone holds one batch or a few, never more

bp = Blueprint("work", __name__)


# What the next card says about the last one (?after= in the 303 without htmx).
AFTER = {"skipped": lambda: _("Skipped."), "reported": lambda: _("Reported. Thank you.")}


def _card(project, assignment, error=None, status=200, missed=None, typed="", notice=None,
          paused=None):
    """The task card (page or htmx fragment) for `assignment`, or "no more tasks";
    `missed`: her previous answer, when it failed a check task; `typed`: her refused
    text, given back to mend; `notice`: a word on what her last tap did; `paused`: why
    check tasks hold her back in this project (core.gold.held_back), instead of a task."""
    db = get_db()
    card = content.card(db, project, lang())  # cached per process: no query once warm
    return page_or_fragment(
        "work/task.html", "work/_task_card.html", status,
        project=project, assignment=assignment, error=error, missed=missed, typed=typed,
        notice=notice, paused=paused, card=card, labels=card["labels"] if assignment else [],
        reasons=tasks.SKIP_REASONS, today=earnings.today(db, g.user["id"]))


def _after_write(assignment_id, step):
    """Record an answer or skip (core.tasks answer_step or skip_step), then reply with
    the next card, claimed in the same transaction (htmx), or a 303 to it."""
    db, user_id = get_db(), g.user["id"]
    typed = request.form.get("answer", "")
    leases = _leases_allowed()
    try:
        if htmx and leases:
            done, project, paused, coming = tasks.then_next(db, assignment_id, user_id, step)
        else:
            project = projects.project_for_worker(
                db, g.user, tasks.get_assignment(db, assignment_id, user_id)["slug"])
            done = tasks.record(db, assignment_id, user_id, step)
    except Refused as refusal:
        # Read again for the card or page that says so; a task that is not hers or a
        # project closed to her raises its own refusal here, as a page.
        assignment = tasks.get_assignment(db, assignment_id, user_id)
        project = projects.project_for_worker(db, g.user, assignment["slug"])
        if refusal.status == 400:  # a bad answer: the same card again, message beside it
            return _card(project, assignment, error=message(refusal), status=400, typed=typed)
        again = lease.renew(db, assignment_id, user_id) if refusal.code == "expired" \
            else None
        if again:  # her time ran out but the task is still free: hers again, text kept
            return _card(project, again, typed=typed, notice=_(
                "Time for this task ran out, but it is still free for you. Check your answer"
                " and send it again."))
        return refuse(refusal, next_url=url_for(".next_task", slug=project["slug"]),
                      typed=typed if tasktypes.of(project).typed else "")
    missed = done if tasks.missed_check(done) else None
    after = done["state"] if done["state"] in AFTER else None
    if htmx and not leases:  # saved, but no next task while the disk is nearly full
        response = _disk_low(200)
    elif not htmx:
        return redirect(url_for(".next_task", slug=project["slug"],
                                missed=missed["id"] if missed else None, after=after), 303)
    else:
        response = _card(project, coming, missed=missed, paused=paused,
                         notice=AFTER[after]() if after else None)
    if done["state"] == "submitted":  # app.js keeps the answer with it (core.receipts)
        response.headers["HX-Trigger"] = json.dumps(
            {"velai:kept": {**receipts.receipt(_receipt_key(), done), **_watermark()}},
            separators=(",", ":"))
    return response


def _leases_allowed() -> bool:
    """Whether the disk has room to lease new tasks (core.disk: thresholds)."""
    return disk.space(current_app.config)["leases"]


def _disk_low(status: int):
    """The card that says no new task is leased while the disk is nearly full."""
    refusal = Refused("disk_low")
    refusal.status = status
    response = refuse(refusal)
    response.headers["Retry-After"] = "300"
    return response


def _receipt_key() -> bytes:
    return receipts.key_from(current_app.config["SECRET_KEY"])


def _watermark() -> dict:
    """What the phone may forget of its kept answers (core.receipts.watermark)."""
    return receipts.watermark(current_app.config.get("REPLICA_LAG_SECONDS",
                                                     receipts.REPLICA_LAG))


@bp.get("/home")
@annotator
def home():
    """Annotator: her projects with tasks available, today's answers and earnings."""
    db = get_db()
    training = quiz_attempts.training_projects(db, g.user)
    in_training = {project["id"] for project in training}  # a retake shows there, once
    return render_template("work/home.html", projects=tasks.worker_projects(db, g.user),
                           given=request.args.get("given", type=int),
                           today=earnings.today(db, g.user["id"]),
                           held=[project for project in gold.held_back(db, g.user["id"])
                                 if project["id"] not in in_training],
                           welcome=welcome.first_time(db, g.user),
                           notice=payment_details.notice(db, g.user["id"]),
                           training=training)


@bp.get("/help")
@annotator
def help_page():
    """Annotator: how the work goes (the first-day welcome, again)."""
    return render_template("work/help.html")


@bp.get("/tasks/<slug>/next")
@annotator
@same_site_only  # claims a task: never from another site's link
def next_task(slug):
    """Annotator: claim (or resume) her next task in a project and show it."""
    db = get_db()
    missed = tasks.find_missed_check(db, id_arg("missed"), g.user["id"])  # from the 303
    try:
        project = projects.project_for_worker(db, g.user, slug)
    except NotFound:  # paused by check tasks: say why, not "not open to you"
        paused = gold.held_back_by_slug(db, g.user, slug)
        if paused is None:
            raise
        return _card(paused, None, missed=missed, paused=paused)
    after = AFTER.get(request.args.get("after", ""))
    leases = _leases_allowed()
    assignment = tasks.claim_next(db, g.user["id"], project, new=leases)
    if assignment is None and not leases:  # her running task, yes; a new one, not now
        return _disk_low(503)
    return _card(project, assignment, missed=missed, notice=after() if after else None)


@bp.post("/answers/<id:assignment_id>")
@annotator
def answer(assignment_id):
    """Annotator: record her answer once; reply with the next task. A recording or a
    photo comes as the form's file (the page without JavaScript)."""
    step = _file_step(assignment_id)
    return _after_write(assignment_id, step or tasks.answer_step(
        request.form.get("answer"), request.form.get("seconds", type=int)))


def _file_step(assignment_id):
    """A capture task's answer step from the form's `file`, or None for other types.
    A refused file is a step that raises its refusal, so the card says why. A form with
    no file costs nothing more (the hot path); a capture type's clean() refuses it."""
    if "file" not in request.files:
        return None
    db = get_db()
    try:
        assignment = tasks.get_assignment(db, assignment_id, g.user["id"])
    except NotFound:
        return None  # _after_write says so
    task_type = tasktypes.TYPES[assignment["task_type"]]
    if not task_type.capture:
        return None
    g.count_request = True  # her upload counts on her data meter
    sent = request.files["file"]
    data = sent.read()
    try:
        if not data:
            raise Invalid("needs_recording")
        project = projects.project_for_worker(db, g.user, assignment["slug"])
        return tasks.capture_step(task_type.receive(db, project, data, sent.mimetype))
    except Invalid as refusal:
        return partial(_raise, refusal)


def _raise(refusal, *step_args):
    raise refusal


@bp.post("/answers/<id:assignment_id>/upload")
@annotator
def upload_start(assignment_id):
    """Annotator's phone: begin (or find again) the upload of her recording; JSON."""
    def start(db):
        state = uploads.start(db, assignment_id, g.user["id"],
                              request.form.get("size", type=int), request.form.get("type", ""))
        if state["done"]:  # stored already; the reply to its last piece was lost
            state["next"] = url_for(".next_task", slug=tasks.get_assignment(
                db, assignment_id, g.user["id"])["slug"])
        return state
    return _upload_reply(start)


@bp.get("/uploads/<key>")
@annotator
def upload_status(key):
    """Annotator's phone: how much of her upload the server has (after a dropped link)."""
    return _upload_reply(lambda db: uploads.status(db, key, g.user["id"]))


@bp.post("/uploads/<key>")
@annotator
def upload_piece(key):
    """Annotator's phone: one piece of her upload at ?offset=; the last one makes it her
    answer. JSON: where the server is, and when done the next task's address."""
    g.count_request = True

    def put(db):
        state = uploads.put(db, key, g.user["id"], request.args.get("offset", type=int),
                            request.get_data(cache=False))
        if state["offset"] == state["size"]:
            done = uploads.finish(db, key, g.user["id"])
            state.update(done=True, next=url_for(".next_task", slug=done["slug"]))
        return state
    return _upload_reply(put)


def _upload_reply(call):
    """The upload's state as JSON, or its refusal in her language (`retry`: the file
    itself was refused, she records again)."""
    try:
        return call(get_db())
    except Refused as refusal:
        return {"message": message(refusal), "code": refusal.code,
                "retry": refusal.status == 400}, refusal.status


@bp.post("/assignments/<id:assignment_id>/skip")
@annotator
def skip(assignment_id):
    """Annotator: skip a task with a reason, or report it broken; reply with the next."""
    return _after_write(assignment_id, tasks.skip_step(request.form.get("reason")))


@bp.get("/tasks/<slug>/batch")
@annotator
def batch(slug):
    """Annotator: the tasks she saved for no signal. Claims nothing, so a link from
    anywhere (even /login?next=) cannot tie up tasks in her name."""
    db = get_db()
    project = projects.project_for_worker(db, g.user, slug)
    return render_template("work/batch.html", project=project,
                           assignments=lease.held(db, g.user["id"], project),
                           labels=content.card(db, project, lang())["labels"],
                           today=earnings.today(db, g.user["id"]))


@bp.post("/tasks/<slug>/batch")
@annotator
def claim_batch(slug):
    """Annotator: save a batch of tasks for no signal (the project's size, share and
    lease): a form with its CSRF token, never a link; then the batch page."""
    db = get_db()
    tasks.claim_batch(db, g.user["id"], projects.project_for_worker(db, g.user, slug))
    return redirect(url_for(".batch", slug=slug), 303)


@bp.post("/tasks/<slug>/batch/give-back")
@annotator
def give_back(slug):
    """Annotator: give back the tasks of her batch she will not do, but those her phone
    still holds unsent answers for (`keep`); then her home says how many went back."""
    db = get_db()
    project = projects.project_for_worker(db, g.user, slug)
    given = lease.give_back(db, g.user["id"], project["id"], keep=request.form.get("keep", ""))
    return redirect(url_for(".home", given=given), 303)


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
    key = _receipt_key()
    results = tasks.sync(db, g.user["id"], items, redeem=partial(receipts.redeem, key=key))
    now = receipts.watermark(0)["s"]
    for result in results:
        code, status, missed = result.pop("code"), result.pop("status"), result.pop("missed")
        done = result.pop("done")
        result["ok"] = code is None
        if done and done["state"] == "submitted":  # kept on the phone, confirmed now
            result.update(k=receipts.receipt(key, done), seen=now)
        if code:
            result["message"] = message(Refused(code, limit=tasktypes.MAX_TEXT))
            result["retry"] = status == 400  # a bad answer: her card comes back to mend
        elif missed:
            result["message"] = batch_check_note(missed)
            for held in gold.held_back(db, g.user["id"], missed["project_id"]):
                result["message"] += " " + pause_note(held)
    # Her count for today, as the page shows it, so a batch page stays true.
    return {"results": results, **_watermark(), "today": render_template(
        "work/_today.html", today=earnings.today(db, g.user["id"]))}


@bp.get("/media/<id:media_id>")
@annotator
def media(media_id):
    """Annotator: a task's picture, only while she holds the task."""
    try:
        row = tasks.media_for_holder(get_db(), media_id, g.user["id"])
    except NotFound:  # the picture of a check task she missed, in the note that says so
        row = gold.missed_media(get_db(), media_id, g.user["id"])
    return private_picture(watermark.for_annotator(get_db(), row, g.user["id"],
                                                   export_secret()))


@bp.get("/earnings")
@annotator
def earnings_page():
    """Annotator: what she earned per day and in total, by review state."""
    db = get_db()
    page = paging.page_number(request.args.get("page"))
    # Her rejections first: that accepts what waited past its review window (lazily).
    rejected = review.her_rejections(db, g.user["id"],
                                     paging.page_number(request.args.get("rpage")))
    days, older = earnings.by_day(db, g.user["id"], page)
    return render_template("work/earnings.html", days=days, older=older, page=page,
                           rejected=rejected, quality=quality.her_quality(db, g.user["id"]),
                           totals=earnings.totals(db, g.user["id"]),
                           pay=earnings.payouts_part(db, g.user["id"],
                                                     paging.page_number(request.args.get("pp"))),
                           today=earnings.today(db, g.user["id"]))

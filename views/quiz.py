"""Trainees: a project's quiz. Practice (unscored, explained), then the exam, one
question per request (htmx swaps the next; without JavaScript each answer is a 303)."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from core import projects, quiz_attempts, tasktypes
from core.errors import Invalid

from .db import get_db
from .guards import annotator
from .http import private_picture
from .messages import message
from .render import htmx, page_or_fragment

bp = Blueprint("quiz", __name__, url_prefix="/quiz")


def _project(slug):
    return quiz_attempts.get_training_project(get_db(), g.user, slug)


@bp.get("/<slug>")
@annotator
def overview(slug):
    """Trainee: what the quiz asks, where she stands, and what to do next."""
    db = get_db()
    project = _project(slug)
    return render_template("quiz/overview.html", project=project,
                           state=quiz_attempts.trainee_state(db, g.user, project),
                           practice=quiz_attempts.practice_count(project))


def _practice(project, number, question, given=None, right=None, error=None, status=200):
    return page_or_fragment("quiz/practice.html", "quiz/_practice.html", status,
                            project=project, number=number, question=question, given=given,
                            right=right, error=error, total=quiz_attempts.practice_count(project),
                            labels=_labels(project))


def _labels(project):
    return projects.labels(get_db(), project["id"]) \
        if tasktypes.of(project).needs_labels else []


@bp.route("/<slug>/practice/<int:number>", methods=["GET", "POST"])
@annotator
def practice(slug, number):
    """Trainee: practice question `number`; her answer brings the explanation (nothing
    is written: practice is not scored and may be repeated)."""
    db = get_db()
    project = _project(slug)
    question = quiz_attempts.practice_question(db, project, number)
    if question is None:
        return redirect(url_for(".overview", slug=slug))
    if request.method == "GET":
        return _practice(project, number, question)
    try:
        given = quiz_attempts.clean_quiz_answer(db, project, request.form.get("answer"))
    except Invalid as refusal:
        return _practice(project, number, question, error=message(refusal), status=400)
    return _practice(project, number, question, given=given,
                     right=quiz_attempts.is_right(project, question, given))


@bp.post("/<slug>/start")
@annotator
def start(slug):
    """Trainee: start the exam (or go back to the attempt she has open)."""
    try:
        quiz_attempts.start_attempt(get_db(), g.user, _project(slug))
    except Invalid:  # waiting, out of attempts, passed: the overview says which
        return redirect(url_for(".overview", slug=slug), 303)
    return redirect(url_for(".exam", slug=slug), 303)


def _exam_or_result(project, now_state, error=None, status=200, typed=""):
    """Her current question (page or fragment), or where the finished attempt leads."""
    attempt, question = now_state["attempt"], now_state["question"]
    if question is None:
        if attempt is None:
            return redirect(url_for(".overview", slug=project["slug"]), 303)
        if not htmx:
            return redirect(url_for(".result", slug=project["slug"],
                                    attempt_id=attempt["id"]), 303)
        return _result(project, attempt["id"])
    return page_or_fragment("quiz/exam.html", "quiz/_question.html", status, project=project,
                            attempt=attempt, question=question, error=error, typed=typed,
                            labels=_labels(project))


@bp.get("/<slug>/exam")
@annotator
def exam(slug):
    """Trainee: the question her open attempt is at (a reload resumes here)."""
    project = _project(slug)
    return _exam_or_result(project, quiz_attempts.current(get_db(), g.user, project))


@bp.post("/<slug>/exam/<id:attempt_id>/<int:position>")
@annotator
def answer(slug, attempt_id, position):
    """Trainee: her answer to one exam question, counted once; the next question back."""
    db = get_db()
    project = _project(slug)
    try:
        state = quiz_attempts.answer(db, g.user, project, attempt_id, position,
                               request.form.get("answer"))
    except Invalid as refusal:
        return _exam_or_result(project, quiz_attempts.current(db, g.user, project),
                               error=message(refusal), status=400,
                               typed=request.form.get("answer", ""))
    if not htmx and state["question"] is not None:
        return redirect(url_for(".exam", slug=slug), 303)
    return _exam_or_result(project, state)


def _result(project, attempt_id):
    return page_or_fragment("quiz/result.html", "quiz/_result.html", project=project,
                            labels=_labels(project),
                            **quiz_attempts.result(get_db(), g.user, project, attempt_id))


@bp.get("/<slug>/result/<id:attempt_id>")
@annotator
def result(slug, attempt_id):
    """Trainee: her score, each wrong answer explained, and when she may retake."""
    return _result(_project(slug), attempt_id)


@bp.get("/media/<id:media_id>")
@annotator
def media(media_id):
    """Trainee: a question's picture, only for whom it was drawn (or in practice)."""
    row = quiz_attempts.media_for_trainee(get_db(), media_id, g.user)
    return private_picture(row)

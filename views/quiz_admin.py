"""Supervisors: each project's quiz. Settings, the question bank (form and file import),
trainees' attempts and scores, and resets. Another centre's project is a 404."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from core import languages, paging, projects, quiz_attempts, quiz_bank, scope
from core.errors import Invalid
from core.media import prepare_image

from .db import get_db
from .guards import staff
from .http import private_picture

bp = Blueprint("quiz_admin", __name__, url_prefix="/supervisor/quiz")

# What is wrong with a field or a line, in the supervisor's language.
PROBLEMS = {
    "required": _l("Please fill this in."),
    "too_long": _l("This is too long."),
    "answer_required": _l("Give the right answer."),
    "answer_not_a_label": _l("The right answer must be one of this project's answers."),
    "too_many_answers": _l("At most 10 accepted answers, each under 200 characters."),
    "out_of_range": _l("Please give a whole number in the range shown."),
    "empty_bank": _l("Add questions before you turn the quiz on."),
    "bad_image": _l("This file is not a picture."),
    "image_too_large": _l("This picture is too large. Send a smaller one, such as a phone"
                          " photo."),
    "not_utf8": _l("The file must be saved as UTF-8 text."),
    "bad_json": _l("This line is not a JSON object."),
    "bad_csv": _l("This line cannot be read: a cell is too long or a quote mark is"
                  " missing."),
    "bad_file_type": _l("Choose a .csv or .jsonl file."),
    "missing_columns": _l("Columns missing: answer, and the question in the project's first"
                          " language (e.g. prompt_en), are needed."),
    "empty_file": _l("The file has no questions."),
    "too_many_rows": _l("At most 1,000 questions in one file."),
}
class _Fields(dict):
    """The question form's field names; prompt_<code> and explanation_<code> for any
    language of core.languages, named in its own script."""

    def __missing__(self, key: str) -> str:
        kind, _sep, code = key.rpartition("_")
        if kind == "prompt":
            return _("Question (%(language)s)", language=languages.name(code))
        if kind == "explanation":
            return _("Explanation (%(language)s)", language=languages.name(code))
        return key


FIELDS = _Fields(answers=_l("Right answer"), image=_l("Picture"))


def _project(project_id):
    return projects.get_project_or_404(get_db(), g.user, project_id)


def _render(template, status=200, **context):
    return render_template(template, problems=PROBLEMS, fields=FIELDS, **context), status


@bp.get("/")
@staff
def index():
    """Supervisor: her centre's projects and their quizzes (admin: every centre)."""
    centre = scope.centre_of(g.user)
    return _render("quiz_admin/index.html", projects=quiz_bank.overview(get_db(), centre, g.user))


@bp.route("/<id:project_id>", methods=["GET", "POST"])
@staff
def project(project_id):
    """Supervisor: a project's quiz settings and a page of its question bank."""
    db = get_db()
    project_ = _project(project_id)
    errors, status, form = {}, 200, request.form
    if request.method == "POST":
        try:
            quiz_bank.save_settings(db, project_, request.form, g.user["id"])
            return redirect(url_for(".project", project_id=project_id, saved=1), 303)
        except Invalid as refusal:
            errors, status = refusal.detail["errors"], 400
    page = paging.page_number(request.args.get("page"))
    questions, more = quiz_bank.list_questions(db, project_id, page)
    return _render("quiz_admin/project.html", status, project=project_, errors=errors,
                   quiz=quiz_bank.get_quiz(db, project_id), form=form if errors else None,
                   questions=questions, more=more, page=page, settings=quiz_bank.SETTINGS,
                   labels=projects.labels(db, project_id), saved=request.args.get("saved"),
                   allowed=quiz_bank.allowed_answers(db, project_))


def _question_data(form):
    codes = languages.CODES
    return {"prompt": {lang: form.get(f"prompt_{lang}", "") for lang in codes},
            "explanation": {lang: form.get(f"explanation_{lang}", "") for lang in codes},
            "answers": [line for line in form.get("answers", "").splitlines()]}


@bp.route("/<id:project_id>/questions/new", methods=["GET", "POST"], defaults={"question_id": None})
@bp.route("/<id:project_id>/questions/<id:question_id>", methods=["GET", "POST"])
@staff
def question(project_id, question_id):
    """Supervisor: write a question, or change one, in three languages, with a picture."""
    db = get_db()
    project_ = _project(project_id)
    existing = quiz_bank.get_question_or_404(db, project_id, question_id) if question_id else None
    errors, status = {}, 200
    if request.method == "POST":
        upload = request.files.get("image")
        try:
            image = prepare_image(upload.read()) if upload and upload.filename else None
            quiz_bank.save_question(db, project_, _question_data(request.form), image=image,
                                  question_id=question_id, actor_id=g.user["id"],
                                  drop_image=bool(request.form.get("drop_image")))
            return redirect(url_for(".project", project_id=project_id, saved=1), 303)
        except Invalid as refusal:
            errors = refusal.detail.get("errors") or {"image": refusal.code}
            status = 400
    return _render("quiz_admin/question.html", status, project=project_, question=existing,
                   errors=errors, form=request.form if request.method == "POST" else None,
                   labels=projects.labels(db, project_id),
                   allowed=quiz_bank.allowed_answers(db, project_))


@bp.post("/<id:project_id>/import")
@staff
def import_bank(project_id):
    """Supervisor: add a question bank from a CSV or JSONL file: all of it, or none,
    with every error listed by line."""
    db = get_db()
    project_ = _project(project_id)
    upload = request.files.get("file")
    try:
        count = quiz_bank.import_bank(db, project_, upload.filename if upload else "",
                                    upload.read() if upload else b"", g.user["id"])
    except Invalid as refusal:
        return _render("quiz_admin/import_errors.html", 400, project=project_,
                       errors=refusal.detail["errors"][:200],
                       hidden=max(len(refusal.detail["errors"]) - 200, 0))
    return redirect(url_for(".project", project_id=project_id, imported=count), 303)


@bp.get("/<id:project_id>/trainees")
@staff
def trainees(project_id):
    """Supervisor: the project's trainees, their attempts and scores."""
    project_ = _project(project_id)
    page = paging.page_number(request.args.get("page"))
    people, more = quiz_attempts.trainees(get_db(), project_, page)
    return _render("quiz_admin/trainees.html", project=project_, people=people, more=more,
                   page=page, quiz=quiz_bank.get_quiz(get_db(), project_id),
                   reset=request.args.get("reset"))


@bp.post("/<id:project_id>/trainees/<id:user_id>/reset")
@staff
def reset(project_id, user_id):
    """Supervisor: let a trainee take the quiz again now (audited)."""
    quiz_attempts.reset_attempts(get_db(), _project(project_id), user_id, g.user["id"])
    return redirect(url_for(".trainees", project_id=project_id, reset=user_id), 303)


@bp.get("/media/<id:media_id>")
@staff
def media(media_id):
    """Supervisor: a question's picture, for her centre's projects."""
    row = quiz_bank.media_for_supervisor(get_db(), media_id, g.user)
    return private_picture(row)

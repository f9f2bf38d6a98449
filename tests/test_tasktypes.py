"""The task-type registry: every registered type walks through import, claim, answer,
quiz question, review and export; one rule says when two answers are the same; no
screen or rule outside the registry names a type."""
import io
import json
import pathlib
import re
import zipfile

import pytest
from flask import render_template

from core import clips, importing, projects, quiz_attempts, quiz_bank, tasks, tasktypes
from core.db import one
from tests.conftest import Visitor
from tests.quiz_helpers import EXPLAIN, add_quiz

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _an_answer(db, task_type, project) -> str:
    """An answer this type accepts: its first choice, or words (a type without choices
    takes what she types)."""
    allowed = task_type.choices(db, project)
    return allowed[0] if allowed else "வணக்கம்"


def _import(db, project, csv_text: str, name: str) -> None:
    """Import the rows; for a type whose tasks are heard, each with a clip, in a zip."""
    if "audio" not in tasktypes.of(project).media:
        importing.import_tasks(db, project, csv_text.encode(), name)
        return
    header, *rows = csv_text.splitlines()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "\n".join([header + ",file", *(r + ",a.wav" for r in rows)]))
        archive.writestr("a.wav", clips.tone(1))
    importing.import_tasks(db, project, out.getvalue(), name + ".zip")


# A type whose answer is a file made on the phone (capture) walks through its own test.
@pytest.mark.parametrize("name", [n for n in tasktypes.NAMES if not tasktypes.TYPES[n].capture])
def test_every_task_type_walks_through_import_claim_answer_quiz_review_and_export(
        app, db, make_user, make_project, name):
    task_type = tasktypes.TYPES[name]
    project = make_project(task_type=name, tasks=0, redundancy=2)
    given = _an_answer(db, task_type, project)
    _import(db, project, "id,text,gold\nc-1,Sentence one,\n", "t.csv")
    _import(db, project, f"id,text,gold\nc-2,Check one,{given}\n", "g.csv")
    assert one(db, "SELECT gold_answer FROM tasks WHERE client_id = 'c-2'")["gold_answer"] \
        == given

    worker = Visitor(app.test_client())
    worker.login(make_user())
    page = worker.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    for _ in range(2):  # the ordinary task and the check task, in either order
        form = page[page.index('class="answers"'):]
        form = form[:form.index("</form>")]
        assert 'name="answer"' in form and " required" not in form
        assignment_id = int(re.search(r'action="/answers/(\d+)"', page).group(1))
        page = worker.post(f"/answers/{assignment_id}", {"answer": given},
                           htmx=True).get_data(as_text=True)
    answered = list(db.query("SELECT answer, review_state, gold_answer FROM assignments a"
                             " JOIN tasks t ON t.id = a.task_id WHERE a.state = 'submitted'"))
    assert [row["answer"] for row in answered] == [given, given]
    assert {row["review_state"] for row in answered if row["gold_answer"]} == {"accepted"}

    quiz_bank.save_question(db, project, {"prompt": {"en": "Which?"}, "explanation": EXPLAIN,
                                        "answers": [given]}, actor_id=None)
    quiz_bank.save_settings(db, project, {"questions_per_attempt": "1", "pass_percent": "100",
                                        "cooldown_hours": "24", "max_attempts": "2",
                                        "attempt_minutes": "60", "active": "1"}, None)
    trainee = Visitor(app.test_client())
    trainee.login(make_user())
    trainee.post(f"/quiz/{project['slug']}/start")
    exam = trainee.get(f"/quiz/{project['slug']}/exam").get_data(as_text=True)
    form = exam[exam.index('class="answers"'):]
    assert 'name="answer"' in form and " required" not in form[:form.index("</form>")]
    url = re.search(r'action="(/quiz/[^"]+/exam/[^"]+)"', exam).group(1)
    trainee.post(url, {"answer": given})
    assert one(db, "SELECT correct FROM quiz_attempt_questions")["correct"] == 1

    supervisor = Visitor(app.test_client())
    supervisor.login(make_user(role="supervisor"))
    queue = supervisor.get(f"/supervisor/review?project={project['id']}&reason=any")
    pending = one(db, "SELECT id FROM assignments WHERE review_state = 'pending'")
    with app.test_request_context():
        shown = render_template(f"tasktypes/{name}/_answer.html", value=given,
                                labels=projects.labels(db, project["id"]))
    assert shown.strip()
    html = queue.get_data(as_text=True)
    assert f'id="r{pending["id"]}"' in html and f"Answer: {shown}" in html

    export = supervisor.get(f"/supervisor/projects/{project['id']}/export.jsonl")
    lines = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    assert [[a["answer"] for a in line["answers"]] for line in lines] == \
        [[task_type.export(given)]] * 2
    assert lines[1]["gold"] == task_type.export(given)


@pytest.mark.parametrize("name", tasktypes.NAMES)
def test_every_task_type_has_its_partials(name):
    folder = ROOT / "templates" / "tasktypes" / name
    assert {p.name for p in folder.iterdir()} >= {"_controls.html", "_answer.html",
                                                  "_name.html"}


# Typed on a phone, as a check task accepts it: a keyboard's trailing zero-width space,
# Tamil in guillemets, a word joiner, punctuation the quiz's own list did not know.
TYPED = [("வணக்கம்\u200b", "வணக்கம்"), ("«வணக்கம்»", "வணக்கம்"),
         ("  VANAKKAM\u2060 ", "Vanakkam"), ("Vanakkam¡", "Vanakkam")]


@pytest.mark.parametrize("typed, gold", TYPED)
def test_a_quiz_marks_right_every_answer_the_same_task_accepts(db, make_user,
                                                               make_project, typed, gold):
    project = make_project(task_type="free_text", tasks=1, gold=gold)
    worker = make_user()
    held = tasks.claim_next(db, worker["id"], project)
    assert tasks.record_answer(db, held["id"], worker["id"], typed)["review_state"] \
        == "accepted"
    project = add_quiz(db, project, questions=1)  # accepts "Vanakkam" and "வணக்கம்"
    trainee = make_user()
    attempt = quiz_attempts.start_attempt(db, trainee, project)
    quiz_attempts.answer(db, trainee, project, attempt["id"], 1, typed)
    assert one(db, "SELECT correct FROM quiz_attempt_questions")["correct"] == 1


def test_a_quiz_refuses_empty_words_as_the_task_does(db, make_user, make_project):
    project = add_quiz(db, make_project(task_type="free_text"), questions=1)
    trainee = make_user()
    attempt = quiz_attempts.start_attempt(db, trainee, project)
    with pytest.raises(Exception) as refused:
        quiz_attempts.answer(db, trainee, project, attempt["id"], 1, " \u200b ")
    assert refused.value.code == "empty_text"


@pytest.mark.parametrize("a, b", [("Yes.", " yes"), ("हाँ।", "हाँ"), ("caf\u0065\u0301", "café")])
def test_every_type_compares_answers_by_the_one_rule(a, b):
    for task_type in (t for t in tasktypes.TYPES.values() if not t.capture):
        assert task_type.same(a, b) and tasktypes.same(a, b)
        assert task_type.judge(a, b) == "accepted" and task_type.judge(a, "no") == "rejected"


def test_no_screen_or_rule_outside_the_registry_names_a_task_type():
    """A new type is its module and partials: nothing else branches on a type's name.
    (core/db.py's CHECK constraint and the demo's data name them, as data.)"""
    # A name as a string, as a branch on it would be written ("photo" is also a word).
    names = re.compile("[\"']({})[\"']".format("|".join(tasktypes.NAMES)))
    found = []
    for path in [*ROOT.glob("views/*.py"), *ROOT.glob("core/*.py"),
                 *ROOT.glob("templates/**/*.html")]:
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("templates/tasktypes/") or relative in (
                "core/db.py", "core/demo.py", "core/demo_media.py"):
            continue
        found += [f"{relative}: {line.strip()}" for line in path.read_text().splitlines()
                  if names.search(line)]
    assert found == []

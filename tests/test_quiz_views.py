"""The quiz through the test client: gating of paid work, practice, the exam with and
without htmx, results, and the supervisor's screens."""
import io
import json
import re

import pytest

from core import quiz_attempts, quiz_bank, tasks
from core.db import one
from tests.quiz_helpers import add_quiz


def _count(db, table, where="1"):
    return one(db, f"SELECT count(*) AS n FROM {table} WHERE {where}")["n"]


@pytest.fixture
def trainee_with_lease(db, make_user, make_project):
    """A trainee holding a lease from before the quiz was turned on."""
    worker, project = make_user(), make_project(tasks=3)
    assignment = tasks.claim_next(db, worker["id"], project)
    project = add_quiz(db, project)
    return worker, project, assignment


@pytest.mark.parametrize("route", ["next", "batch", "answer", "skip", "sync"])
@pytest.mark.parametrize("hx", [False, True])
def test_a_trainee_is_refused_every_paid_work_route_and_nothing_is_written(
        visitor, db, trainee_with_lease, route, hx):
    worker, project, assignment = trainee_with_lease
    visitor.login(worker)
    before = list(db.query("SELECT * FROM assignments ORDER BY id"))
    slug, aid = project["slug"], assignment["id"]
    if route == "sync":
        visitor.get("/home")  # a page carries her token
        response = visitor.client.post("/answers/sync", json={"items": [{"id": aid,
                                       "answer": "pos"}]}, headers={"X-CSRFToken": visitor.token})
        assert response.json["results"][0]["ok"] is False
        assert "quiz" in response.json["results"][0]["message"]
    else:
        if route in ("next", "batch"):
            response = visitor.get(f"/tasks/{slug}/{route}", htmx=hx)
        elif route == "answer":
            response = visitor.post(f"/answers/{aid}", {"answer": "pos"}, htmx=hx)
        else:
            response = visitor.post(f"/assignments/{aid}/skip", {"reason": "unsure"}, htmx=hx)
        body = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "paid tasks open when you pass its quiz" in body
        assert f'href="/quiz/{slug}"' in body
        assert ("<html" in body) is not hx
    assert list(db.query("SELECT * FROM assignments ORDER BY id")) == before
    assert _count(db, "tasks", "answers_count > 0 OR reports_count > 0") == 0


def test_the_refusal_is_in_her_language(visitor, db, make_user, make_project):
    worker = make_user(lang="hi")
    project = add_quiz(db, make_project())
    visitor.login(worker)
    body = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert "पास" in body and "This project" not in body


def test_home_shows_training_apart_from_paid_work_with_the_next_step(
        visitor, db, make_user, make_project):
    worker = make_user()
    paid = make_project(slug="paid")
    training = add_quiz(db, make_project(slug="training"))
    visitor.login(worker)
    home = visitor.get("/home").get_data(as_text=True)
    assert home.index("Training") < home.index("Your projects")
    assert "Take the quiz" in home and "/quiz/training/practice/1" in home
    assert "/tasks/paid/next" in home and "/tasks/training/next" not in home
    assert training["slug"] != paid["slug"]


def test_practice_shows_the_explanation_and_writes_nothing(visitor, db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project())
    visitor.login(worker)
    page = visitor.get(f"/quiz/{project['slug']}/practice/1").get_data(as_text=True)
    assert "Question 1 of 3" in page and "Not scored" in page
    for hx in (True, False):
        reply = visitor.post(f"/quiz/{project['slug']}/practice/1", {"answer": "neg"}, htmx=hx)
        body = reply.get_data(as_text=True)
        assert "Not quite. The right answer: Happy" in body and "Because it says so." in body
        assert ("<html" in body) is not hx
    assert _count(db, "quiz_attempts") == 0


def _exam(visitor, slug, answers, hx):
    """Start the exam and answer in turn; the last response."""
    response = visitor.post(f"/quiz/{slug}/start")
    assert response.status_code == 303 and response.headers["Location"] == f"/quiz/{slug}/exam"
    page = visitor.get(f"/quiz/{slug}/exam").get_data(as_text=True)
    for answer in answers:
        action = re.search(r'action="(/quiz/[^"]+/exam/\d+/\d+)"', page).group(1)
        response = visitor.post(action, {"answer": answer}, htmx=hx)
        if hx:
            page = response.get_data(as_text=True)
            assert response.status_code == 200 and "<html" not in page
        else:
            assert response.status_code == 303
            page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    return page


@pytest.mark.parametrize("hx", [True, False])
def test_exam_one_question_per_request_then_a_failed_result_says_when_to_retry(
        visitor, db, make_user, make_project, hx):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4)
    visitor.login(worker)
    slug = project["slug"]
    visitor.post(f"/quiz/{slug}/start")
    assert "Question 1 of 4" in visitor.get(f"/quiz/{slug}/exam").get_data(as_text=True)
    page = _exam(visitor, slug, ["pos", "neg", "neg", "neg"], hx)  # resumes her attempt
    assert "1 of 4 right (25 in 100)" in page and "Not passed this time" in page
    assert page.count("Right answer: Happy") == 3 and "Because it says so." in page
    assert "You may take the quiz again on" in page
    assert "You have 1 try left." in page  # two tries in all (quiz_helpers), one used
    assert one(db, "SELECT passed FROM quiz_attempts")["passed"] == 0
    assert _count(db, "qualifications") == 0


def test_passing_opens_the_paid_tasks_at_once(visitor, db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4)
    visitor.login(worker)
    page = _exam(visitor, project["slug"], ["pos"] * 4, hx=True)
    assert "You passed!" in page and f"/tasks/{project['slug']}/next" in page
    card = visitor.get(f"/tasks/{project['slug']}/next")
    assert card.status_code == 200 and "Sentence 0" in card.get_data(as_text=True)
    assert one(db, "SELECT status FROM qualifications")["status"] == "qualified"


def test_a_double_posted_exam_answer_counts_once(visitor, db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4)
    visitor.login(worker)
    visitor.post(f"/quiz/{project['slug']}/start")
    page = visitor.get(f"/quiz/{project['slug']}/exam").get_data(as_text=True)
    action = re.search(r'action="(/quiz/[^"]+/exam/\d+/1)"', page).group(1)
    visitor.post(action, {"answer": "pos"}, htmx=True)
    again = visitor.post(action, {"answer": "neg"}, htmx=True).get_data(as_text=True)
    assert "2 of 4" in again
    assert _count(db, "quiz_attempt_questions", "answer IS NOT NULL") == 1


def test_a_result_is_only_for_its_owner(visitor, db, make_user, make_project):
    owner, other = make_user(), make_user()
    project = add_quiz(db, make_project(), questions=4)
    visitor.login(owner)
    _exam(visitor, project["slug"], ["neg"] * 4, hx=False)
    attempt_id = one(db, "SELECT id FROM quiz_attempts")["id"]
    visitor.post("/logout")
    visitor.login(other)
    assert visitor.get(f"/quiz/{project['slug']}/result/{attempt_id}").status_code == 404


def test_quiz_pictures_go_only_to_the_trainee_who_drew_them(visitor, db, make_user, make_project):
    from core.demo import leaf_picture
    from core.media import prepare_image
    import random
    project = make_project()
    boss = make_user(role="supervisor")
    for n in range(5):
        quiz_bank.save_question(db, project, {"prompt": {"en": f"Q{n}"}, "answers": "pos",
                              "explanation": {"en": "e", "ta": "த", "hi": "ह"}},
                              image=prepare_image(leaf_picture("healthy", random.Random(n))),
                              actor_id=boss["id"])
    project = add_quiz(db, project, questions=0, questions_per_attempt=1)
    last_media = one(db, "SELECT media_id FROM quiz_questions ORDER BY id DESC")["media_id"]
    drawer, outsider = make_user(), make_user(centre="STP")
    visitor.login(outsider)
    assert visitor.get(f"/quiz/media/{last_media}").status_code == 404
    visitor.post("/logout")
    visitor.login(drawer)
    assert visitor.get(f"/quiz/media/{last_media}").status_code == 404  # not practice, not drawn
    visitor.post(f"/quiz/{project['slug']}/start")
    drawn = one(db, "SELECT q.media_id FROM quiz_attempt_questions aq JOIN quiz_questions q"
                    " ON q.id = aq.question_id")["media_id"]
    assert visitor.get(f"/quiz/media/{drawn}").status_code == 200


# -- supervisors -----------------------------------------------------------------------

def _question_form(**extra):
    return {"prompt_en": "Is this happy?", "prompt_ta": "இது மகிழ்ச்சியா?",
            "prompt_hi": "क्या यह खुश है?", "answers": "pos", "explanation_en": "It smiles.",
            "explanation_ta": "சிரிக்கிறது.", "explanation_hi": "मुस्कुरा रहा है।", **extra}


def test_a_supervisor_writes_a_question_and_turns_the_quiz_on(visitor, db, make_user,
                                                              make_project):
    boss, project = make_user(role="supervisor"), make_project()
    visitor.login(boss)
    assert "/supervisor/quiz/" in visitor.get("/supervisor/").get_data(as_text=True)
    base = f"/supervisor/quiz/{project['id']}"
    refused = visitor.post(f"{base}/questions/new", _question_form(explanation_hi=""))
    assert refused.status_code == 400 and "Please fill this in." in refused.get_data(as_text=True)
    assert _count(db, "quiz_questions") == 0
    assert visitor.post(f"{base}/questions/new", _question_form()).status_code == 303
    settings = {"questions_per_attempt": "5", "pass_percent": "80", "cooldown_hours": "12",
                "max_attempts": "3", "attempt_minutes": "30", "active": "1"}
    bad = visitor.post(base, {**settings, "pass_percent": "180"})
    assert bad.status_code == 400 and "whole number" in bad.get_data(as_text=True)
    assert visitor.post(base, settings).status_code == 303
    quiz = one(db, "SELECT * FROM quizzes")
    assert (quiz["active"], quiz["cooldown_hours"], quiz["pass_percent"]) == (1, 12, 80)
    page = visitor.get(base).get_data(as_text=True)
    assert "Is this happy?" in page and "Question bank: 1 question" in page


def test_an_import_with_errors_lists_each_by_line_and_adds_nothing(visitor, db, make_user,
                                                                   make_project):
    boss, project = make_user(role="supervisor", lang="ta"), make_project()
    visitor.login(boss)
    bad = ("prompt_en,answer,explanation_en,explanation_ta,explanation_hi\n"
           "A?,pos,a,அ,अ\nB?,maybe,b,ஆ,आ\n,neg,c,இ,इ\n").encode()
    response = visitor.post(f"/supervisor/quiz/{project['id']}/import",
                            {"file": (io.BytesIO(bad), "bank.csv")},
                            content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"<td>3</td>", body) and re.search(r"<td>4</td>", body)
    assert "<td>2</td>" not in body and '<html lang="ta">' in body
    assert _count(db, "quiz_questions") == 0
    good = "\n".join(json.dumps({"prompt": {"en": f"Q{n}?"}, "answer": "neg", "explanation":
                                 {"en": "e", "ta": "த", "hi": "ह"}}) for n in range(3))
    response = visitor.post(f"/supervisor/quiz/{project['id']}/import",
                            {"file": (io.BytesIO(good.encode()), "bank.jsonl")},
                            content_type="multipart/form-data")
    assert response.status_code == 303 and _count(db, "quiz_questions") == 3


def test_a_supervisor_sees_scores_and_resets_a_trainee(visitor, db, make_user, make_project):
    boss, worker = make_user(role="supervisor"), make_user()
    project = add_quiz(db, make_project(), questions=4, max_attempts=1)
    attempt = quiz_attempts.start_attempt(db, worker, project)
    for position in range(1, 5):
        quiz_attempts.answer(db, worker, project, attempt["id"], position, "neg")
    visitor.login(boss)
    page = visitor.get(f"/supervisor/quiz/{project['id']}/trainees").get_data(as_text=True)
    assert worker["name"] in page and "0 in 100" in page and "Tries used: 1 of 1" in page
    response = visitor.post(f"/supervisor/quiz/{project['id']}/trainees/{worker['id']}/reset")
    assert response.status_code == 303
    assert one(db, "SELECT counted FROM quiz_attempts")["counted"] == 0
    assert _count(db, "audit_log", "action = 'quiz.reset'") == 1
    assert quiz_attempts.trainee_state(db, worker, project)["step"] == "start"


@pytest.mark.parametrize("path,method", [
    ("", "get"), ("", "post"), ("/questions/new", "get"), ("/questions/new", "post"),
    ("/questions/1", "get"), ("/import", "post"), ("/trainees", "get"),
    ("/trainees/{worker}/reset", "post")])
def test_another_centres_supervisor_gets_404_and_changes_nothing(
        visitor, db, make_user, make_project, path, method):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4, max_attempts=1)
    attempt = quiz_attempts.start_attempt(db, worker, project)
    for position in range(1, 5):
        quiz_attempts.answer(db, worker, project, attempt["id"], position, "neg")
    visitor.login(make_user(role="supervisor", centre="STP"))
    before = [list(db.query(f"SELECT * FROM {t}")) for t in
              ("quizzes", "quiz_questions", "quiz_attempts")]
    url = f"/supervisor/quiz/{project['id']}{path.format(worker=worker['id'])}"
    response = getattr(visitor, method)(url, **({"data": _question_form()}
                                               if method == "post" else {}))
    assert response.status_code == 404
    assert [list(db.query(f"SELECT * FROM {t}")) for t in
            ("quizzes", "quiz_questions", "quiz_attempts")] == before


# -- languages -------------------------------------------------------------------------

TECHNICAL = re.compile(r"prompt_\w+|explanation_\w+|answer|\.csv|\.jsonl|csv|jsonl|JSON|UTF-8"
                       r"|Worker \d+|\d{10}|KRR|pos, neg")


@pytest.mark.parametrize("lang", ["ta", "hi"])
def test_quiz_pages_have_no_english_left(visitor, db, make_user, make_project, lang):
    from tests.test_i18n import DEVANAGARI, LATIN_WORD, TAMIL, _text_of
    script = TAMIL if lang == "ta" else DEVANAGARI
    project = add_quiz(db, make_project(), questions=4)
    slug = project["slug"]
    worker = make_user(lang=lang)
    visitor.login(worker)
    pages = {url: visitor.get(url).get_data(as_text=True) for url in (
        "/home", f"/quiz/{slug}", f"/quiz/{slug}/practice/1")}
    pages["practice answer"] = visitor.post(f"/quiz/{slug}/practice/1",
                                            {"answer": "neg"}).get_data(as_text=True)
    pages["exam"] = _exam(visitor, slug, [], hx=False)
    pages["result"] = _exam(visitor, slug, ["neg"] * 4, hx=False)
    visitor.post("/logout")
    visitor.login(make_user(role="supervisor", lang=lang))
    for url in ("/supervisor/quiz/", f"/supervisor/quiz/{project['id']}",
                f"/supervisor/quiz/{project['id']}/questions/new",
                f"/supervisor/quiz/{project['id']}/trainees"):
        pages[url] = visitor.get(url).get_data(as_text=True)
    for where, body in pages.items():
        assert f'<html lang="{lang}">' in body, where
        text = TECHNICAL.sub("", _text_of(body).replace("English", ""))
        assert script.search(text), where
        assert not LATIN_WORD.findall(text), f"{where}: English left: {LATIN_WORD.findall(text)}"


def test_starting_again_mid_exam_resumes_the_same_attempt(visitor, db, make_user, make_project):
    worker = make_user()
    project = add_quiz(db, make_project(), questions=4)
    slug = project["slug"]
    visitor.login(worker)
    visitor.post(f"/quiz/{slug}/start")
    page = visitor.get(f"/quiz/{slug}/exam").get_data(as_text=True)
    action = re.search(r'action="(/quiz/[^"]+/exam/\d+/1)"', page).group(1)
    visitor.post(action, {"answer": "neg"})
    assert visitor.post(f"/quiz/{slug}/start").headers["Location"] == f"/quiz/{slug}/exam"
    assert "2 of 4" in visitor.get(f"/quiz/{slug}/exam").get_data(as_text=True)
    assert _count(db, "quiz_attempts") == 1


def test_a_picture_question_is_uploaded_and_shown_only_to_its_centre(
        visitor, db, make_user, make_project):
    import random

    from core.demo import leaf_picture
    project = make_project()
    visitor.login(make_user(role="supervisor"))
    png = leaf_picture("spots", random.Random(1))
    response = visitor.post(f"/supervisor/quiz/{project['id']}/questions/new",
                            {**_question_form(), "image": (io.BytesIO(png), "leaf.png")},
                            content_type="multipart/form-data")
    assert response.status_code == 303
    question = one(db, "SELECT * FROM quiz_questions")
    media = one(db, "SELECT * FROM media WHERE id = ?", (question["media_id"],))
    assert media["width"] <= 360 and len(media["data"]) <= 40 * 1024
    assert visitor.get(f"/supervisor/quiz/media/{media['id']}").status_code == 200
    bad = visitor.post(f"/supervisor/quiz/{project['id']}/questions/new",
                       {**_question_form(), "image": (io.BytesIO(b"not a picture"), "x.png")},
                       content_type="multipart/form-data")
    assert bad.status_code == 400 and "This file is not a picture." in bad.get_data(as_text=True)
    assert _count(db, "quiz_questions") == 1
    visitor.post("/logout")
    visitor.login(make_user(role="supervisor", centre="STP"))
    assert visitor.get(f"/supervisor/quiz/media/{media['id']}").status_code == 404


def test_a_question_picture_of_too_many_pixels_is_refused_in_her_language(
        visitor, db, make_user, make_project):
    from tests.test_importing import _claimed_size_png
    project = make_project()
    visitor.login(make_user(role="supervisor", lang="hi"))
    bomb = _claimed_size_png(13000, 13000)  # 169 megapixels in a few kilobytes
    response = visitor.post(f"/supervisor/quiz/{project['id']}/questions/new",
                            {**_question_form(), "image": (io.BytesIO(bomb), "bomb.png")},
                            content_type="multipart/form-data")
    assert response.status_code == 400
    assert "यह तस्वीर बहुत बड़ी है।" in response.get_data(as_text=True)
    assert _count(db, "quiz_questions") == 0 and _count(db, "media") == 0


def test_an_import_names_a_question_twice_and_a_bad_answer_in_her_words(visitor, db, make_user,
                                                                        make_project):
    boss, project = make_user(role="supervisor", lang="hi"), make_project()
    visitor.login(boss)
    bad = ("prompt_en,answer,explanation_en,explanation_ta,explanation_hi\n"
           "A?,pos,a,அ,अ\nB?,maybe,b,ஆ,आ\na?,neg,c,இ,इ\n").encode()
    body = visitor.post(f"/supervisor/quiz/{project['id']}/import",
                        {"file": (io.BytesIO(bad), "bank.csv")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "यही सवाल पहले की एक लाइन में भी है।" in body  # line 4: "a?" is "A?" again
    assert re.search(r"<td>3</td>", body) and re.search(r"<td>4</td>", body)
    assert _count(db, "quiz_questions") == 0

"""Check tasks through the test client (#6 item 6): the pause told on the card and at
home, in her language; the supervisor's screen, reinstate and retake."""
import re

import pytest

from core import projects
from core.db import one


def _assignment_id(body):
    return int(re.search(r'action="/answers/(\d+)"', body).group(1))


@pytest.fixture
def strict_project(db, make_project):
    """Every task a check task; one wrong answer in one pauses."""
    project = make_project(tasks=4, gold="pos")
    db["projects"].update(project["id"], {"gold_min_answers": 1, "min_gold_accuracy": 0.5})
    return one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))


def _miss(visitor, project, htmx=True):
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    return visitor.post(f"/answers/{_assignment_id(page)}", {"answer": "neg"}, htmx=htmx)


def test_a_pause_is_told_on_the_card_with_why_and_what_next(visitor, make_user, strict_project,
                                                            db):
    worker = make_user()
    visitor.login(worker)
    card = _miss(visitor, strict_project)
    body = card.get_data(as_text=True)
    assert card.status_code == 200 and "<html" not in body
    assert "Your answers to check tasks were right 0 times out of 1; this project needs 1." \
        in body and "Your supervisor will look at your answers" in body
    assert "Sentence 0" in body  # the note says which task it was about
    assert 'action="/answers/' not in body  # no next task
    assert one(db, "SELECT status FROM qualifications")["status"] == "paused"
    home = visitor.get("/home").get_data(as_text=True)
    assert "Work on this project is paused." in home
    # Coming back to the project says the same, not "not open to you".
    again = visitor.get(f"/tasks/{strict_project['slug']}/next").get_data(as_text=True)
    assert "Work on this project is paused." in again


def test_without_javascript_the_pause_follows_the_redirect(visitor, make_user, strict_project):
    visitor.login(make_user())
    response = _miss(visitor, strict_project, htmx=False)
    assert response.status_code == 303
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Work on this project is paused." in page and "Sentence 0" in page


def test_the_pause_is_told_in_tamil(visitor, make_user, strict_project):
    visitor.login(make_user(lang="ta"))
    body = _miss(visitor, strict_project).get_data(as_text=True)
    assert "Your answers" not in body
    assert "நிறுத்திவைக்கப்பட்டுள்ளன" in body


def test_a_batch_answer_that_pauses_her_says_so_when_it_arrives(visitor, make_user,
                                                                strict_project):
    visitor.login(make_user())
    visitor.post(f"/tasks/{strict_project['slug']}/batch")
    results = visitor.client.post("/answers/sync", json={"items": [
        {"id": 1, "answer": "neg"}, {"id": 2, "answer": "pos"}]},
        headers={"X-CSRFToken": visitor.token}).get_json()["results"]
    assert results[0]["ok"] and "Work on this project is paused." in results[0]["message"]
    assert not results[1]["ok"]  # her other leases were given back


def _supervisor(make_user, centre="KRR"):
    return make_user(role="supervisor", centre=centre)


def test_the_supervisor_sees_accuracy_and_reinstates_her(visitor, make_user, strict_project,
                                                         db, app):
    worker = make_user()
    visitor.login(worker)
    _miss(visitor, strict_project)
    visitor.post("/logout")
    boss = _supervisor(make_user)
    visitor.login(boss)
    page = visitor.get("/supervisor/gold/").get_data(as_text=True)
    assert worker["name"] in page and "0 right of 1" in page and "Paused" in page
    assert "Check tasks" in visitor.get("/supervisor/").get_data(as_text=True)  # in the nav
    url = f"/supervisor/gold/{strict_project['id']}/{worker['id']}/reinstate"
    assert visitor.post(url, csrf=False).status_code == 400  # no CSRF token: refused
    assert one(db, "SELECT status FROM qualifications")["status"] == "paused"
    response = visitor.post(url)
    assert response.status_code == 303
    assert one(db, "SELECT status, changed_by FROM qualifications") == {
        "status": "qualified", "changed_by": boss["id"]}
    assert one(db, "SELECT actor_id FROM audit_log WHERE action = 'qualification.qualified'"
               )["actor_id"] == boss["id"]
    visitor.post("/logout")
    visitor.login(worker)
    assert "Work on this project is paused." not in visitor.get("/home").get_data(as_text=True)
    assert 'action="/answers/' in visitor.get(
        f"/tasks/{strict_project['slug']}/next").get_data(as_text=True)


def test_a_retake_tells_her_to_take_the_quiz_again(visitor, make_user, strict_project, db):
    worker = make_user(lang="hi")
    visitor.login(worker)
    _miss(visitor, strict_project)
    visitor.post("/logout")
    visitor.login(_supervisor(make_user))
    visitor.post(f"/supervisor/gold/{strict_project['id']}/{worker['id']}/retake")
    assert one(db, "SELECT status, reason FROM qualifications") == {
        "status": "trainee", "reason": "retake"}
    visitor.post("/logout")
    visitor.login(worker)
    home = visitor.get("/home").get_data(as_text=True)
    assert "टेस्ट फिर से" in home


def test_another_centres_supervisor_gets_404_and_changes_nothing(visitor, make_user,
                                                                strict_project, db):
    worker = make_user()
    visitor.login(worker)
    _miss(visitor, strict_project)
    visitor.post("/logout")
    visitor.login(_supervisor(make_user, centre="STP"))
    assert visitor.get(f"/supervisor/gold/?project={strict_project['id']}").status_code == 404
    response = visitor.post(f"/supervisor/gold/{strict_project['id']}/{worker['id']}/reinstate")
    assert response.status_code == 404
    assert one(db, "SELECT status FROM qualifications")["status"] == "paused"
    page = visitor.get("/supervisor/gold/").get_data(as_text=True)
    assert worker["name"] not in page


def test_a_person_of_another_centre_is_404_on_this_centres_project(visitor, make_user,
                                                                  strict_project, db):
    stranger = make_user(centre="STP")
    visitor.login(_supervisor(make_user))
    url = f"/supervisor/gold/{strict_project['id']}/{stranger['id']}/retake"
    assert visitor.post(url).status_code == 404
    assert one(db, "SELECT count(*) AS n FROM qualifications")["n"] == 0


def test_annotators_cannot_open_the_supervisor_screen(visitor, make_user, strict_project):
    visitor.login(make_user())
    assert visitor.get("/supervisor/gold/").status_code == 403


@pytest.mark.parametrize("query", ["?page=x", "?page=-4", "?project=x", "?page=99999999999"])
def test_odd_supervisor_queries_never_fail(visitor, make_user, strict_project, query):
    visitor.login(_supervisor(make_user))
    assert visitor.get(f"/supervisor/gold/{query}").status_code == 200


def test_the_supervisor_screen_is_paged(visitor, make_user, make_project, db):
    project = make_project(tasks=0, redundancy=40)
    projects.add_tasks(db, project["id"], [{"text": "c", "gold": "pos"}])
    from core import tasks
    for _ in range(30):
        worker = make_user()
        held = tasks.claim_next(db, worker["id"], project)
        tasks.record_answer(db, held["id"], worker["id"], "pos")
    visitor.login(_supervisor(make_user))
    first = visitor.get("/supervisor/gold/").get_data(as_text=True)
    assert first.count("1 right of 1") == 25 and "page=2" in first
    second = visitor.get("/supervisor/gold/?page=2").get_data(as_text=True)
    assert second.count("1 right of 1") == 5


LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def _words(html):
    """What a reader sees, tags and the task's English demo text aside."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html).replace("English", "").replace("Sentence", "")


@pytest.mark.parametrize("lang,script", [("ta", "[\u0b80-\u0bff]"), ("hi", "[\u0900-\u097f]")])
def test_check_task_pages_have_no_english_left(visitor, make_user, strict_project, lang,
                                               script):
    worker = make_user(lang=lang)
    visitor.login(worker)
    pages = {"help": visitor.get("/help"), "paused card": _miss(visitor, strict_project,
                                                                htmx=False)}
    pages["paused card"] = visitor.get(pages["paused card"].headers["Location"])
    pages["home"] = visitor.get("/home")
    visitor.post("/logout")
    boss = make_user(role="supervisor", lang=lang)
    visitor.login(boss)
    pages["supervisor"] = visitor.get("/supervisor/gold/")
    for where, response in pages.items():
        text = _words(response.get_data(as_text=True))
        for name in (worker["name"], boss["name"], worker["login"]):
            text = text.replace(name, "")
        assert re.search(script, text), where
        assert not LATIN_WORD.findall(text), f"{where}: English left: {LATIN_WORD.findall(text)}"

"""The annotator's loop through the test client, with and without htmx."""
import re

import pytest

from core.db import one


def _assignment_id(body):
    return int(re.search(r'action="/answers/(\d+)"', body).group(1))


def test_loop_with_htmx_is_one_request_per_task(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(tasks=3, pay_paise=50)
    visitor.login(worker)
    home = visitor.get("/home").get_data(as_text=True)
    assert "3 tasks waiting" in home and "₹0.50 per answer" in home
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert page.startswith("<!doctype html>") and "Sentence 0" in page
    for n in range(3):
        response = visitor.post(f"/answers/{_assignment_id(page)}", {"answer": "pos"}, htmx=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in page
        assert "HX-Request" in response.headers["Vary"]
        assert f"Today: {n + 1} answer" in page
    assert "No more tasks in this project" in page
    assert one(db, "SELECT count(*) AS n FROM assignments WHERE state = 'submitted'")["n"] == 3


def test_loop_without_javascript_redirects_303_to_the_next_task(visitor, make_user, make_project,
                                                                 db):
    worker, project = make_user(), make_project(tasks=2)
    visitor.login(worker)
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    response = visitor.post(f"/answers/{_assignment_id(page)}", {"answer": "neg"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tasks/{project['slug']}/next"
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sentence 1" in page and "Today: 1 answer" in page
    assert one(db, "SELECT answer FROM assignments WHERE id = 1")["answer"] == "neg"


def test_posting_the_same_answer_twice_gives_one_answer_and_one_credit(visitor, make_user,
                                                                        make_project, db):
    worker, project = make_user(), make_project(tasks=3, pay_paise=40)
    visitor.login(worker)
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    url = f"/answers/{_assignment_id(page)}"
    first = visitor.post(url, {"answer": "pos"}, htmx=True).get_data(as_text=True)
    second = visitor.post(url, {"answer": "pos"}, htmx=True).get_data(as_text=True)
    assert first == second  # the same reply: the same next card
    assert one(db, "SELECT count(*) AS n, sum(pay_paise) AS paid FROM assignments"
                   " WHERE state = 'submitted'") == {"n": 1, "paid": 40}
    assert one(db, "SELECT answers_count FROM tasks WHERE id = 1")["answers_count"] == 1


def test_skip_and_report_move_on_to_the_next_task(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(tasks=3)
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    page = visitor.post("/assignments/1/skip", {"reason": "unsure"}, htmx=True)
    assert "Sentence 1" in page.get_data(as_text=True)
    visitor.post("/assignments/2/skip", {"reason": "broken"}, htmx=True)
    rows = list(db.query("SELECT state, reason FROM assignments ORDER BY id"))
    assert rows[:2] == [{"state": "skipped", "reason": "unsure"},
                        {"state": "reported", "reason": "broken"}]
    assert one(db, "SELECT reports_count FROM tasks WHERE id = 2")["reports_count"] == 1


def test_a_free_text_task_takes_typed_text(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(task_type="free_text")
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    response = visitor.post("/answers/1", {"answer": "  வணக்கம்  "}, htmx=True)
    assert response.status_code == 200
    assert one(db, "SELECT answer FROM assignments WHERE id = 1")["answer"] == "வணக்கம்"


@pytest.mark.parametrize("task_type,data,message", [
    ("single_choice", {"answer": "maybe"}, "Please choose one of the answers shown."),
    ("free_text", {"answer": "  "}, "Please type your answer first."),
])
def test_a_bad_answer_shows_the_card_again_with_a_message(visitor, make_user, make_project, db,
                                                          task_type, data, message):
    worker, project = make_user(), make_project(task_type=task_type)
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    for htmx in (True, False):
        response = visitor.post("/answers/1", data, htmx=htmx)
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and message in body and "Sentence 0" in body
    assert one(db, "SELECT state FROM assignments WHERE id = 1")["state"] == "active"


def test_a_bad_answer_is_explained_in_tamil(visitor, make_user, make_project):
    worker, project = make_user(lang="ta"), make_project()
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    body = visitor.post("/answers/1", {"answer": "maybe"}, htmx=True).get_data(as_text=True)
    assert "Please choose" not in body and re.search("[\u0b80-\u0bff]{3}", body)


def test_someone_elses_assignment_gets_404_and_writes_nothing(visitor, make_user, make_project,
                                                              db):
    from core import tasks
    owner, intruder, project = make_user(), make_user(), make_project()
    held = tasks.claim_next(db, owner["id"], project)
    visitor.login(intruder)
    for url, data in ((f"/answers/{held['id']}", {"answer": "pos"}),
                      (f"/assignments/{held['id']}/skip", {"reason": "unsure"})):
        response = visitor.post(url, data, htmx=True)
        assert response.status_code == 404
        assert "This task was not found." in response.get_data(as_text=True)
    assert one(db, "SELECT state FROM assignments WHERE id = ?", (held["id"],))["state"] == "active"


def test_an_expired_lease_gets_409_with_a_way_on(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(lease_seconds=60)
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    db.execute("UPDATE assignments SET lease_expires_at = '2000-01-01 00:00:00'")
    response = visitor.post("/answers/1", {"answer": "pos"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Time for this task ran out" in body
    assert f"/tasks/{project['slug']}/next" in body
    assert one(db, "SELECT answer FROM assignments WHERE id = 1")["answer"] is None


@pytest.mark.parametrize("url,message", [
    ("/tasks/no-such-project/next", "This project is not open to you."),
    ("/answers/999", "This task was not found."),
    ("/media/999", "This picture is only for the person doing the task."),
    ("/no/such/page", "This page does not exist."),
])
def test_missing_things_get_a_clear_404(visitor, make_user, make_project, url, message):
    make_project()
    visitor.login(make_user())
    response = visitor.post(url, {"answer": "pos"}) if url.startswith("/answers") \
        else visitor.get(url)
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)


def test_another_centres_project_is_hidden(visitor, make_user, make_project):
    project = make_project(centre="STP")
    visitor.login(make_user(centre="KRR"))
    assert "Reviews" not in visitor.get("/home").get_data(as_text=True)
    assert visitor.get(f"/tasks/{project['slug']}/next").status_code == 404


def test_earnings_show_days_and_totals_in_rupees(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(tasks=2, pay_paise=12345, gold="pos")
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    visitor.post("/answers/1", {"answer": "pos"}, htmx=True)
    visitor.post("/answers/2", {"answer": "neg"}, htmx=True)
    body = visitor.get("/earnings").get_data(as_text=True)
    assert "₹123.45" in body and "1 rejected" in body


@pytest.mark.parametrize("query", ["?page=x", "?page=-3", "?page=99999"])
def test_odd_earnings_pages_never_fail(visitor, make_user, query):
    visitor.login(make_user())
    assert visitor.get("/earnings" + query).status_code == 200


def test_media_is_cached_privately_for_its_holder(visitor, make_user, make_project, db):
    import random

    from core import projects
    from core.demo import leaf_picture
    from core.media import prepare_image
    project = make_project(tasks=0)
    projects.add_tasks(db, project["id"], [{"image": prepare_image(
        leaf_picture("healthy", random.Random(2)))}])
    visitor.login(make_user())
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    src = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)"', page)
    assert int(src.group(2)) <= 360
    response = visitor.get(src.group(1))
    assert response.status_code == 200 and response.content_type == "image/webp"
    assert "private" in response.headers["Cache-Control"] and response.headers["ETag"]
    assert len(response.data) <= 40 * 1024
    again = visitor.get(src.group(1), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

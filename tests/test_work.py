"""The annotator's loop through the test client, with and without htmx."""
import json
import re

import pytest

from core.db import one
from tests.conftest import PIN


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


def test_home_counts_only_tasks_start_can_give_her(app, visitor, make_user, make_project):
    from tests.conftest import Visitor

    project = make_project(tasks=3, redundancy=1)
    holder, other = make_user(), make_user()
    visitor.login(holder)
    visitor.post(f"/tasks/{project['slug']}/batch")  # she holds all three
    assert "3 tasks waiting" in visitor.get("/home").get_data(as_text=True)
    phone = Visitor(app.test_client())  # her logout would give them back: another phone
    phone.login(other)
    home = phone.get("/home").get_data(as_text=True)
    assert "0 tasks waiting" in home and f"/tasks/{project['slug']}/next" not in home


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


CHECK_NOTE = "Check task: the right answer was “Happy”. This answer is not paid."


def test_a_wrong_answer_to_a_check_task_is_told_at_once_with_the_right_one(
        visitor, make_user, make_project, db):
    worker, project = make_user(lang="ta"), make_project(tasks=3, gold="pos")
    visitor.login(worker)
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    wrong = _assignment_id(page)
    card = visitor.post(f"/answers/{wrong}", {"answer": "neg"}, htmx=True).get_data(
        as_text=True)
    assert "சோதனைப் பணி: சரியான பதில் “மகிழ்ச்சி”" in card  # the label as her button said
    assert one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (wrong,))["review_state"] == "rejected"
    right = visitor.post(f"/answers/{_assignment_id(card)}", {"answer": "pos"}, htmx=True)
    assert "சோதனைப் பணி" not in right.get_data(as_text=True)


def test_a_batch_answer_to_a_check_task_is_told_when_it_arrives(visitor, make_user,
                                                                make_project):
    worker, project = make_user(lang="hi"), make_project(tasks=2, gold="pos")
    visitor.login(worker)
    visitor.post(f"/tasks/{project['slug']}/batch")
    results = visitor.client.post("/answers/sync", json={"items": [
        {"id": 1, "answer": "neg"}, {"id": 2, "answer": "pos"}]},
        headers={"X-CSRFToken": visitor.token}).get_json()["results"]
    assert results[0]["ok"] and results[0]["message"] == (  # names the task: its card is gone
        "“Sentence 0” वाला जाँच का काम: सही जवाब “खुश” था। इस जवाब के पैसे नहीं मिलेंगे।")
    assert results[1]["ok"] and "message" not in results[1]


def test_without_javascript_the_check_note_follows_the_redirect(visitor, make_user,
                                                                make_project):
    worker, project = make_user(), make_project(tasks=3, gold="pos")
    visitor.login(worker)
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    wrong = _assignment_id(page)
    response = visitor.post(f"/answers/{wrong}", {"answer": "neg"})
    assert response.headers["Location"] == f"/tasks/{project['slug']}/next?missed={wrong}"
    assert CHECK_NOTE in visitor.get(response.headers["Location"]).get_data(as_text=True)
    # Another person's id, or a right answer, shows nothing.
    visitor.post("/logout")
    visitor.login(make_user())
    other = visitor.get(f"/tasks/{project['slug']}/next?missed={wrong}")
    assert CHECK_NOTE not in other.get_data(as_text=True)


def test_posting_the_same_answer_twice_gives_one_answer_and_one_credit(visitor, make_user,
                                                                        make_project, db):
    worker, project = make_user(), make_project(tasks=3, pay_paise=40)
    visitor.login(worker)
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    url = f"/answers/{_assignment_id(page)}"
    first = visitor.post(url, {"answer": "pos"}, htmx=True).get_data(as_text=True)
    second = visitor.post(url, {"answer": "pos"}, htmx=True).get_data(as_text=True)
    data_used = re.compile(r'<p id="data-used".*?</p>')  # grows with every reply
    assert data_used.sub("", first) == data_used.sub("", second)  # the same next card
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


def test_a_refused_text_comes_back_in_the_box_to_mend(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(task_type="free_text")
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    long_text = "மழை " * 600  # 2,400 characters
    card = visitor.post("/answers/1", {"answer": long_text}, htmx=True)
    assert card.status_code == 400
    assert f">{long_text}</textarea>" in card.get_data(as_text=True)
    assert one(db, "SELECT state FROM assignments WHERE id = 1")["state"] == "active"


def test_line_breaks_count_once_as_the_box_counted_them(visitor, make_user, make_project, db):
    """A browser sends each line break as CR LF; maxlength counted it as one character."""
    worker, project = make_user(), make_project(task_type="free_text")
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    text = "\r\n".join(["வணக்கம்"] * 250)  # 1,999 characters as typed, 2,248 as sent
    assert visitor.post("/answers/1", {"answer": text}).status_code == 303
    stored = one(db, "SELECT answer FROM assignments WHERE id = 1")["answer"]
    assert len(stored) == 1999 and "\r" not in stored


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
    from core import tasks
    worker, project = make_user(), make_project(lease_seconds=60, redundancy=1)
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    db.execute("UPDATE assignments SET lease_expires_at = '2000-01-01 00:00:00'")
    tasks.claim_next(db, make_user()["id"], project)  # the task went to someone else
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


@pytest.mark.parametrize("query", ["?page=x", "?page=-3", "?page=99999", f"?page={10**30}"])
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


def test_the_data_sent_to_her_today_is_one_tap_away_on_the_menu(visitor, make_user,
                                                                  make_project, db):
    worker, project = make_user(), make_project()
    visitor.login(worker)
    visitor.get("/home")
    counted = one(db, "SELECT bytes FROM traffic WHERE user_id = ?", (worker["id"],))["bytes"]
    assert counted > 500  # the home page and its headers, as sent
    body = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    header = body[body.index("<header>"):body.index("</header>")]
    assert '<a href="/menu">Menu</a>' in header
    # The header is one short row: no language buttons, no meter, no log out.
    assert "data-used" not in header and 'name="lang"' not in header and "Log out" not in header
    fragment = visitor.post("/answers/1", {"answer": "pos"}, htmx=True).get_data(as_text=True)
    assert "data-used" not in fragment  # the task cycle carries no meter
    menu = visitor.get("/menu").get_data(as_text=True)
    assert re.search(r'<p id="data-used" class="card data">Data used today: \d+ KB</p>', menu)
    assert 'name="lang" value="ta"' in menu and "Log out" in menu and 'href="/earnings"' in menu


def test_a_batch_claims_twenty_long_leases_for_offline_work(visitor, make_user, make_project,
                                                            db):
    worker, project = make_user(), make_project(tasks=25, redundancy=1)
    db["projects"].update(project["id"], {"batch_lease_seconds": 4 * 3600})
    visitor.login(worker)
    saved = visitor.post(f"/tasks/{project['slug']}/batch")
    assert saved.status_code == 303 and saved.location.endswith(f"/tasks/{project['slug']}/batch")
    body = visitor.get(saved.location).get_data(as_text=True)
    assert body.count('class="card" data-id=') == 20 and "hx-post" not in body
    leases = one(db, "SELECT count(*) AS n, min(julianday(lease_expires_at) -"
                     " julianday(claimed_at)) * 24 AS hours FROM assignments")
    assert leases["n"] == 20 and leases["hours"] >= 3.9
    visitor.post(f"/tasks/{project['slug']}/batch")
    again = visitor.get(f"/tasks/{project['slug']}/batch").get_data(as_text=True)
    assert again.count('class="card" data-id=') == 20
    assert db["assignments"].count == 20  # the same batch, not a second one


def test_no_link_claims_a_batch_not_even_through_the_login(app, make_user, make_project, db):
    """A GET of the batch page (a link on another site, or /login?next= to it) shows what
    she holds and claims nothing; only her own form's POST, with its token, claims."""
    from tests.conftest import Visitor

    worker, project = make_user(), make_project(tasks=25, redundancy=1)
    batch = f"/tasks/{project['slug']}/batch"
    phone = Visitor(app.test_client())
    response = phone.post(f"/login?next={batch}", {"login": worker["login"], "password": PIN})
    assert response.status_code == 303 and response.location.endswith(batch)
    page = phone.get(response.location).get_data(as_text=True)
    assert 'class="card" data-id=' not in page and "You have finished these tasks." in page
    assert db["assignments"].count == 0
    forged = phone.post(batch, csrf=False)  # another site's form has no token
    assert forged.status_code == 400 and db["assignments"].count == 0
    home = phone.get("/home").get_data(as_text=True)
    assert f'<form method="post" action="{batch}">' in home
    assert phone.post(batch).status_code == 303 and db["assignments"].count == 20


def test_sync_records_answers_once_and_explains_refusals(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project(tasks=4, redundancy=1)
    visitor.login(worker)
    visitor.post(f"/tasks/{project['slug']}/batch")
    db.execute("UPDATE assignments SET lease_expires_at = '2000-01-01 00:00:00' WHERE id = 4")
    items = [{"id": 1, "answer": "pos", "seconds": 7}, {"id": 2, "reason": "unclear"},
             {"id": 3, "answer": "nonsense"}, {"id": 4, "answer": "pos"}, {"id": "x"}]
    for _ in range(2):  # the phone may send the same queue twice: nothing doubles
        response = visitor.client.post("/answers/sync", json={"items": items},
                                       headers={"X-CSRFToken": visitor.token})
        results = response.get_json()["results"]
    assert [r["ok"] for r in results] == [True, True, False, False, False]
    assert results[2]["message"] == "Please choose one of the answers shown."
    assert "Time for this task ran out" in results[3]["message"]
    # A wrong answer may be mended; a lapsed lease or a missing task may not.
    assert [r.get("retry") for r in results] == [None, None, True, False, False]
    assert response.get_json()["today"] == (
        '<p class="today">Today: 1 answer · ₹0.50 earned<br>'
        '<small>Waiting for review: 0 · Accepted: 1 (₹0.50)</small></p>')
    rows = list(db.query("SELECT state, answer, seconds_spent FROM assignments ORDER BY id"))
    assert rows[0] == {"state": "submitted", "answer": "pos", "seconds_spent": 7}
    assert rows[1]["state"] == "skipped" and rows[2]["state"] == rows[3]["state"] == "active"
    assert one(db, "SELECT sum(answers_count) AS n FROM tasks")["n"] == 1


@pytest.mark.parametrize("body", ["oops", "[1, 2]", '"items"', "5", "true",
                                  '{"items": 5}', "[" * 100_000])
def test_sync_refuses_a_body_that_is_not_a_list_of_items(visitor, make_user, body):
    visitor.login(make_user())
    visitor.get("/home")
    response = visitor.client.post("/answers/sync", data=body, content_type="application/json",
                                   headers={"X-CSRFToken": visitor.token})
    assert response.status_code == 400
    assert "Something went wrong" in response.get_data(as_text=True)


def test_sync_refuses_ids_that_are_not_ids_and_writes_nothing(visitor, make_user, make_project,
                                                              db):
    worker, project = make_user(), make_project(tasks=1)
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    items = [{"id": bad, "answer": "pos"} for bad in (True, 1.0, "1", 2**63, -2**63 - 1, None)]
    response = visitor.client.post("/answers/sync", json={"items": items},
                                   headers={"X-CSRFToken": visitor.token})
    assert [r["ok"] for r in response.get_json()["results"]] == [False] * len(items)
    assert one(db, "SELECT state FROM assignments WHERE id = 1")["state"] == "active"


@pytest.mark.parametrize("how", ["paused", "closed"])
def test_no_route_records_answers_once_her_project_is_closed_to_her(
        visitor, make_user, make_project, db, how):
    worker, project = make_user(), make_project(tasks=2)
    visitor.login(worker)
    first = _assignment_id(visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True))
    if how == "paused":
        db.execute("INSERT INTO qualifications (user_id, project_id, status, updated_at)"
                   " VALUES (?, ?, 'paused', '2026-11-24 00:00:00')",
                   (worker["id"], project["id"]))
    else:
        db.execute("UPDATE projects SET status = 'closed' WHERE id = ?", (project["id"],))
    synced = visitor.client.post("/answers/sync", json={"items": [
        {"id": first, "answer": "pos"}]}, headers={"X-CSRFToken": visitor.token}).get_json()
    assert synced["results"][0]["ok"] is False
    assert synced["results"][0]["message"] == "This project is not open to you."
    assert visitor.post(f"/answers/{first}", {"answer": "pos"}).status_code == 404
    assert visitor.post(f"/assignments/{first}/skip", {"reason": "unsure"}).status_code == 404
    assert one(db, "SELECT state FROM assignments WHERE id = ?", (first,))["state"] == "active"
    assert one(db, "SELECT answers_count FROM tasks WHERE id = 1")["answers_count"] == 0


@pytest.mark.parametrize("method,url", [
    ("post", "/answers/9223372036854775808"), ("post", "/assignments/9223372036854775808/skip"),
    ("get", "/media/9223372036854775808"), ("get", "/media/0")])
def test_ids_no_row_can_have_are_a_clear_404(visitor, make_user, method, url):
    visitor.login(make_user())
    response = getattr(visitor, method)(url)
    assert response.status_code == 404
    assert "This page does not exist." in response.get_data(as_text=True)


def test_a_huge_missed_id_is_ignored(visitor, make_user, make_project):
    project = make_project(tasks=1)
    visitor.login(make_user())
    response = visitor.get(f"/tasks/{project['slug']}/next?missed={10**30}")
    assert response.status_code == 200 and "Sentence 0" in response.get_data(as_text=True)


def test_install_manifest_service_worker_and_offline_page(visitor, make_user):
    manifest = visitor.get("/manifest.webmanifest").get_json()
    assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} == {
        "192x192", "512x512"}
    for icon in manifest["icons"]:
        assert visitor.get(icon["src"]).status_code == 200
    worker = visitor.get("/sw.js")
    assert "no-cache" in worker.headers["Cache-Control"]
    # The phone checks for a new release on each visit: unchanged, that is a bare 304.
    again = visitor.get("/sw.js", headers={"If-None-Match": worker.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    script = worker.get_data(as_text=True)
    # The release's files are filled in as a JSON list; a placeholder left is a syntax error.
    shell = re.search(r"var SHELL_FILES = (\[.*?\]), CACHE", script)
    assert shell and "__SHELL__" not in script
    for path in json.loads(shell.group(1)):
        assert visitor.get(path).status_code == 200, path
    offline = visitor.get("/offline", headers={"Accept-Language": "hi"}).get_data(as_text=True)
    assert '<html lang="hi">' in offline

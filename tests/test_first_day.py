"""Her first day, made clear (#6 item 8, task-card side), through the test client."""
import datetime as dt
import io
import re

import pytest
from PIL import Image

from core import projects, tasks
from core.clock import stamp, utcnow
from core.db import one
from core.media import prepare_image


def _assignment_id(body):
    return int(re.search(r'action="/answers/(\d+)"', body).group(1))


WELCOME = "Check tasks have a known answer."


def test_the_welcome_shows_once_then_stays_under_help(visitor, make_user, make_project, db):
    worker = make_user()
    make_project()
    visitor.login(worker)
    first = visitor.get("/home").get_data(as_text=True)
    assert WELCOME in first and "How the work goes" in first
    assert one(db, "SELECT welcomed_at FROM users WHERE id = ?",
               (worker["id"],))["welcomed_at"] is not None
    assert WELCOME not in visitor.get("/home").get_data(as_text=True)
    assert 'href="/menu"' in first  # Help is on her menu, one tap away
    assert 'href="/help"' in visitor.get("/menu").get_data(as_text=True)
    help_page = visitor.get("/help").get_data(as_text=True)
    assert WELCOME in help_page and "paid" in help_page


def test_the_welcome_and_help_are_in_her_language(visitor, make_user):
    visitor.login(make_user(lang="ta"))
    home = visitor.get("/home").get_data(as_text=True)
    assert "சோதனைப் பணி" in home and "How the work goes" not in home
    assert ">உதவி<" in visitor.get("/menu").get_data(as_text=True)


def test_the_missed_check_note_shows_the_text_of_that_task(visitor, make_user, make_project):
    project = make_project(tasks=2, gold="pos")
    visitor.login(make_user())
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    missed_text = re.search(r'<p class="payload">(.*?)</p>', page).group(1)
    card = visitor.post(f"/answers/{_assignment_id(page)}", {"answer": "neg"},
                        htmx=True).get_data(as_text=True)
    note = re.search(r'<div class="note missed".*?</div>', card, re.S).group(0)
    assert f"<q>{missed_text}</q>" in note and "Your last task" in note
    next_text = re.search(r'<p class="payload">(.*?)</p>', card).group(1)
    assert next_text != missed_text


def _picture():
    out = io.BytesIO()
    Image.new("RGB", (360, 240), (40, 140, 50)).save(out, "PNG")
    return prepare_image(out.getvalue())


def test_the_missed_check_note_shows_a_thumbnail_of_its_picture(visitor, make_user,
                                                                make_project, db):
    project = make_project(tasks=0)
    projects.add_tasks(db, project["id"], [{"image": _picture(), "gold": "pos"},
                                           {"image": _picture(), "gold": "pos"}])
    worker, other = make_user(), make_user()
    visitor.login(worker)
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    media = re.search(r'src="(/media/\d+)"', page).group(1)
    card = visitor.post(f"/answers/{_assignment_id(page)}", {"answer": "neg"},
                        htmx=True).get_data(as_text=True)
    note = re.search(r'<div class="note missed".*?</div>', card, re.S).group(0)
    assert f'src="{media}" width="72" height="48"' in note
    assert visitor.get(media).status_code == 200  # her lease ended, she may still see it
    visitor.post("/logout")
    visitor.login(other)
    assert visitor.get(media).status_code == 404  # nobody else may


def _expire(db, assignment_id):
    db.execute("UPDATE assignments SET lease_expires_at = ? WHERE id = ?",
               (stamp(utcnow() - dt.timedelta(minutes=1)), assignment_id))


@pytest.mark.parametrize("htmx", [True, False])
def test_free_text_whose_lease_ran_out_gets_the_same_task_again_with_her_text(
        visitor, make_user, make_project, db, htmx):
    project = make_project(task_type="free_text", redundancy=1)
    visitor.login(make_user())
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    held = _assignment_id(page)
    _expire(db, held)
    response = visitor.post(f"/answers/{held}", {"answer": "மழை பெய்கிறது"}, htmx=htmx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'action="/answers/{held}"' in body and ">மழை பெய்கிறது</textarea>" in body
    assert "it is still free for you" in body
    row = one(db, "SELECT state, lease_expires_at FROM assignments WHERE id = ?", (held,))
    assert row["state"] == "active" and row["lease_expires_at"] > stamp(utcnow())
    assert visitor.post(f"/answers/{held}", {"answer": "மழை பெய்கிறது"},
                        htmx=True).status_code == 200
    assert one(db, "SELECT answer FROM assignments WHERE id = ?", (held,))["answer"] == \
        "மழை பெய்கிறது"


def test_free_text_whose_task_went_to_someone_else_stays_on_screen(visitor, make_user,
                                                                  make_project, db):
    project = make_project(task_type="free_text", redundancy=1, tasks=1)
    visitor.login(make_user())
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    held = _assignment_id(page)
    _expire(db, held)
    tasks.claim_next(db, make_user()["id"], project)  # someone else has it now
    response = visitor.post(f"/answers/{held}", {"answer": "என் பதில்"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Time for this task ran out" in body
    assert "readonly>என் பதில்</textarea>" in body and "What you typed, to copy:" in body
    assert one(db, "SELECT answer FROM assignments WHERE id = ?", (held,))["answer"] is None


def test_a_short_lease_shows_how_long_she_has(visitor, make_user, make_project):
    short, long_ = make_project(lease_seconds=300, slug="short"), make_project(slug="long")
    visitor.login(make_user())
    body = visitor.get(f"/tasks/{short['slug']}/next").get_data(as_text=True)
    assert re.search(r"About [45] minutes left for this task \(until \d+:\d\d", body), body
    assert "left for this task" not in visitor.get(
        f"/tasks/{long_['slug']}/next").get_data(as_text=True)


@pytest.mark.parametrize("reason,said", [("unsure", "Skipped."),
                                         ("broken", "Reported. Thank you.")])
def test_skip_and_report_say_so_on_the_next_card(visitor, make_user, make_project, reason,
                                                 said):
    project = make_project(tasks=4)
    visitor.login(make_user())
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    card = visitor.post(f"/assignments/{_assignment_id(page)}/skip", {"reason": reason},
                        htmx=True).get_data(as_text=True)
    assert f'<p class="note" role="status">{said}</p>' in card
    following = visitor.post(f"/answers/{_assignment_id(card)}", {"answer": "pos"},
                             htmx=True).get_data(as_text=True)
    assert said not in following
    response = visitor.post(f"/assignments/{_assignment_id(following)}/skip",
                            {"reason": reason})  # without JavaScript
    assert response.status_code == 303
    assert said in visitor.get(response.headers["Location"]).get_data(as_text=True)


def test_skip_is_acknowledged_in_hindi(visitor, make_user, make_project):
    project = make_project(tasks=2)
    visitor.login(make_user(lang="hi"))
    visitor.get(f"/tasks/{project['slug']}/next")
    card = visitor.post("/assignments/1/skip", {"reason": "broken"}, htmx=True)
    assert "धन्यवाद" in card.get_data(as_text=True)


def test_task_forms_leave_checks_to_the_server_in_her_language(visitor, make_user,
                                                               make_project, db):
    project = make_project(task_type="free_text", tasks=2)
    visitor.login(make_user(lang="ta"))
    page = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert " required" not in page  # no browser bubble in the phone's language
    held = _assignment_id(page)
    no_reason = visitor.post(f"/assignments/{held}/skip", {}, htmx=True)
    assert no_reason.status_code == 400
    assert "தேர்வு செய்யுங்கள்" in no_reason.get_data(as_text=True)
    empty = visitor.post(f"/answers/{held}", {"answer": ""}, htmx=True)
    assert empty.status_code == 400 and "Please type" not in empty.get_data(as_text=True)
    assert one(db, "SELECT state FROM assignments WHERE id = ?", (held,))["state"] == "active"

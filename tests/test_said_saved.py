"""Every save says it was saved (#15 item 6): her language, her PIN, a supervisor's forms;
the word comes once, on the page after the save, in her language."""
import re

from core.db import one
from test_projects_admin import form

NOTE = re.compile(r'<p class="(?:card )?note" role="status">([^<]+)</p>')


def _notes(html: str) -> list[str]:
    return NOTE.findall(html)


def test_her_new_language_is_said_in_that_language(visitor, make_user, db):
    worker = make_user(lang="en")
    visitor.login(worker)
    visitor.get("/menu")
    done = visitor.post("/lang", {"lang": "ta", "next": "/menu"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/menu")
    page = visitor.get("/menu").get_data(as_text=True)
    assert _notes(page) == ["உங்கள் மொழி இப்போது தமிழ்."]
    assert one(db, "SELECT lang FROM users WHERE id = ?", (worker["id"],))["lang"] == "ta"
    assert _notes(visitor.get("/menu").get_data(as_text=True)) == []  # said once


def test_a_new_pin_is_said_on_her_menu(visitor, make_user):
    worker = make_user()
    visitor.login(worker)
    visitor.get("/account/pin")
    done = visitor.post("/account/pin", {"old": "3917", "new": "4739", "repeat": "4739"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/menu")
    assert _notes(visitor.get("/menu").get_data(as_text=True)) == [
        "Your PIN is changed. Use the new one from now on."]


def test_a_saved_project_says_so(visitor, make_user):
    visitor.login(make_user("supervisor"))
    visitor.get("/supervisor/projects/new")
    done = visitor.post("/supervisor/projects/new", form())
    assert done.status_code == 303
    assert "Saved." in _notes(visitor.get(done.headers["Location"]).get_data(as_text=True))


def test_her_edited_details_say_saved_with_and_without_htmx(visitor, make_user, db):
    worker = make_user()
    visitor.login(make_user("supervisor"))
    visitor.get(f"/supervisor/people/{worker['id']}")
    fields = {"name": "Malar", "phone": worker["login"], "lang": "ta"}
    card = visitor.post(f"/supervisor/people/{worker['id']}/edit", fields, htmx=True)
    assert "<html" not in card.get_data(as_text=True)
    assert _notes(card.get_data(as_text=True)) == ["Saved."]
    done = visitor.post(f"/supervisor/people/{worker['id']}/edit", {**fields, "name": "Selvi"})
    assert _notes(visitor.get(done.headers["Location"]).get_data(as_text=True)) == ["Saved."]
    assert one(db, "SELECT name FROM users WHERE id = ?", (worker["id"],))["name"] == "Selvi"

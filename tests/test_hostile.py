"""Hostile input: markup in anything a person can fill comes out escaped, SQL
metacharacters are only text, bodies and uploads have a size limit (#10 item 5).

Each field is one line in FIELDS: where the text goes in (a function of the world and the
payload) and the pages that show it, as whom. Quiz explanations, review and appeal notes
and imported files add their line when their screens exist.
"""
import json

import pytest
from markupsafe import escape

from core import projects, users
from core.db import one
from tests.conftest import CHEAP_HASH, PIN, Visitor

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><b>bold</b>",
    "{{ 7 * 7 }}{% raw %}",
    "javascript:alert(1)",
]


class World:
    def __init__(self, app, db, make_user):
        self.app, self.db, self.make_user = app, db, make_user
        self.centre = users.get_centre(db, "KRR", create=True)
        self.annotator = make_user()
        self.supervisor = make_user(role="supervisor")

    def project(self, payload="Plain", field=None, task_type="single_choice", tasks=1):
        """A project whose `field` carries the payload (the rest plain)."""
        def text(name):
            value = payload if field == name else f"Plain {name}"
            return {"en": value, "ta": value, "hi": value}
        labels = [("pos" if field != "label value" else payload, text("label")),
                  ("neg", {"en": "No", "ta": "No", "hi": "No"})]
        project = projects.create_project(
            self.db, centre_id=self.centre["id"], slug=f"p{self.db['projects'].count}",
            task_type=task_type, name=text("name"), instructions=text("instructions"),
            labels=labels if task_type == "single_choice" else (), pay_paise=50)
        projects.add_tasks(self.db, project["id"], [
            {"text": payload if field == "task text" else "Plain task"}] * tasks)
        return project

    def visitor(self, user):
        visitor = Visitor(self.app.test_client())
        visitor.login(user)
        return visitor


def _named(world, payload):
    """An annotator whose name is the payload."""
    world.annotator = users.create_user(
        world.db, login="9000000077", password=PIN, role="annotator", name=payload,
        centre="KRR", hash_method=CHEAP_HASH)
    world.project()


def _typed_back(world, payload):
    """Her free-text answer, refused (too long) and given back to mend."""
    world.project(task_type="free_text")
    world.typed = payload + "x" * 2001


ANNOTATOR_PAGES = ("/home", "/tasks/{slug}/next", "/tasks/{slug}/next#htmx",
                   "/tasks/{slug}/batch")

# field: (set it up, who looks, pages)
FIELDS = {
    "user name": (_named, "annotator", ("/home",)),
    "project name": (lambda w, p: w.project(p, "name"), "annotator", ANNOTATOR_PAGES),
    "project name (supervisor)": (lambda w, p: w.project(p, "name"), "supervisor",
                                  ("/supervisor/",)),
    "instructions": (lambda w, p: w.project(p, "instructions"), "annotator",
                     ANNOTATOR_PAGES[1:]),
    "label text": (lambda w, p: w.project(p, "label"), "annotator", ANNOTATOR_PAGES[1:]),
    "label value": (lambda w, p: w.project(p, "label value"), "annotator",
                    ANNOTATOR_PAGES[1:]),
    "task text": (lambda w, p: w.project(p, "task text"), "annotator", ANNOTATOR_PAGES[1:]),
}


@pytest.fixture
def world(app, db, make_user):
    return World(app, db, make_user)


def _get(visitor, world, page):
    slug = one(world.db, "SELECT slug FROM projects ORDER BY id DESC LIMIT 1")["slug"]
    path, _, mode = page.format(slug=slug).partition("#")
    response = visitor.get(path, htmx=mode == "htmx")
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _assert_escaped(body, payload, where):
    if str(escape(payload)) == payload:  # template syntax, no markup: shown as it is
        assert payload in body, f"{where}: the text is not shown as typed"
        return
    assert payload not in body, f"{where}: raw markup in the page"
    assert str(escape(payload)) in body, f"{where}: the text is not shown (escaped)"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_markup_in_a_field_comes_out_escaped(world, field, payload):
    setup, who, pages = FIELDS[field]
    setup(world, payload)
    visitor = world.visitor(getattr(world, who))
    for page in pages:
        body = _get(visitor, world, page)
        if payload.startswith("javascript:"):
            assert 'href="javascript:' not in body and 'src="javascript:' not in body
            continue
        _assert_escaped(body, payload, f"{field} on {page}")


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_her_refused_text_comes_back_escaped(world, payload):
    _typed_back(world, payload)
    visitor = world.visitor(world.annotator)
    _get(visitor, world, "/tasks/{slug}/next")
    for htmx in (False, True):
        response = visitor.post("/answers/1", {"answer": world.typed}, htmx=htmx)
        assert response.status_code == 400
        _assert_escaped(response.get_data(as_text=True), payload, "refused answer")


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_markup_typed_in_the_login_box_comes_back_escaped(visitor, payload):
    response = visitor.post("/login", {"login": payload, "password": "x"})
    assert response.status_code == 401
    _assert_escaped(response.get_data(as_text=True), payload, "login box")


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_a_check_note_sent_by_sync_carries_the_label_as_text(world, payload):
    """The note goes into the page by textContent; its JSON keeps the label as data."""
    project = world.project(payload, "label")
    db = world.db
    db.execute("UPDATE tasks SET gold_answer = 'pos'")  # the payload label is right
    visitor = world.visitor(world.annotator)
    visitor.get(f"/tasks/{project['slug']}/next")
    response = visitor.client.post("/answers/sync", data=json.dumps(
        {"items": [{"id": 1, "answer": "neg"}]}), headers={
        "Content-Type": "application/json", "X-CSRFToken": visitor.token})
    assert response.status_code == 200 and response.mimetype == "application/json"
    result = response.get_json()["results"][0]
    assert result["ok"] and payload in result["message"]  # data, for textContent
    import os
    script = open(os.path.join(world.app.root_path, "static", "app.js")).read()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "me.textContent" in script


# SQL metacharacters

SQL = ["' OR '1'='1", "9876500001' --", "admin'--", '"; DROP TABLE users; --',
       "1; DELETE FROM sessions", "%", "_", "\\", "' UNION SELECT password_hash FROM users --"]


@pytest.mark.parametrize("login", SQL)
def test_sql_in_the_login_box_is_only_a_wrong_login(visitor, make_user, db, login):
    make_user()
    response = visitor.post("/login", {"login": login, "password": "' OR '1'='1"})
    assert response.status_code == 401
    assert one(db, "SELECT count(*) AS n FROM users")["n"] == 1
    assert one(db, "SELECT login FROM login_attempts ORDER BY id DESC")["login"] == login.strip()


@pytest.mark.parametrize("arg", SQL)
def test_sql_in_query_arguments_and_paths_is_harmless(world, arg):
    from urllib.parse import quote
    project = world.project()
    annotator = world.visitor(world.annotator)
    assert annotator.get("/earnings", query_string={"page": arg}).status_code == 200
    assert annotator.get(f"/tasks/{project['slug']}/next",
                         query_string={"missed": arg}).status_code == 200
    assert annotator.get(f"/tasks/{quote(arg, safe='')}/next").status_code in (404, 405)
    assert annotator.get(f"/media/{quote(arg, safe='')}").status_code == 404
    supervisor = world.visitor(world.supervisor)
    assert supervisor.get("/supervisor/", query_string={"page": arg}).status_code == 200
    assert one(world.db, "SELECT count(*) AS n FROM users")["n"] == 2


# Size limits: every POST route refuses a body past 1 MB; uploads add their line here.

UPLOADS = {}  # route: (form field, its limit in bytes): imports (#7) and quiz pictures (#6)


def test_every_post_route_refuses_a_body_past_the_limit(app, world):
    from tests.test_access import ROUTES
    visitor = world.visitor(world.annotator)
    visitor.get("/home")
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for (method, endpoint), (template, _statuses, _body) in ROUTES.items():
        if method != "POST":
            continue
        path = template.format(slug="p0", a=1, m=1)
        response = visitor.post(path, {"pad": big})
        assert response.status_code == 413, f"{endpoint}: {response.status_code}"
        assert "Something went wrong" in response.get_data(as_text=True)


def test_every_upload_refuses_a_file_past_its_limit(world):
    import io
    visitor = world.visitor(world.supervisor)
    for route, (field, limit) in UPLOADS.items():
        response = visitor.post(route, {field: (io.BytesIO(b"x" * (limit + 1)), "big.csv")},
                                content_type="multipart/form-data")
        assert response.status_code == 413, route

"""Who reaches what: every route x every role, object checks, CSRF on every state-changing
route, logout ending the session on the server (#10 item 4).

A route added anywhere must get one line in ROUTES, or test_every_route_has_an_expectation
fails naming it.
"""
import functools
import hashlib
import json
import random

import pytest

from core import projects, qualifications, tasks
from core.db import one
from tests.conftest import Visitor

ROLES = ("anonymous", "trainee", "annotator", "supervisor", "other_supervisor", "admin")
A, B, C, D, E, F = ROLES

# Status by role, in the order of ROLES. Anonymous users are sent to log in (302).
WORKER = (302, 200, 200, 403, 403, 403)  # an annotator's own pages
PAID = (302, 404, 200, 403, 403, 403)  # paid work on the project she holds (trainee: not hers)
PAID_POST = (302, 404, 303, 403, 403, 403)
SUPERVISOR = (302, 403, 403, 200, 200, 200)
EVERYONE = (200,) * 6
ANY_USER = (302, 200, 200, 200, 200, 200)

# (method, endpoint): (path, statuses by role, body). In paths: {slug} the project, {a} the
# annotator's assignment, {m} its picture. Body: form dict, or ("json", value).
ROUTES = {
    ("GET", "auth.login"): ("/login", (200, 302, 302, 302, 302, 302), None),
    ("POST", "auth.login"): ("/login", (401,) * 6, {"login": "nobody", "password": "x"}),
    ("POST", "auth.logout"): ("/logout", (302, 303, 303, 303, 303, 303), {}),
    ("GET", "auth.change_pin"): ("/account/pin", ANY_USER, None),
    ("POST", "auth.change_pin"): ("/account/pin", (302, 400, 400, 400, 400, 400), {}),
    ("POST", "auth.set_lang"): ("/lang", (303,) * 6, {"lang": "en"}),
    ("GET", "auth.index"): ("/", (302,) * 6, None),
    ("GET", "work.home"): ("/home", WORKER, None),
    ("GET", "work.next_task"): ("/tasks/{slug}/next", PAID, None),
    ("POST", "work.answer"): ("/answers/{a}", PAID_POST, {"answer": "pos"}),
    ("POST", "work.skip"): ("/assignments/{a}/skip", PAID_POST, {"reason": "unsure"}),
    ("GET", "work.batch"): ("/tasks/{slug}/batch", PAID, None),
    ("POST", "work.sync"): ("/answers/sync", (302, 200, 200, 403, 403, 403),
                            ("json", {"items": []})),
    ("GET", "work.media"): ("/media/{m}", PAID, None),
    ("GET", "work.earnings_page"): ("/earnings", WORKER, None),
    ("GET", "supervisor.overview"): ("/supervisor/", SUPERVISOR, None),
    ("GET", "health.healthz"): ("/healthz", EVERYONE, None),
    ("GET", "pwa.manifest"): ("/manifest.webmanifest", EVERYONE, None),
    ("GET", "pwa.service_worker"): ("/sw.js", EVERYONE, None),
    ("GET", "pwa.offline"): ("/offline", EVERYONE, None),
}


@functools.cache
def _picture():
    from core.demo import leaf_picture
    from core.media import prepare_image
    return prepare_image(leaf_picture("healthy", random.Random(1)))


class World:
    """Two centres; in Karur a project with a picture task held by the annotator."""

    def __init__(self, app, db, make_user, make_project):
        self.app, self.db = app, db
        self.project = make_project(tasks=0)
        projects.add_tasks(db, self.project["id"], [
            {"image": _picture()},
            {"text": "Sentence 1"}, {"text": "Sentence 2"}])
        self.other_project = make_project(centre="STP", slug="p-stp")
        self.users = {
            "annotator": make_user(), "trainee": make_user(),
            "supervisor": make_user(role="supervisor"),
            "other_supervisor": make_user(role="supervisor", centre="STP"),
            "admin": make_user(role="admin"),
            "neighbour": make_user(),  # another annotator of the same centre
            "stranger": make_user(centre="STP"),  # an annotator of the other centre
        }
        qualifications.set_status(db, self.users["trainee"]["id"], self.project["id"],
                                  "trainee")
        self.assignment = tasks.claim_next(db, self.users["annotator"]["id"], self.project)
        self.media = self.assignment["media_id"]
        assert self.media

    def path(self, template):
        return template.format(slug=self.project["slug"], a=self.assignment["id"],
                               m=self.media)

    def visitor(self, role):
        visitor = Visitor(self.app.test_client())
        if role != "anonymous":
            visitor.login(self.users[role])
        return visitor


@pytest.fixture
def world(app, db, make_user, make_project):
    return World(app, db, make_user, make_project)


def _send(visitor, method, path, body, csrf=True):
    if method == "GET":
        return visitor.get(path)
    if isinstance(body, tuple):  # JSON, with the header the phone's script sends
        if visitor.token is None:
            visitor.get("/login", follow_redirects=True)
        headers = {"X-CSRFToken": visitor.token} if csrf else {}
        return visitor.client.post(path, data=json.dumps(body[1]), headers={
            "Content-Type": "application/json", **headers})
    return visitor.post(path, body, csrf=csrf)


def _methods(rule):
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_route_has_an_expectation(app):
    routes = {(method, rule.endpoint) for rule in app.url_map.iter_rules()
              for method in _methods(rule)}
    missing = sorted(routes - set(ROUTES))
    assert not missing, f"add a line to ROUTES in tests/test_access.py for: {missing}"
    stale = sorted(set(ROUTES) - routes)
    assert not stale, f"ROUTES names routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_role_gets_the_expected_status(world, route, role):
    method, _endpoint = route
    template, statuses, body = ROUTES[route]
    response = _send(world.visitor(role), method, world.path(template), body)
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected, \
        f"{method} {template} as {role}: {response.status_code}, expected {expected}"
    if expected == 302 and role == "anonymous":
        assert response.headers["Location"].startswith("/login")


def _fingerprint(db):
    """Every row of every table but the per-response traffic count."""
    digest = hashlib.sha256()
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                               " AND name NOT IN ('traffic', 'sqlite_sequence')"
                               " ORDER BY name").fetchall():
        for row in db.execute(f"SELECT * FROM [{table}] ORDER BY 1").fetchall():
            digest.update(repr((table, row)).encode())
    return digest.hexdigest()


def _who_may(route):
    """The first role that may use a state-changing route (so CSRF is all that stops it)."""
    statuses = ROUTES[route][1]
    for role, status in zip(ROLES, statuses):
        if status not in (302, 403, 404):
            return role
    return "anonymous"


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if r[0] != "GET"),
                         ids=lambda r: f"{r[0]} {r[1]}")
def test_a_state_changing_request_without_csrf_token_is_refused(world, route):
    method, _endpoint = route
    template, _statuses, body = ROUTES[route]
    visitor = world.visitor(_who_may(route) if route[1] != "auth.logout" else "annotator")
    before = _fingerprint(world.db)
    response = _send(visitor, method, world.path(template), body, csrf=False)
    assert response.status_code == 400, f"{method} {template}: {response.status_code}"
    assert "This page was open too long" in response.get_data(as_text=True)
    assert _fingerprint(world.db) == before


def test_every_post_route_is_in_the_csrf_walk(app):
    posts = {(m, rule.endpoint) for rule in app.url_map.iter_rules() for m in _methods(rule)
             if m not in ("GET",)}
    assert posts <= set(ROUTES)  # the CSRF test runs over every ROUTES entry but GETs


# Object checks: the right role, someone else's row. More come with each screen.

def test_another_annotator_cannot_see_her_picture(world):
    for role in ("neighbour", "stranger"):
        assert world.visitor(role).get(world.path("/media/{m}")).status_code == 404


@pytest.mark.parametrize("path,body", [("/answers/{a}", {"answer": "pos"}),
                                       ("/assignments/{a}/skip", {"reason": "unsure"})])
def test_another_annotator_cannot_answer_or_skip_her_task(world, path, body):
    others = [world.visitor(role) for role in ("neighbour", "stranger")]
    before = _fingerprint(world.db)
    for visitor in others:
        assert visitor.post(world.path(path), body).status_code == 404
    assert one(world.db, "SELECT state FROM assignments WHERE id = ?",
               (world.assignment["id"],))["state"] == "active"
    assert _fingerprint(world.db) == before


def test_another_annotator_cannot_send_her_answer_by_sync(world):
    visitor = world.visitor("neighbour")
    response = _send(visitor, "POST", "/answers/sync",
                     ("json", {"items": [{"id": world.assignment["id"], "answer": "pos"}]}))
    assert response.get_json()["results"][0]["ok"] is False
    assert one(world.db, "SELECT state FROM assignments WHERE id = ?",
               (world.assignment["id"],))["state"] == "active"


def test_an_annotator_of_another_centre_gets_none_of_its_projects(world):
    visitor = world.visitor("stranger")
    for path in ("/tasks/{slug}/next", "/tasks/{slug}/batch"):
        assert visitor.get(world.path(path)).status_code == 404
    assert world.project["slug"] not in visitor.get("/home").get_data(as_text=True)


def test_a_supervisor_sees_only_her_centres_projects(world):
    mine = world.visitor("supervisor").get("/supervisor/").get_data(as_text=True)
    theirs = world.visitor("other_supervisor").get("/supervisor/").get_data(as_text=True)
    every = world.visitor("admin").get("/supervisor/").get_data(as_text=True)
    assert world.project["name_en"] in mine and world.other_project["slug"] not in mine
    assert world.project["slug"] not in theirs
    assert world.project["name_en"] in every


# Sessions: logout ends them on the server, for every role.

@pytest.mark.parametrize("role", ROLES[1:])
def test_a_copied_cookie_stops_working_at_logout(world, role):
    visitor = world.visitor(role)
    home = ROUTES[("GET", "work.home" if role in ("trainee", "annotator")
                   else "supervisor.overview")][0]
    copy = Visitor(world.app.test_client())
    copy.client.set_cookie("session", visitor.client.get_cookie("session").value)
    assert copy.get(home).status_code == 200
    visitor.post("/logout")
    assert copy.get(home).status_code == 302

"""Logging in and out, lockout after repeated failures, roles, CSRF, headers."""
import pytest

from core.db import one
from tests.conftest import PIN


def test_good_login_goes_home_and_logout_ends_the_session(visitor, make_user):
    worker = make_user()
    response = visitor.login(worker)
    assert response.headers["Location"] == "/home"
    assert visitor.get("/home").status_code == 200
    assert visitor.post("/logout").status_code == 303
    assert visitor.get("/home").headers["Location"].startswith("/login")


def test_supervisor_lands_on_the_centre_overview(visitor, make_user, make_project):
    make_project()
    response = visitor.login(make_user(role="supervisor"))
    assert response.headers["Location"] == "/supervisor/"
    assert 'data-label="Tasks open">5<' in visitor.get("/supervisor/").get_data(as_text=True)


def test_wrong_pin_says_how_many_tries_are_left(visitor, make_user, db):
    worker = make_user()
    response = visitor.post("/login", {"login": worker["login"], "password": "0000"})
    assert response.status_code == 401
    assert "Wrong phone number or PIN. 4 tries left." in response.get_data(as_text=True)
    assert one(db, "SELECT ok FROM login_attempts")["ok"] == 0


def test_five_failures_from_one_address_lock_that_login_there_right_pin_too(visitor, make_user, db):
    worker = make_user()
    for _ in range(5):
        visitor.post("/login", {"login": worker["login"], "password": "0000"})
    response = visitor.post("/login", {"login": worker["login"], "password": PIN})
    assert response.status_code == 429
    assert "Too many wrong tries. Try again in 15 minutes." in response.get_data(as_text=True)
    assert visitor.get("/home").status_code == 302


def test_lockout_is_shared_by_every_worker_process(app, make_user, db):
    """The count lives in SQLite: failures seen by one app instance lock the other."""
    from app import create_app
    from tests.conftest import Visitor

    worker = make_user()
    other = create_app(dict(app.config))
    for instance in (app, other, app, other, app):
        Visitor(instance.test_client()).post("/login", {"login": worker["login"],
                                                         "password": "0000"})
    response = Visitor(other.test_client()).post("/login", {"login": worker["login"],
                                                             "password": PIN})
    assert response.status_code == 429


def test_lockout_message_is_in_hindi_for_a_hindi_browser(visitor, make_user):
    worker = make_user()
    visitor.post("/lang", {"lang": "hi", "next": "/login"})
    for _ in range(5):
        response = visitor.post("/login", {"login": worker["login"], "password": "0000"})
    body = response.get_data(as_text=True)
    assert "Too many" not in body and "मिनट" in body


def test_a_login_link_never_sends_anyone_off_site(visitor, make_user):
    worker = make_user()
    visitor.get("/login")
    response = visitor.client.post("/login?next=//evil.example/x", data={
        "login": worker["login"], "password": PIN, "csrf_token": visitor.token})
    assert response.headers["Location"] == "/home"


@pytest.mark.parametrize("target,lands", [
    ("/tasks/{slug}/next", "/home"),  # a GET that claims a task: never through a link
    ("/tasks/{slug}/next?after=skipped", "/home"),
    ("/answers/sync", "/home"),  # no page to see
    ("/no/such/page", "/home"),
    ("/earnings?page=2", "/earnings?page=2"),  # a page to see: she lands there
    ("/tasks/{slug}/batch", "/tasks/{slug}/batch"),  # shows what she holds, claims nothing
])
def test_next_after_login_leads_only_to_pages_that_change_nothing(
        visitor, make_user, make_project, db, target, lands):
    slug = make_project()["slug"]
    response = visitor.post("/login?next=" + target.format(slug=slug).replace("?", "%3F"),
                            {"login": make_user()["login"], "password": PIN})
    assert response.status_code == 303 and response.location == lands.format(slug=slug)
    assert one(db, "SELECT count(*) AS n FROM assignments")["n"] == 0


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie:a=b", "/home\nX: y", "/\x00"])
def test_a_line_break_in_next_falls_back_home(visitor, make_user, db, target):
    worker = make_user()
    visitor.get("/login")
    response = visitor.client.post("/login", query_string={"next": target}, data={
        "login": worker["login"], "password": PIN, "csrf_token": visitor.token})
    assert response.status_code == 303 and response.headers["Location"] == "/home"
    visitor.token = None
    switched = visitor.post("/lang", {"lang": "ta", "next": target})
    assert switched.status_code == 303 and switched.headers["Location"] == "/home"


def test_a_post_without_csrf_token_is_refused(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project()
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    response = visitor.post("/answers/1", {"answer": "pos"}, csrf=False)
    assert response.status_code == 400
    assert "This page was open too long" in response.get_data(as_text=True)
    assert one(db, "SELECT state FROM assignments")["state"] == "active"


def test_the_csrf_header_that_htmx_sends_is_accepted(visitor, make_user, make_project, db):
    worker, project = make_user(), make_project()
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    response = visitor.client.post("/answers/1", data={"answer": "pos"}, headers={
        "HX-Request": "true", "X-CSRFToken": visitor.token})
    assert response.status_code == 200
    assert one(db, "SELECT state FROM assignments WHERE id = 1")["state"] == "submitted"


def test_logged_out_htmx_request_is_redirected_by_header(visitor):
    response = visitor.get("/home", htmx=True)
    assert response.headers["HX-Redirect"].startswith("/login") and b"<" not in response.data


def test_pages_carry_security_headers_and_a_strict_csp(visitor):
    response = visitor.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script at all


def test_session_cookie_is_httponly_and_samesite(visitor, make_user):
    response = visitor.login(make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_is_renewed_once_a_day_not_on_every_task(visitor, make_user,
                                                              make_project):
    project = make_project()
    visitor.login(make_user())
    first = visitor.get("/home")  # the first request of her day renews the cookie
    assert "Set-Cookie" in first.headers
    card = visitor.get(f"/tasks/{project['slug']}/next", htmx=True)
    assert card.status_code == 200 and "Set-Cookie" not in card.headers
    with visitor.client.session_transaction() as session:
        session["day"] = "2000-01-01"  # as if she last came yesterday
    assert "Set-Cookie" in visitor.get("/home").headers


def test_task_fragments_carry_no_document_headers(visitor, make_user, make_project):
    project = make_project()
    visitor.login(make_user())
    card = visitor.get(f"/tasks/{project['slug']}/next", htmx=True)
    assert "Content-Security-Policy" not in card.headers
    assert card.headers["X-Content-Type-Options"] == "nosniff"
    page = visitor.get(f"/tasks/{project['slug']}/next")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_behind_a_proxy_lockout_counts_the_real_address(app, make_user, db):
    """With PROXY_COUNT=1 (nginx in front) failures are counted per phone, not per proxy."""
    from app import create_app
    from tests.conftest import Visitor

    behind = create_app({**app.config, "PROXY_COUNT": 1})
    worker = make_user()
    Visitor(behind.test_client()).post(
        "/login", {"login": worker["login"], "password": "0000"},
        headers={"X-Forwarded-For": "203.0.113.7"})
    assert one(db, "SELECT ip FROM login_attempts")["ip"] == "203.0.113.7"


@pytest.mark.parametrize("role,url,status", [
    ("annotator", "/supervisor/", 403),
    ("supervisor", "/home", 403),
    ("supervisor", "/earnings", 403),
    ("admin", "/supervisor/", 200),
])
def test_each_role_reaches_only_its_pages(visitor, make_user, role, url, status):
    visitor.login(make_user(role=role, password="long-password"), password="long-password")
    response = visitor.get(url)
    assert response.status_code == status
    if status == 403:
        assert "This page is not for your role." in response.get_data(as_text=True)


PUBLIC = {"auth.login", "auth.login_code", "auth.set_lang", "auth.index", "health.healthz", "pwa.manifest",
          "pwa.service_worker", "pwa.offline"}


def test_every_route_outside_login_is_role_guarded(app):
    unguarded = set()
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "public", False):
            assert rule.endpoint in PUBLIC, f"{rule.endpoint} is public but should not be"
        elif not getattr(view, "roles", None):
            unguarded.add(rule.endpoint)
    assert not unguarded, f"routes without a role guard: {sorted(unguarded)}"


def test_healthz_answers_when_the_database_does(visitor, app):
    assert visitor.get("/healthz").get_json() == {"status": "ok"}
    app.config["VELAI_DB"] = "/nonexistent/dir/velai.db"
    assert visitor.get("/healthz").status_code == 503


def test_a_guesser_cannot_clear_the_address_limit_by_logging_in_to_her_own_account(
        db, make_user):
    from core import users

    import datetime as dt

    own, refusals = make_user(), []
    clock = iter(users.utcnow() + dt.timedelta(seconds=n) for n in range(1000))
    for round_ in range(3):  # 28 guesses, under the address limit of 30, then her own login
        for other in [make_user() for _ in range(7)]:
            for _ in range(4):  # under the per-login limit of 5
                refusals.append(users.authenticate(db, other["login"], "0000", "10.1.1.1",
                                                   now=next(clock))[1])
        users.authenticate(db, own["login"], PIN, "10.1.1.1", now=next(clock))
    assert "locked" in {r.code for r in refusals if r}
    assert sum(1 for r in refusals if r and r.code == "bad_credentials") == \
        users.MAX_IP_FAILURES


def test_a_centre_behind_one_address_is_not_locked_by_its_own_typos(db, make_user):
    from core import users

    workers = [make_user() for _ in range(users.MAX_IP_FAILURES + 5)]
    for worker in workers:  # everyone mistypes once, then gets in
        assert users.authenticate(db, worker["login"], "0000", "10.2.2.2")[0] is None
        assert users.authenticate(db, worker["login"], PIN, "10.2.2.2")[0] is not None


def test_parallel_guesses_cannot_slip_past_the_lockout(app, make_user):
    """Each guess is counted before its slow hash check, so a burst gets no more than five."""
    import threading

    from core import db as coredb
    from core import users

    worker = make_user()
    with coredb.connect(app.config["VELAI_DB"]).conn as conn:  # a slow hash widens the race
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                     (users.generate_password_hash(PIN, "pbkdf2:sha256:300000"),
                      worker["id"]))
    start, codes = threading.Barrier(12), []

    def guess():
        database = coredb.connect(app.config["VELAI_DB"])
        start.wait()
        codes.append(users.authenticate(database, worker["login"], "0000", "10.3.3.3")[1].code)
        database.close()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Five guesses were tried (the fifth already says "locked"); the other seven never were.
    assert codes.count("bad_credentials") == users.MAX_FAILURES - 1
    assert codes.count("locked") == 12 - users.MAX_FAILURES + 1
    tried = coredb.connect(app.config["VELAI_DB"]).execute(
        "SELECT count(*) FROM login_attempts WHERE login = ?", (worker["login"],)).fetchone()
    assert tried[0] == users.MAX_FAILURES

"""Her consent and her own data (#19, DPDP): asked at first login, in her language,
recorded append-only with the text's version; her own answers, pay and logins."""
import csv
import io
import json
import sqlite3

import pytest

from core import consent
from core.db import one, rows
from payout_helpers import answers


def test_first_login_asks_for_consent_in_her_language_and_work_waits(visitor, make_user, db):
    worker = make_user(lang="ta", consented=False)
    visitor.login(worker)
    home = visitor.get("/home")
    assert home.status_code == 302 and home.headers["Location"] == "/account/consent"
    assert visitor.get("/home", htmx=True).headers["HX-Redirect"] == "/account/consent"
    page = visitor.get("/account/consent").get_data(as_text=True)
    assert "வேலையில் உங்கள் டேட்டா" in page and "ஒப்புக்கொள்கிறேன்" in page  # her language
    assert "400" in page  # the access log's retention, as configured
    # She can read her own data and log out before agreeing.
    assert visitor.get("/account/data").status_code == 200
    assert one(db, "SELECT count(*) AS n FROM consents")["n"] == 0
    response = visitor.post("/account/consent")
    assert response.status_code == 303 and response.headers["Location"] == "/home"
    assert visitor.get("/home").status_code == 200
    row = one(db, "SELECT user_id, version, session FROM consents")
    assert row["user_id"] == worker["id"] and row["version"] == consent.VERSION
    assert row["session"]  # which session she agreed in, as a digest
    assert one(db, "SELECT consent_version FROM users WHERE id = ?",
               (worker["id"],))["consent_version"] == consent.VERSION


def test_a_new_version_of_the_text_asks_again(visitor, make_user, db, monkeypatch):
    worker = make_user()
    visitor.login(worker)
    assert visitor.get("/home").status_code == 200
    monkeypatch.setattr(consent, "VERSION", consent.VERSION + 1)
    assert visitor.get("/home").headers["Location"] == "/account/consent"
    visitor.post("/account/consent")
    assert visitor.get("/home").status_code == 200
    assert [r["version"] for r in rows(db, "SELECT version FROM consents ORDER BY id")] == \
        [consent.VERSION - 1, consent.VERSION]


def test_consents_are_append_only_in_the_database(make_user, db):
    make_user()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE consents SET version = 99")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM consents")


def test_the_consent_check_costs_no_query_per_task(app, make_user, make_project, visitor):
    make_project()
    worker = make_user()
    visitor.login(worker)
    visitor.get("/home")
    statements = []
    from views import db as viewdb
    original = viewdb.get_db

    def counting():
        database = original()
        database.conn.set_trace_callback(statements.append)
        return database
    import views.session
    views.session.get_db = counting
    try:
        visitor.get("/home")
    finally:
        views.session.get_db = original
    assert any("FROM sessions" in s for s in statements)  # the one lookup, traced
    assert not any("consent" in s for s in statements)


def test_her_data_page_and_downloads_hold_her_rows_only(visitor, make_user, make_project, db):
    project = make_project()
    kavitha, priya = make_user(), make_user()
    answers(db, kavitha, project, 3)
    answers(db, priya, project, 2)
    db.execute("UPDATE assignments SET answer = 'kavitha-answer' WHERE user_id = ?",
               (kavitha["id"],))
    db.execute("UPDATE assignments SET answer = 'priya-answer' WHERE user_id = ?",
               (priya["id"],))
    visitor.login(kavitha)
    page = visitor.get("/account/data").get_data(as_text=True)
    assert "kavitha-answer" in page and "priya-answer" not in page
    download = visitor.get("/account/data.csv")
    assert download.headers["Content-Disposition"].startswith("attachment")
    table = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    answer_rows = [r for r in table if r[0] == "answers"]
    assert len(answer_rows) == 3 and all(r[3] == "kavitha-answer" for r in answer_rows)
    assert [r for r in table if r[0] == "logins"]  # this login is there
    data = json.loads(visitor.get("/account/data.json").get_data(as_text=True))
    assert {a["answer"] for a in data["answers"]} == {"kavitha-answer"}
    assert len(data["answers"]) == 3 and data["logins"] and data["consents"]
    assert "priya" not in json.dumps(data)
    tasks_of_priya = {r["task_id"] for r in rows(
        db, "SELECT task_id FROM assignments WHERE user_id = ?", (priya["id"],))}
    assert not tasks_of_priya & {a["task_id"] for a in data["answers"]}


def test_login_keeps_a_coarse_device_hint(visitor, make_user, db):
    worker = make_user()
    visitor.client.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/120.0.0.0 Mobile Safari/537.36")
    visitor.login(worker)
    assert one(db, "SELECT device FROM sessions")["device"] == "Chrome / Android"

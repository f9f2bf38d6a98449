"""A database that cannot write (locked for long, read-only, full) gives a clear page in
her language, 503, and writes nothing half-way."""
import sqlite3

import pytest
from sqlite_utils import Database

from core import db as coredb
from core.db import one

BUSY_TA = "இப்போது நெரிசல் அதிகம்"  # the start of the Tamil sentence
CANNOT_SAVE_HI = "वेलै अभी सेव नहीं कर पा रहा"


def _start(visitor, make_user, make_project, lang="ta", task_type="single_choice"):
    worker = make_user(lang=lang)
    project = make_project(task_type=task_type)
    visitor.login(worker)
    card = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert "/answers/" in card
    return worker, project


def _held(db, worker):
    return one(db, "SELECT id, state, answer FROM assignments WHERE user_id = ?"
                   " ORDER BY id LIMIT 1", (worker["id"],))


def _answer_is_refused_with(visitor, db, worker, expected, answer="pos"):
    assignment = _held(db, worker)
    for htmx in (False, True):
        response = visitor.post(f"/answers/{assignment['id']}", {"answer": answer},
                                htmx=htmx)
        body = response.get_data(as_text=True)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "60"
        assert expected in body
        assert "Traceback" not in body and "sqlite" not in body.lower()
        assert ("<html" in body) is not htmx  # the card area, for htmx
        if htmx:
            assert 'id="task"' in body
    after = _held(db, worker)
    assert (after["state"], after["answer"]) == ("active", None)  # nothing written
    assert one(db, "SELECT count(*) AS n FROM assignments WHERE user_id = ?"
                   " AND state = 'submitted'", (worker["id"],))["n"] == 0


def test_a_database_locked_for_long_gives_a_busy_page_in_her_language(
        app, db, visitor, make_user, make_project, monkeypatch):
    worker, _project = _start(visitor, make_user, make_project, lang="ta")
    monkeypatch.setattr(coredb, "BUSY_TIMEOUT_MS", 100)  # wait 0.1 s, not 10
    other = sqlite3.connect(app.config["VELAI_DB"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock (an import, a backup)
    try:
        _answer_is_refused_with(visitor, db, worker, BUSY_TA)
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Once the lock is free, the same answer goes in.
    assignment = _held(db, worker)
    assert visitor.post(f"/answers/{assignment['id']}", {"answer": "pos"},
                        htmx=True).status_code == 200
    assert _held(db, worker)["state"] == "submitted"


def test_a_read_only_database_gives_a_cannot_save_page_in_her_language(
        app, db, visitor, make_user, make_project, monkeypatch):
    worker, _project = _start(visitor, make_user, make_project, lang="hi")

    def read_only(path):  # as SQLite opens a file it may not write
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        coredb.register_functions(conn)  # as connect does: the triggers call them
        return Database(conn, execute_plugins=False)
    monkeypatch.setattr(coredb, "connect", read_only)
    _answer_is_refused_with(visitor, db, worker, CANNOT_SAVE_HI)


def test_a_full_disk_gives_a_cannot_save_page_and_keeps_no_part_of_the_answer(
        app, db, visitor, make_user, make_project, monkeypatch):
    worker, _project = _start(visitor, make_user, make_project, lang="hi",
                              task_type="free_text")
    db.execute("VACUUM")  # no free pages left inside the file
    real_connect = coredb.connect

    def full(path):  # the file may not grow by one page: SQLite's "disk is full"
        conn = real_connect(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn
    monkeypatch.setattr(coredb, "connect", full)
    _answer_is_refused_with(visitor, db, worker, CANNOT_SAVE_HI, answer="அ" * 2000)


def test_other_database_errors_are_not_passed_off_as_a_busy_database(app):
    from views.web import _database_fault
    with app.test_request_context("/"):
        with pytest.raises(sqlite3.OperationalError):
            _database_fault(sqlite3.OperationalError("no such table: nothing"))

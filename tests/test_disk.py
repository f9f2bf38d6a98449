"""The database's health, told truly and cheaply: /healthz says 503 and why when nothing
can be saved; read-only -wal and -shm left by a server started on a read-only file are
repaired at start; a filling disk warns supervisors, then stops new leases before any
answer is refused (core/disk.py). Free space is simulated through core.disk.free_bytes."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import pytest

from core import disk
from core.db import one
from tests import live

TA_NO_LEASES = "புதிய பணிகள் இல்லை"  # the start of the Tamil card


def _free(monkeypatch, mb):
    monkeypatch.setattr(disk, "free_bytes", lambda path: mb * disk.MB)


def test_healthz_is_ok_when_the_database_can_take_a_write(visitor, db):
    visitor.get("/healthz")
    before = one(db, "PRAGMA data_version")["data_version"]
    response = visitor.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    # Cheap: the probe wrote nothing (no other connection committed since).
    assert one(db, "PRAGMA data_version")["data_version"] == before


def test_healthz_says_503_and_why_when_nothing_can_be_saved(visitor, app, monkeypatch):
    path = app.config["VELAI_DB"]
    visitor.get("/healthz")  # the -wal and -shm exist now
    for not_writable, reason in ((path, "read_only"), (os.path.dirname(path),
                                 "read_only_directory"), (path + "-wal", "read_only_log"),
                                 (path + "-shm", "read_only_log")):
        monkeypatch.setattr(disk, "_writable", lambda p, bad=not_writable: p != bad)
        response = visitor.get("/healthz")
        assert (response.status_code, response.get_json()) == (
            503, {"status": "error", "reason": reason})
    monkeypatch.undo()
    _free(monkeypatch, disk.FULL_MB - 1)
    assert visitor.get("/healthz").get_json()["reason"] == "disk_full"
    _free(monkeypatch, disk.FULL_MB)
    assert visitor.get("/healthz").status_code == 200


def test_healthz_says_locked_when_another_writer_holds_the_database_too_long(
        visitor, app, monkeypatch):
    monkeypatch.setattr(disk, "LOCK_BOUND_MS", 100)
    other = sqlite3.connect(app.config["VELAI_DB"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        response = visitor.get("/healthz")
        assert (response.status_code, response.get_json()["reason"]) == (503, "locked")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert visitor.get("/healthz").status_code == 200


def test_a_filling_disk_warns_supervisors_in_their_language(
        visitor, app, make_user, monkeypatch):
    visitor.login(make_user(role="supervisor", lang="ta"))
    _free(monkeypatch, disk.WARN_MB)
    assert "சேமிக்கும் இடம்" not in visitor.get("/supervisor/").get_data(as_text=True)
    _free(monkeypatch, disk.WARN_MB - 1)
    page = visitor.get("/supervisor/").get_data(as_text=True)
    assert "சேமிக்கும் இடம்" in page and "1,023 MB" in page and "256 MB" in page
    _free(monkeypatch, 100)
    page = visitor.get("/supervisor/").get_data(as_text=True)
    assert "100 MB" in page and "இடம் விடுவிக்கப்படும் வரை" in page
    app.config["DISK_WARN_MB"] = 50  # FLASK_DISK_WARN_MB: the thresholds are settings
    app.config["DISK_NO_LEASES_MB"] = 20
    assert "சேமிக்கும் இடம்" not in visitor.get("/supervisor/").get_data(as_text=True)


def test_a_nearly_full_disk_stops_new_leases_but_still_takes_her_answers(
        visitor, db, make_user, make_project, monkeypatch):
    worker, project = make_user(lang="ta"), make_project(tasks=5)
    visitor.login(worker)
    _free(monkeypatch, disk.WARN_MB - 1)  # warned, still leasing
    card = visitor.get(f"/tasks/{project['slug']}/next", htmx=True).get_data(as_text=True)
    held = one(db, "SELECT id FROM assignments WHERE user_id = ?", (worker["id"],))["id"]
    assert f"/answers/{held}" in card
    _free(monkeypatch, disk.NO_LEASES_MB - 1)
    # Her running task is still hers; her answer goes in; no new lease is made.
    assert f"/answers/{held}" in visitor.get(f"/tasks/{project['slug']}/next").get_data(
        as_text=True)
    response = visitor.post(f"/answers/{held}", {"answer": "pos"}, htmx=True)
    assert response.status_code == 200 and TA_NO_LEASES in response.get_data(as_text=True)
    assert "velai:kept" in response.headers["HX-Trigger"]  # saved, and kept on the phone
    states = [r["state"] for r in db.query(
        "SELECT state FROM assignments WHERE user_id = ?", (worker["id"],))]
    assert states == ["submitted"]
    for htmx in (False, True):
        refused = visitor.get(f"/tasks/{project['slug']}/next", htmx=htmx)
        assert refused.status_code == 503 and TA_NO_LEASES in refused.get_data(as_text=True)
        assert ("<html" in refused.get_data(as_text=True)) is not htmx
    assert one(db, "SELECT count(*) AS n FROM assignments WHERE user_id = ?",
               (worker["id"],))["n"] == 1
    _free(monkeypatch, disk.NO_LEASES_MB)  # space freed: work goes on
    assert "/answers/" in visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)


# -- read-only leftovers: run as an ordinary user (root may write any file) ------------

CHILD = r"""
import json, os, sqlite3, sys
sys.path.insert(0, sys.argv[2])
path, owned = sys.argv[1], sys.argv[3] == "owned"

def can_write():
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()

if owned:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    os.chmod(path, 0o444)  # the server starts while the file is read-only...
    conn = sqlite3.connect(path)
    conn.execute("SELECT count(*) FROM t").fetchall()
    conn.close()
    os.chmod(path, 0o644)  # ...and the file is fixed by hand, its -wal and -shm not
before = can_write()
from app import create_app
create_app({"TESTING": True, "SECRET_KEY": "x", "VELAI_DB": path})
modes = {end: oct(os.stat(path + end).st_mode & 0o777) for end in ("-wal", "-shm")}
print(json.dumps({"before": before, "after": can_write(), "modes": modes}))
"""


def _as_ordinary_user(workdir, *args):
    command = [sys.executable, "-c", CHILD, os.path.join(workdir, "velai.db"), live.ROOT,
               *args]
    if os.getuid() == 0:
        os.chown(workdir, 65534, 65534)
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    os.makedirs(os.path.join(live.ROOT, "instance"), exist_ok=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=workdir)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="velai-ro-", dir="/tmp")  # an ordinary user reaches it
    os.chmod(path, 0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_read_only_leftovers_of_a_start_on_a_read_only_file_are_repaired_at_start(workdir):
    found, _log = _as_ordinary_user(workdir, "owned")
    assert found == {"before": False, "after": True,
                     "modes": {"-wal": "0o644", "-shm": "0o644"}}


def test_read_only_leftovers_we_cannot_repair_are_named_at_start_with_what_to_do(workdir):
    if os.getuid() != 0:
        pytest.skip("needs another user's files: run as root")
    path = os.path.join(workdir, "velai.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    keep = sqlite3.connect(path)  # keeps the -wal and -shm while the file changes hands
    keep.execute("SELECT 1").fetchall()
    os.chown(path, 65534, 65534)
    for end in ("-wal", "-shm"):
        os.chmod(path + end, 0o444)  # root's, read-only: the ordinary user cannot mend them
    try:
        found, log = _as_ordinary_user(workdir, "other")
    finally:
        keep.close()
        conn.close()
    assert found["after"] is False
    assert "-wal or -shm is read-only" in log and "chown" in log


def test_the_log_is_cut_back_after_a_reader_let_it_grow(tmp_path, monkeypatch):
    from core import db as coredb
    monkeypatch.setattr(coredb, "WAL_LIMIT_BYTES", 64 * 1024)
    path = str(tmp_path / "velai.db")
    db = coredb.connect(path)
    db.execute("PRAGMA journal_mode = wal")
    db.execute("CREATE TABLE t (x)")
    reader = sqlite3.connect(path, isolation_level=None)  # as Litestream, copying the log
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM t").fetchall()
    for _ in range(200):
        db.execute("INSERT INTO t VALUES (?)", ("x" * 4000,))
    assert os.path.getsize(path + "-wal") > 600 * 1024  # no checkpoint could reset it
    reader.execute("COMMIT")
    reader.close()
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    db.execute("INSERT INTO t VALUES (1)")  # the log starts over, cut to the limit
    assert os.path.getsize(path + "-wal") <= 64 * 1024
    db.conn.close()

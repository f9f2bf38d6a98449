"""Continuous backup: Litestream replicates the live database to a directory; the
database file is lost; `litestream restore` brings back every acknowledged answer."""
import os
import signal
import subprocess
import sys
import time

from bench.load import NEXT, Phone
from core import db as coredb
from core import consent, projects, users
from tests import live
from tests.conftest import CHEAP_HASH

PIN = "7391"
LITESTREAM = os.path.join(os.path.dirname(sys.executable), "litestream")
CONFIG = os.path.join(live.ROOT, "deploy", "litestream.yml")


def _litestream_env(db_path, replica_url):
    return {**os.environ, "VELAI_DB_PATH": db_path, "VELAI_REPLICA_URL": replica_url,
            "VELAI_REPLICA_ENDPOINT": ""}


def _answers(path) -> dict:
    if not os.path.exists(path):
        return {}
    db = coredb.connect(path)
    try:
        return {row["id"]: row["answer"] for row in db.query(
            "SELECT id, answer FROM assignments WHERE state = 'submitted'")}
    finally:
        db.conn.close()


def _restore(replica_url, target) -> subprocess.CompletedProcess:
    return subprocess.run([LITESTREAM, "restore", "-o", target, replica_url],
                          capture_output=True, text=True, timeout=60)


def test_a_lost_database_comes_back_from_the_replica_with_every_acknowledged_answer(
        tmp_path):
    db_path = str(tmp_path / "velai.db")
    replica_url = f"file://{tmp_path / 'replica'}"
    live.init_db(db_path, seed=False)
    db = coredb.connect(db_path)
    centre = users.get_centre(db, "BKP", "Backup", create=True)
    projects.add_tasks(db, projects.create_project(
        db, centre_id=centre["id"], slug="backup", task_type="yes_no",
        name={"en": "Backup"}, redundancy=1, pay_paise=50)["id"],
        [{"text": f"Task {i}"} for i in range(60)])
    worker = users.create_user(db, login="9870099999", password=PIN, role="annotator",
                               name="B", centre="BKP", hash_method=CHEAP_HASH)
    consent.record(db, worker["id"], None)  # she agreed at her first login
    db.conn.close()

    replicator = subprocess.Popen(
        [LITESTREAM, "replicate", "-config", CONFIG], env=_litestream_env(db_path, replica_url),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server, url = live.start_gunicorn(db_path)
    acked = {}
    try:
        phone = Phone(url)
        phone.send("GET", "/login")
        assert phone.send("POST", "/login", {"csrf_token": phone.token,
                                              "login": "9870099999", "password": PIN})[0] == 303
        status, text = phone.send("GET", "/tasks/backup/next", htmx=True)
        for n in range(40):
            assignment = int(NEXT.search(text).group(1))
            answer = ("yes", "no")[n % 2]
            status, text = phone.send("POST", f"/answers/{assignment}",
                                      {"csrf_token": phone.token, "answer": answer}, htmx=True)
            assert status == 200
            acked[assignment] = answer
        phone.conn.close()
    finally:
        server.send_signal(signal.SIGKILL)  # the server dies with the machine
        server.wait(timeout=10)
    try:
        # The replica follows within about its sync interval (1 s); give it 30 s here.
        probe = str(tmp_path / "probe.db")
        deadline = time.monotonic() + 30
        while True:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(probe + suffix):
                    os.unlink(probe + suffix)
            restored = _restore(replica_url, probe)
            if restored.returncode == 0 and _answers(probe) == acked:
                break
            assert replicator.poll() is None, replicator.stderr.read().decode()
            assert time.monotonic() < deadline, (restored.stderr, len(_answers(probe)))
            time.sleep(0.5)
    finally:
        replicator.send_signal(signal.SIGKILL)
        replicator.wait(timeout=10)

    # The disk is lost: the database and its log are gone.
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.unlink(db_path + suffix)
    restored = _restore(replica_url, db_path)
    assert restored.returncode == 0, restored.stderr
    assert _answers(db_path) == acked
    check = coredb.connect(db_path)
    assert coredb.one(check, "PRAGMA integrity_check")["integrity_check"] == "ok"
    check.conn.close()
    # And Velai runs on it again, her work where she left it.
    server, url = live.start_gunicorn(db_path)
    try:
        phone = Phone(url)
        phone.send("GET", "/login")
        assert phone.send("POST", "/login", {"csrf_token": phone.token,
                                              "login": "9870099999", "password": PIN})[0] == 303
        status, text = phone.send("GET", "/tasks/backup/next", htmx=True)
        assert status == 200 and int(NEXT.search(text).group(1)) not in acked
        phone.conn.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

"""The machine is lost under load: replication stops a moment before the server dies, the
disk is gone, the database comes back from the replica without the last answers, and the
phones send those again with their receipts: every acknowledged answer is stored, once
(core/receipts.py; the phone's side is static/app.js)."""
import http.client
import json
import os
import signal
import subprocess
import threading
import time

from bench.load import NEXT, Phone
from core import db as coredb
from core import consent, projects, users
from core.db import one, rows
from tests import live
from tests.conftest import CHEAP_HASH
from tests.test_faults import _kill, _workers
from tests.test_replica import CONFIG, LITESTREAM, _litestream_env, _restore

PIN = "7391"
PHONES = 4
LAG = 10  # seconds (well past Litestream's 1 s sync, even on a busy 2-core machine): the replica is taken to hold answers this old (REPLICA_LAG_SECONDS)


class Annotator(threading.Thread):
    """Answers as fast as the server lets her, and keeps, as app.js does, each
    acknowledged answer with its receipt until the server says it is in the replica."""

    def __init__(self, url, login, stop):
        super().__init__(daemon=True)
        self.url, self.login, self.stop = url, login, stop
        self.acked = {}  # task id -> answer, for every answer acknowledged
        self.kept = []  # {id, answer, k, seen}: what the phone holds
        self.forgot = 0  # answers the server said were in the replica
        self.boot = 0
        self.phone = None

    def connect(self, url):
        self.phone = Phone(url)
        real = self.phone.conn.getresponse

        def getresponse():  # keep the reply's headers: the receipt travels in one
            self.last = real()
            return self.last
        self.phone.conn.getresponse = getresponse
        self.phone.send("GET", "/login")
        status, _ = self.phone.send("POST", "/login", {
            "csrf_token": self.phone.token, "login": self.login, "password": PIN})
        assert status == 303, status

    def mark(self, b, s):
        before = len(self.kept)
        self.boot = b
        self.kept = [x for x in self.kept if not b <= x["seen"] <= s]
        self.forgot += before - len(self.kept)

    def answer_one(self, assignment, n):
        answer = ("yes", "no")[n % 2]
        status, text = self.phone.send("POST", f"/answers/{assignment}", {
            "csrf_token": self.phone.token, "answer": answer}, htmx=True)
        if status != 200:
            return None
        k = json.loads(self.last.getheader("HX-Trigger"))["velai:kept"]
        self.acked[k["t"]] = answer  # a task answered again after a restore: this stands
        self.kept = [x for x in self.kept if x["k"]["t"] != k["t"]]
        self.kept.append({"id": k["a"], "answer": answer, "seen": k["at"],
                          "k": {key: k[key] for key in ("a", "t", "at", "r")}})
        self.mark(k["b"], k["s"])
        found = NEXT.search(text)
        return int(found.group(1)) if found else None

    def resend(self):
        """What app.js does when the server started after she last saw an answer."""
        items = [x for x in self.kept if x["seen"] < self.boot][:200]  # as app.js: MAX_SYNC
        status, text = self.send_json({"items": items})
        assert status == 200, text
        body = json.loads(text)
        for item, result in zip(items, body["results"]):
            assert result["ok"], result
            self.kept.remove(item)
            self.kept.append({**item, "id": result["k"]["a"], "k": result["k"],
                              "seen": result["seen"]})
        self.mark(body["b"], body["s"])
        return len(items) + (self.resend() if len(items) == 200 else 0)

    def send_json(self, body):
        conn = self.phone.conn
        conn.request("POST", "/answers/sync", body=json.dumps(body), headers={
            "Content-Type": "application/json", "Cookie": self.phone.cookie,
            "X-CSRFToken": self.phone.token})
        response = conn.getresponse()
        return response.status, response.read().decode()

    def run(self):
        n, assignment = 0, None
        while not self.stop.is_set():
            try:
                if assignment is None:
                    status, text = self.phone.send("GET", "/tasks/loss/next", htmx=True)
                    found = NEXT.search(text) if status == 200 else None
                    if found is None:
                        return
                    assignment = int(found.group(1))
                assignment = self.answer_one(assignment, n)
                n += 1
            except (OSError, http.client.HTTPException):
                return  # the machine is gone


def _prepare(db_path):
    db = coredb.connect(db_path)
    centre = users.get_centre(db, "LOS", "Loss", create=True)
    projects.add_tasks(db, projects.create_project(
        db, centre_id=centre["id"], slug="loss", task_type="yes_no", name={"en": "Loss"},
        redundancy=1, pay_paise=50)["id"], [{"text": f"Task {i}"} for i in range(5000)])
    workers = [users.create_user(db, login=f"98711{i:05d}", password=PIN, role="annotator",
                                 name=f"L{i}", centre="LOS", hash_method=CHEAP_HASH)
               for i in range(PHONES + 1)]
    for worker in workers:
        consent.record(db, worker["id"], None)  # they agreed at their first login
    logins = [worker["login"] for worker in workers]
    db.conn.close()
    return logins


def _stop_server(proc):
    for pid in [proc.pid, *_workers(proc.pid)]:  # the machine dies: everything at once
        _kill(pid)
    proc.wait(timeout=10)


def test_a_lost_machine_loses_no_answer_whose_phone_comes_back(tmp_path):
    db_path = str(tmp_path / "velai.db")
    replica_url = f"file://{tmp_path / 'replica'}"
    live.init_db(db_path, seed=False)
    logins = _prepare(db_path)
    replicator = subprocess.Popen([LITESTREAM, "replicate", "-config", CONFIG],
                                  env=_litestream_env(db_path, replica_url),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lag = {"FLASK_REPLICA_LAG_SECONDS": str(LAG)}
    server, url = live.start_gunicorn(db_path, **lag)
    stop = threading.Event()
    annotators = [Annotator(url, login, stop) for login in logins[:PHONES]]
    try:
        for annotator in annotators:
            annotator.connect(url)
            annotator.start()
        time.sleep(LAG + 3)  # long enough for the phones to forget the oldest answers
        replicator.send_signal(signal.SIGKILL)  # replication falls behind...
        replicator.wait(timeout=10)
        time.sleep(1)  # ...by a second of answers under load, then the machine dies
    finally:
        _stop_server(server)
        stop.set()
        for annotator in annotators:
            annotator.join(timeout=15)
        if replicator.poll() is None:
            replicator.kill()
    acked = sum(len(a.acked) for a in annotators)
    assert acked > 50 and sum(a.forgot for a in annotators) > 0

    for suffix in ("", "-wal", "-shm"):  # the disk is lost
        if os.path.exists(db_path + suffix):
            os.unlink(db_path + suffix)
    restored = _restore(replica_url, db_path)
    assert restored.returncode == 0, restored.stderr
    db = coredb.connect(db_path)
    stored = {(r["user_id"], r["task_id"]) for r in rows(
        db, "SELECT user_id, task_id FROM assignments WHERE state = 'submitted'")}
    ids = {login: one(db, "SELECT id FROM users WHERE login = ?", (login,))["id"]
           for login in logins}
    lost = [(a.login, task) for a in annotators for task in a.acked
            if (ids[a.login], task) not in stored]
    assert lost, "the replica had every answer: nothing was lost to bring back"
    held = {(a.login, x["k"]["t"]) for a in annotators for x in a.kept}
    assert set(lost) <= held  # every lost answer is still on its phone

    server, url = live.start_gunicorn(db_path, **lag)
    try:
        # Someone else works first, and gets the ids the lost answers had.
        late = Annotator(url, logins[PHONES], threading.Event())
        late.connect(url)
        status, text = late.phone.send("GET", "/tasks/loss/next", htmx=True)
        late.answer_one(int(NEXT.search(text).group(1)), 0)
        # Her phone comes back: her next answer tells it the server restarted, and it
        # sends what it kept from before (app.js mark() then sync()).
        resent = 0
        for annotator in annotators:
            annotator.connect(url)
            status, text = annotator.phone.send("GET", "/tasks/loss/next", htmx=True)
            annotator.answer_one(int(NEXT.search(text).group(1)), 0)
            resent += annotator.resend()
            assert annotator.resend() == 0  # confirmed: not sent again
        assert resent >= len(lost)
        # A phone that sends its receipts twice (a retry) stores nothing twice.
        again = annotators[0]
        again.boot += 10 ** 9
        again.resend()
    finally:
        server.terminate()
        server.wait(timeout=10)

    for annotator in [*annotators, late]:
        mine = {r["task_id"]: r["answer"] for r in rows(
            db, "SELECT task_id, answer FROM assignments WHERE user_id = ?"
                " AND state = 'submitted'", (ids[annotator.login],))}
        assert mine == annotator.acked  # every acknowledged answer, as she gave it
    assert one(db, "SELECT count(*) AS n FROM (SELECT task_id, user_id FROM assignments"
                   " WHERE state = 'submitted' GROUP BY 1, 2 HAVING count(*) > 1)")["n"] == 0
    assert one(db, "SELECT count(*) AS n FROM tasks t WHERE answers_count != (SELECT"
                   " count(*) FROM assignments a WHERE a.task_id = t.id"
                   " AND a.state = 'submitted')")["n"] == 0
    assert one(db, "PRAGMA integrity_check")["integrity_check"] == "ok"
    db.conn.close()


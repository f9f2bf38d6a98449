"""SIGKILL in the middle of work: gunicorn's workers, then its master, while annotators
answer. Whatever the server acknowledged is stored exactly once, no task is held by more
people than it wants, abandoned leases free their tasks, and nothing is credited twice."""
import datetime as dt
import http.client
import os
import signal
import threading
import time

from bench.load import NEXT, Phone
from core import db as coredb
from core import access_log, consent, projects, tasks, users
from core.clock import stamp, utcnow
from core.db import one
from tests import live
from tests.conftest import CHEAP_HASH

PIN = "7391"
REDUNDANCY = 2
LEASE_S = 2  # short, so abandoned leases expire within the test
PAY = 75
CLIENTS = 4


def _prepare(db_path: str):
    db = coredb.connect(db_path)
    try:
        centre = users.get_centre(db, "FLT", "Faults", create=True)
        project = projects.create_project(
            db, centre_id=centre["id"], slug="faults", task_type="yes_no",
            name={"en": "Faults"}, redundancy=REDUNDANCY, pay_paise=PAY,
            lease_seconds=LEASE_S)
        # No extra answers after a split vote (dynamic overlap, #8): every task wants two.
        db["projects"].update(project["id"], {"max_answers": REDUNDANCY})
        project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
        projects.add_tasks(db, project["id"], [{"text": f"Is {i} even?"} for i in range(1500)])
        logins = []
        for i in range(CLIENTS + 2):
            worker = users.create_user(
                db, login=f"98700{i:05d}", password=PIN, role="annotator", name=f"F{i}",
                centre="FLT", hash_method=CHEAP_HASH)
            consent.record(db, worker["id"], None)  # she agreed at her first login
            logins.append(worker["login"])
        return project, logins
    finally:
        db.conn.close()


class Annotator(threading.Thread):
    """Answers as fast as the server lets her; keeps what the server acknowledged."""

    def __init__(self, url, login, stop):
        super().__init__(daemon=True)
        self.url, self.login, self.stop = url, login, stop
        self.acked = []  # (assignment id, answer) for every 200 received
        self.broken = 0  # requests cut by a kill
        self.phone = None

    def _connect(self):
        if self.phone is None:
            self.phone = Phone(self.url)
            self.phone.send("GET", "/login")
            status, _ = self.phone.send("POST", "/login", {
                "csrf_token": self.phone.token, "login": self.login, "password": PIN})
            assert status == 303, status
        else:  # the same session, over a new connection
            self.phone.conn.close()
            self.phone.conn = http.client.HTTPConnection(
                self.phone.conn.host, self.phone.conn.port, timeout=10)

    def run(self):
        assignment, n = None, 0
        while not self.stop.is_set():
            try:
                if self.phone is None:
                    self._connect()
                if assignment is None:
                    status, text = self.phone.send("GET", "/tasks/faults/next", htmx=True)
                    found = NEXT.search(text) if status == 200 else None
                    assignment = int(found.group(1)) if found else None
                    if assignment is None:
                        return  # no more tasks for her
                answer = ("yes", "no")[n % 2]
                status, text = self.phone.send("POST", f"/answers/{assignment}",
                                               {"csrf_token": self.phone.token,
                                                "answer": answer}, htmx=True)
                n += 1
                if status == 200:
                    self.acked.append((assignment, answer))
                found = NEXT.search(text) if status == 200 else None
                assignment = int(found.group(1)) if found else None
            except (OSError, http.client.HTTPException):
                self.broken += 1
                time.sleep(0.05)  # the server is down: try again shortly
                try:
                    self._connect()
                except (OSError, http.client.HTTPException, AssertionError):
                    pass
                assignment = None  # ask again: her running lease, or a new one


def _workers(master_pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == master_pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _answered_count(annotators) -> int:
    return sum(len(a.acked) for a in annotators)


def _wait_for_more_answers(annotators, more: int, timeout: float = 20) -> None:
    target = _answered_count(annotators) + more
    deadline = time.monotonic() + timeout
    while _answered_count(annotators) < target:
        assert time.monotonic() < deadline, "the annotators stopped getting answers in"
        time.sleep(0.05)


def test_answers_acknowledged_before_sigkills_are_stored_once_and_leases_recover(tmp_path):
    db_path = str(tmp_path / "velai.db")
    live.init_db(db_path, seed=False)
    project, logins = _prepare(db_path)
    proc, url = live.start_gunicorn(db_path)
    port = int(url.rsplit(":", 1)[1])
    stop = threading.Event()
    annotators = [Annotator(url, login, stop) for login in logins[:CLIENTS]]
    try:
        for annotator in annotators:
            annotator.start()
        _wait_for_more_answers(annotators, 60)
        workers = _workers(proc.pid)
        assert len(workers) == 2
        _kill(workers[0])  # one worker dies mid-request; the master starts another
        _wait_for_more_answers(annotators, 60)
        for pid in [proc.pid, *_workers(proc.pid)]:  # then everything: master first
            _kill(pid)
        proc.wait(timeout=10)
        proc, _ = live.start_gunicorn(db_path, port=port)
        _wait_for_more_answers(annotators, 60)
    finally:
        stop.set()
        for annotator in annotators:
            annotator.join(timeout=15)
        proc.terminate()
        proc.wait(timeout=10)
    assert sum(a.broken for a in annotators) > 0, "no request was cut: the kills missed"

    db = coredb.connect(db_path)
    # Every acknowledged answer is there, as given, by her.
    for annotator, login in zip(annotators, logins):
        user = one(db, "SELECT id FROM users WHERE login = ?", (login,))
        for assignment_id, answer in annotator.acked:
            row = one(db, "SELECT user_id, state, answer FROM assignments WHERE id = ?",
                      (assignment_id,))
            assert row == {"user_id": user["id"], "state": "submitted", "answer": answer}
    # Once: one row per task and person, each credited once, counters agree with rows.
    credited = list(db.query(
        "SELECT task_id, user_id, count(*) AS n, sum(pay_paise) AS paid FROM assignments"
        " WHERE state = 'submitted' GROUP BY task_id, user_id"))
    assert credited and all(r["n"] == 1 and r["paid"] == PAY for r in credited)
    assert one(db, "SELECT count(*) AS n FROM tasks t WHERE answers_count != (SELECT"
                   " count(*) FROM assignments a WHERE a.task_id = t.id"
                   " AND a.state = 'submitted')")["n"] == 0
    # Never more people on a task than it wants (its redundancy, or more after a tie:
    # tasks.wanted), answers and running leases together.
    now = stamp(utcnow())
    assert one(db, "SELECT count(*) AS n FROM tasks t WHERE t.answers_count + (SELECT"
                   " count(*) FROM assignments a WHERE a.task_id = t.id AND a.state = 'active'"
                   " AND a.lease_expires_at > ?) > coalesce(t.wanted, ?)",
                   (now, REDUNDANCY))["n"] == 0
    # The access log (#19) came through the kills as the answers did: every task she
    # answered was shown to her, and that view is logged; no view is logged without the
    # claim that showed it (one transaction, one commit).
    access_log.flush(db)  # the rows not yet moved into the searchable table
    for annotator, login in zip(annotators, logins):
        for assignment_id, _answer in annotator.acked:
            assert one(db, "SELECT count(*) AS n FROM access_log l JOIN assignments a"
                           " ON a.task_id = l.task_id AND a.user_id = l.user_id"
                           " WHERE a.id = ? AND l.kind = 'task'", (assignment_id,))["n"] >= 1
    assert one(db, "SELECT count(*) AS n FROM access_log l WHERE NOT EXISTS (SELECT 1"
                   " FROM assignments a WHERE a.task_id = l.task_id"
                   " AND a.user_id = l.user_id)")["n"] == 0
    abandoned = one(db, "SELECT count(*) AS n FROM assignments WHERE state = 'active'")["n"]
    assert abandoned > 0  # leases left behind by requests the kills cut off
    # Leases recover: once they expire, two others finish every task, none stuck.
    later = utcnow() + dt.timedelta(seconds=LEASE_S + 1)
    for login in logins[CLIENTS:]:
        user = one(db, "SELECT id FROM users WHERE login = ?", (login,))
        while (assignment := tasks.claim_next(db, user["id"], project, now=later)):
            tasks.record_answer(db, assignment["id"], user["id"], "yes", now=later)
    stuck = one(db, "SELECT count(*) AS n FROM tasks WHERE status != 'done'"
                    " OR answers_count != ?", (REDUNDANCY,))
    assert stuck["n"] == 0
    db.conn.close()

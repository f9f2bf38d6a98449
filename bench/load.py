"""Server cost of the task cycle: many annotators answering as fast as the server lets them.

Each client thread is one annotator on one keep-alive connection doing what htmx does:
POST /answers/<id> with the CSRF token and HX-Request, and the reply (the next card)
gives the next id: one request per task cycle, a fresh claim each time. Loopback only,
bounded in time. CPU is read from /proc for the gunicorn master and its workers.
"""
import gzip
import http.client
import os
import re
import threading
import time
from urllib.parse import urlencode, urlsplit

import brotli

from core import db as coredb
from core import consent, content, projects, users

SLUG = "bench-sentiment"
CENTRE = "BNC"
PIN = "3917"
ANNOTATORS = 8  # = gunicorn's 2 workers x 4 threads
TASKS = 8000  # x redundancy 3: far more answers than a run can give
WARMUP_S = 1.0
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
NEXT = re.compile(r'action="/answers/(\d+)"')
TICK = os.sysconf("SC_CLK_TCK")


def prepare(db_path: str, source_slug: str, annotators: int = ANNOTATORS,
            tasks: int = TASKS) -> tuple[list[str], list[str]]:
    """A project like `source_slug` (its labels, texts, name) with many tasks, in a centre
    of its own, and `annotators` annotators there. Returns their logins and the answers
    (label values) they may give."""
    db = coredb.connect(db_path)
    try:
        source = coredb.one(db, "SELECT * FROM projects WHERE slug = ?", (source_slug,))
        if source is None:
            raise RuntimeError(f"no project {source_slug} to copy")
        own = content.project_texts(db, source["id"])
        labels = [(row["value"], row["text"]) for row in own["labels"]]
        texts = [row["payload_text"] for row in db.query(
            "SELECT payload_text FROM tasks WHERE project_id = ? AND payload_text IS NOT NULL"
            " ORDER BY id", (source["id"],))]
        if not texts:
            raise RuntimeError(f"project {source_slug} has no text tasks to copy")
        centre = users.get_centre(db, CENTRE, "Bench", create=True)
        project = projects.create_project(
            db, centre_id=centre["id"], slug=SLUG, task_type=source["task_type"],
            name=own["name"], instructions=own["instructions"],
            langs=content.langs_of(source),
            labels=labels, pay_paise=source["pay_paise"], redundancy=source["redundancy"])
        projects.add_tasks(db, project["id"],
                           [{"text": texts[i % len(texts)]} for i in range(tasks)])
        logins = []
        for i in range(annotators):
            login = f"98765{i + 90000:05d}"
            worker = users.create_user(db, login=login, password=PIN, role="annotator",
                                       name=f"Bench {i + 1}", centre=CENTRE, lang="ta",
                                       hash_method="pbkdf2:sha256:1000")
            consent.record(db, worker["id"], None)  # agreed at her first login
            logins.append(login)
        return logins, [value for value, _ in labels]
    finally:
        db.conn.close()


class Phone:
    """One annotator's keep-alive connection, her session cookie and CSRF token."""

    def __init__(self, url: str, compressed: bool = True):
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookie = None
        self.token = None
        self.compressed = compressed

    def send(self, method, path, form=None, htmx=False):
        headers = {"Accept-Encoding": "br, gzip" if self.compressed else "identity",
                   "Accept": "text/html", "User-Agent": "velai-bench"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "task",
                            "HX-Current-URL": f"/tasks/{SLUG}/next"})
            if self.token:
                headers["X-CSRFToken"] = self.token
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            pair = cookie.split(";", 1)[0]
            if pair.startswith("session="):
                self.cookie = pair if pair != "session=" else None
        encoding = response.getheader("Content-Encoding", "")
        text = (brotli.decompress(raw) if encoding == "br" else
                gzip.decompress(raw) if encoding == "gzip" else raw).decode()
        token = TOKEN.search(text)
        if token:
            self.token = token.group(1)
        return response.status, text

    def log_in(self, login: str):
        status, _ = self.send("GET", "/login")
        if status != 200 or not self.token:
            raise RuntimeError(f"GET /login: {status}")
        status, _ = self.send("POST", "/login", {"csrf_token": self.token, "login": login,
                                                 "password": PIN})
        if status != 303:
            raise RuntimeError(f"log in {login}: {status}")

    def next_id(self) -> int | None:
        status, text = self.send("GET", f"/tasks/{SLUG}/next", htmx=True)
        found = NEXT.search(text)
        return int(found.group(1)) if status == 200 and found else None

    def answer(self, assignment: int, answer: str) -> tuple[float, float, int, str, int | None]:
        """One task cycle as htmx does it: (finished at, seconds it took, status, the
        reply, the next card's assignment id or None)."""
        form = {"csrf_token": self.token, "answer": answer, "seconds": "4"}
        started = time.perf_counter()
        status, text = self.send("POST", f"/answers/{assignment}", form, htmx=True)
        finished = time.perf_counter()
        found = NEXT.search(text) if status == 200 else None
        return finished, finished - started, status, text, int(found.group(1)) if found else None


def _children() -> dict[int, list[int]]:
    tree = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def gunicorn_pids() -> list[int]:
    """The gunicorn master and workers among this process's descendants."""
    tree, found, todo = _children(), [], [os.getpid()]
    while todo:
        for child in tree.get(todo.pop(), []):
            todo.append(child)
            try:
                with open(f"/proc/{child}/cmdline", "rb") as f:
                    if b"gunicorn" in f.read():
                        found.append(child)
            except OSError:
                pass
    return found


def cpu_seconds(pids) -> float:
    """utime + stime of these processes (all their threads), in seconds."""
    ticks = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return ticks / TICK


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(url: str, logins: list[str], answers: list[str], seconds: float,
        compressed: bool = True) -> dict:
    """Every annotator answers in a loop for WARMUP_S + `seconds`; counts the window only."""
    phones = []
    for login in logins:
        phone = Phone(url, compressed)
        phone.log_in(login)
        phones.append(phone)
    pids = gunicorn_pids()
    if len(pids) < 2:
        raise RuntimeError(f"gunicorn processes not found among my descendants: {pids}")
    stop = threading.Event()
    records = [[] for _ in phones]  # per thread: (finished at, latency s, ok)
    failures, sample = [], []

    def annotate(phone, out):
        try:
            assignment, n = phone.next_id(), 0
            while not stop.is_set():
                if assignment is None:
                    raise RuntimeError("the bench project ran out of tasks")
                finished, took, status, text, following = phone.answer(
                    assignment, answers[n % len(answers)])
                out.append((finished, took, status == 200))
                if not sample and status == 200:
                    sample.append(text)
                assignment = following or phone.next_id()
                n += 1
        except Exception as error:  # noqa: BLE001 - reported and fails the run
            failures.append(repr(error))
            stop.set()

    threads = [threading.Thread(target=annotate, args=(phone, out), daemon=True)
               for phone, out in zip(phones, records)]
    for thread in threads:
        thread.start()
    time.sleep(WARMUP_S)
    t0, cpu0, own0 = time.perf_counter(), cpu_seconds(pids), _own_cpu()
    time.sleep(seconds)
    t1, cpu1, own1 = time.perf_counter(), cpu_seconds(pids), _own_cpu()
    stop.set()
    for thread in threads:
        thread.join(timeout=35)
    for phone in phones:
        phone.conn.close()
    if failures:
        raise RuntimeError(f"load client failed: {failures[:3]}")
    window = [r for out in records for r in out if t0 < r[0] <= t1]
    good = [r for r in window if r[2]]
    if not good:
        raise RuntimeError("no task cycle completed in the measured window")
    latencies = [r[1] * 1000 for r in good]
    elapsed = t1 - t0
    return {
        "accept_encoding": "br, gzip" if compressed else "identity",
        "annotators": len(phones), "seconds": round(elapsed, 2), "cycles": len(good),
        "errors": len(window) - len(good),
        "cycles_per_s": round(len(good) / elapsed, 1),
        "latency_p50_ms": round(_percentile(latencies, 0.50), 2),
        "latency_p90_ms": round(_percentile(latencies, 0.90), 2),
        "latency_p99_ms": round(_percentile(latencies, 0.99), 2),
        "latency_max_ms": round(max(latencies), 2),
        "server_cpu_ms_per_cycle": round((cpu1 - cpu0) * 1000 / len(good), 2),
        "server_cpu_utilisation": round((cpu1 - cpu0) / elapsed, 2),  # in cores
        "client_cpu_ms_per_cycle": round((own1 - own0) * 1000 / len(good), 2),
        "gunicorn_pids": pids, "cpu_count": os.cpu_count(),
        "fragment_compression": compression_costs(sample[0].encode()) if compressed else None,
    }


def compression_costs(body: bytes, rounds: int = 30) -> dict:
    """What compressing one task fragment costs and saves, per algorithm and level: the
    app compresses every dynamic response with brotli at quality 11."""
    out = {"identity": {"bytes": len(body)}}
    for name, squeeze in (("br11", lambda: brotli.compress(body, quality=11)),
                          ("br5", lambda: brotli.compress(body, quality=5)),
                          ("br4", lambda: brotli.compress(body, quality=4)),
                          ("gzip6", lambda: gzip.compress(body, 6, mtime=0))):
        started = time.perf_counter()
        for _ in range(rounds):
            size = len(squeeze())
        out[name] = {"bytes": size,
                     "cpu_ms": round((time.perf_counter() - started) * 1000 / rounds, 3)}
    return out


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system

"""`make bench-volume`: every supervisor page, a week's payout and the task cycle, measured
on a centre of 450 annotators with over 10 million answers behind it (bench/volume_build.py
builds it once into .cache/).

Each run measures a fresh copy of the cached database, opened by the app as it opens its
own (create_app's defaults: one connection kept per thread, WAL, busy timeout), through
Flask's test client in this process: the server's whole work for a request (routing,
session, SQL, templates, compression) without the network. Every page is fetched once
(this also lets the review window's automatic acceptance run, as cron would) and then
timed REPEAT times; the draft of last week's payout (450 people) is timed once, through
the same POST a supervisor makes. The task cycle (claim, answer, next) is timed with core
calls, as bench/record_answer.py does, on the big copy and on a small fresh database.

VOLUME_ONLY="home,fair pay" times those pages alone and writes nothing; VOLUME_SKIP=quality
leaves out the pages whose names begin so (counted as not met); VOLUME_REUSE=1 measures the
last run's copy again; VOLUME_REPEAT and VOLUME_CYCLES change the counts. Budgets: every page p50 at most 100 ms and p99 at most 300 ms; the draft at most 10 s; the
cycle within 10% of the small database's. Prints a table and writes `volume` in
bench/results.json (other keys kept).
"""
import datetime as dt
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import timeit

from app import create_app
from bench import volume_build
from core import db as coredb
from core import migrations, projects, tasks, users
from core.payouts import last_week

REPEAT = int(os.environ.get("VOLUME_REPEAT", "40"))
PAGE_SECONDS = 15  # at most about this long on one page (then fewer samples)
CYCLES = int(os.environ.get("VOLUME_CYCLES", "1500"))
RESULTS = os.path.join(volume_build.ROOT, "bench", "results.json")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
P50_MS, P99_MS, DRAFT_S, CYCLE_SHARE = 100, 300, 10, 0.10


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Client:
    """A logged-in test client; pages are asked for in brotli, as phones and browsers do."""

    def __init__(self, app, login: str, password: str):
        self.client = app.test_client()
        self.token = self._token("/login")
        response = self.post("/login", {"login": login, "password": password})
        assert response.status_code == 303, (login, response.status_code)
        self.token = self._token("/")  # a new session, a new form token

    def _token(self, url):
        found = TOKEN.search(self.client.get(url, follow_redirects=True).get_data(as_text=True))
        return found.group(1) if found else None

    def get(self, url):
        return self.client.get(url, headers={"Accept-Encoding": "br"})

    def post(self, url, data):
        return self.client.post(url, data={**data, "csrf_token": self.token})


def pages(db) -> dict:
    """name -> (who, url): every supervisor page, with the ids of this database."""
    payout = coredb.one(db, "SELECT max(id) AS id FROM payouts WHERE status = 'approved'")["id"]
    person = coredb.one(db, "SELECT min(id) AS id FROM users WHERE role = 'annotator'")["id"]
    out = {"home": ("sup", "/supervisor/")}
    for kind in ("all", "disagree", "missed", "fast"):
        out[f"review {kind}"] = ("sup", f"/supervisor/review?kind={kind}")
    out["review one project"] = ("sup", "/supervisor/review?kind=all&project=3")
    out["review one annotator"] = ("sup", f"/supervisor/review?kind=all&annotator={person}")
    out["review page 50"] = ("sup", "/supervisor/review?kind=all&page=50")
    out["quality"] = ("sup", "/supervisor/quality")
    for project in db.query("SELECT id, slug FROM projects ORDER BY id"):
        out[f"quality {project['slug']}"] = ("sup", f"/supervisor/quality/{project['id']}")
    out.update({
        "check tasks": ("sup", "/supervisor/gold/"),
        "people": ("sup", "/supervisor/people/"),
        "people search": ("sup", "/supervisor/people/?q=Annotator+12"),
        "person": ("sup", f"/supervisor/people/{person}"),
        "payouts": ("sup", "/supervisor/payouts"),
        "payout": ("sup", f"/supervisor/payouts/{payout}"),
        "payout print": ("sup", f"/supervisor/payouts/{payout}/print"),
        "payment changes": ("sup", "/supervisor/payment-changes"),
        "fair pay": ("sup", "/supervisor/fair-pay"),
        "appeals": ("sup", "/supervisor/appeals"),
        "task data": ("sup", "/supervisor/data"),
        "reported tasks": ("sup", "/supervisor/projects/1/reported"),
        "quizzes": ("sup", "/supervisor/quiz/"),
        "audit log": ("admin", "/admin/audit"),
        "audit log filtered": ("admin", "/admin/audit?action=review.accept"),
    })
    return out


def time_page(client, url: str) -> list[float]:
    """Milliseconds per GET of `url`: REPEAT times after one untimed fetch (a lazy
    automatic acceptance runs there), fewer when the page is slow (PAGE_SECONDS)."""
    start = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    samples, began = [], time.perf_counter()
    if first > 5000:  # far outside the budget: that one look says enough
        return [first]
    while len(samples) < REPEAT and (not samples or time.perf_counter() - began < PAGE_SECONDS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def cycle_cost(db, project: dict, workers: list[dict], cycles: int) -> float:
    """CPU microseconds per claim-and-answer, the calls bench/record_answer.py times."""
    state = {"n": 0}
    labels = [row["value"] for row in db.query(
        "SELECT value FROM labels WHERE project_id = ? ORDER BY position", (project["id"],))]

    def cycle():
        worker = workers[state["n"] % len(workers)]
        answer = labels[0] if state["n"] % 7 else labels[1]
        state["n"] += 1
        assignment = tasks.claim_next(db, worker["id"], project)
        tasks.record_answer(db, assignment["id"], worker["id"], answer, seconds=5)

    for _ in range(100):
        cycle()  # warm the cache and the statement cache
    # CPU time: the server's cost, without the waits for the disk's sync of each answer
    # (which depend on the disk and on the other programs using it, not on the data).
    return timeit.timeit(cycle, number=cycles, timer=time.process_time) / cycles * 1e6


def small_cycle(cycles: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        db = coredb.connect(f"{tmp}/small.db")
        migrations.migrate(db)
        users.get_centre(db, "BNC", "Bench", create=True)
        project = projects.create_project(
            db, centre_id=1, slug="bench", task_type="single_choice", name={"en": "Bench"},
            labels=[("pos", {"en": "Pos"}), ("neg", {"en": "Neg"})], redundancy=3, pay_paise=50)
        projects.add_tasks(db, project["id"], [{"text": f"t{i}", "gold": "pos" if i % 10 == 0 else None}
                                            for i in range(cycles + 400)])
        project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
        workers = [users.create_user(db, login=f"b{i}", password="3917", role="annotator",
                                     name=f"B{i}", centre="BNC", hash_method="pbkdf2:sha256:1")
                   for i in range(3)]
        cost = cycle_cost(db, project, workers, cycles)
        db.close()
        return cost


def big_cycle(path: str, cycles: int) -> float:
    db = coredb.connect(path)
    project = coredb.one(db, "SELECT * FROM projects WHERE slug = 'sentiment'")
    workers = list(db.query("SELECT * FROM users WHERE role = 'annotator' ORDER BY id LIMIT 3"))
    cost = cycle_cost(db, project, workers, cycles)
    db.close()
    return cost


def main() -> int:
    source = volume_build.cached()
    run = os.path.join(volume_build.CACHE, "volume-run.db")
    if not (os.environ.get("VOLUME_REUSE") and os.path.exists(run)):
        for leftover in (run, run + "-wal", run + "-shm"):
            if os.path.exists(leftover):
                os.remove(leftover)
        shutil.copyfile(source, run)
    db = coredb.connect(run)
    began = time.perf_counter()
    migrations.migrate(db)  # migrations newer than the cached build, as `flask init-db`
    print(f"migrated the copy in {time.perf_counter() - began:.1f} s")
    answers = coredb.one(db, "SELECT count(*) AS n FROM assignments WHERE state = 'submitted'")["n"]
    # An admin for the audit log (the centre's data has supervisors only).
    if not coredb.one(db, "SELECT 1 AS x FROM users WHERE login = 'vol-admin'"):
        users.create_user(db, login="vol-admin", password=volume_build.PASSWORD, role="admin",
                          name="Admin", centre="VOL", hash_method=volume_build.CHEAP_HASH)
    print(f"Volume centre: {answers:,} answers ({os.path.getsize(run) / 1e9:.1f} GB); {load()}")
    os.environ.setdefault("FLASK_SECRET_KEY", "volume-bench-secret")
    os.environ["VELAI_DB"] = run
    app = create_app()
    app.config.update(VELAI_DB=run, PASSWORD_HASH=volume_build.CHEAP_HASH)
    clients = {"sup": Client(app, volume_build.SUPERVISORS[0], volume_build.PASSWORD),
               "admin": Client(app, "vol-admin", volume_build.PASSWORD)}
    results, misses = {}, []
    print(f"\n{'page':<24} {'p50 ms':>8} {'p99 ms':>8} {'n':>4}  budget 100 / 300 ms")
    only = [name for name in os.environ.get("VOLUME_ONLY", "").split(",") if name]
    skip = [name for name in os.environ.get("VOLUME_SKIP", "").split(",") if name]
    for name, (who, url) in pages(db).items():
        if only and name not in only:
            continue
        if any(name.startswith(prefix) for prefix in skip):
            results[name] = {"skipped": True, "url": url}
            misses.append(name)
            print(f"{name:<24} {'skipped':>8}")
            continue
        samples = time_page(clients[who], url)
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        results[name] = {"p50_ms": round(p50, 1), "p99_ms": round(p99, 1), "url": url}
        ok = p50 <= P50_MS and p99 <= P99_MS
        misses += [] if ok else [name]
        print(f"{name:<24} {p50:8.1f} {p99:8.1f} {len(samples):4}  {'met' if ok else 'NOT MET'}",
              flush=True)
    print(f"({load()})")
    if only:  # a look at some pages (VOLUME_ONLY=home,fair pay): no draft, no cycle, no file
        db.close()
        return 0

    start, end = last_week()
    supervisor = clients["sup"]
    supervisor.get("/supervisor/payouts")
    began = time.perf_counter()
    response = supervisor.post("/supervisor/payouts", {"start": start.isoformat(),
                                                       "end": end.isoformat()})
    draft_s = time.perf_counter() - began
    assert response.status_code == 303, response.status_code
    drafted = coredb.one(db, "SELECT p.id, count(*) AS lines, sum(l.answers) AS answers"
                             " FROM payouts p JOIN payout_lines l ON l.payout_id = p.id"
                             " WHERE p.status = 'draft' GROUP BY p.id")
    print(f"\ndraft of {start}..{end}: {draft_s:.2f} s for {drafted['lines']} people,"
          f" {drafted['answers']:,} answers (budget {DRAFT_S} s: "
          f"{'met' if draft_s <= DRAFT_S else 'NOT MET'}); {load()}")
    draft_page = time_page(supervisor, f"/supervisor/payouts/{drafted['id']}")
    p50, p99 = statistics.median(draft_page), percentile(draft_page, 0.99)
    results["payout draft"] = {"p50_ms": round(p50, 1), "p99_ms": round(p99, 1),
                               "url": f"/supervisor/payouts/{drafted['id']}"}
    ok = p50 <= P50_MS and p99 <= P99_MS
    misses += [] if ok else ["payout draft"]
    print(f"{'payout draft':<24} {p50:8.1f} {p99:8.1f} {len(draft_page):4}  "
          f"{'met' if ok else 'NOT MET'}")
    db.close()

    small = small_cycle(CYCLES)
    big = big_cycle(run, CYCLES)
    small_again = small_cycle(CYCLES)  # the machine is noisy: the small one on both sides
    small = min(small, small_again)
    ratio = big / small - 1
    print(f"\ntask cycle (claim + answer, core): {big:,.0f} µs on the volume centre,"
          f" {small:,.0f} µs on a small database: {ratio:+.0%} (budget +{CYCLE_SHARE:.0%}:"
          f" {'met' if ratio <= CYCLE_SHARE else 'NOT MET'}); {load()}")
    for leftover in (run, run + "-wal", run + "-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)

    try:
        with open(RESULTS) as f:
            saved = json.load(f)
    except (OSError, ValueError):
        saved = {}
    saved["volume"] = {
        "answers": answers, "measured": dt.datetime.now(dt.timezone.utc).isoformat(
            timespec="seconds"), "how": "Flask test client in process, fresh copy",
        "load": load(), "pages": results, "draft_s": round(draft_s, 2),
        "draft_lines": drafted["lines"], "draft_answers": drafted["answers"],
        "cycle_us": round(big), "small_cycle_us": round(small),
        "not_met": misses + ([] if draft_s <= DRAFT_S else ["draft"])
        + ([] if ratio <= CYCLE_SHARE else ["task cycle"])}
    with open(RESULTS, "w") as f:
        json.dump(saved, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"\n{len(misses)} pages outside the budget" + (f": {', '.join(misses)}" if misses
                                                        else "") + "; bench/results.json written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

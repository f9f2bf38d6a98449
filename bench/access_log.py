"""`python -m bench.access_log`: what the access log (#19) adds to a task cycle's server
work. The cycle is the htmx one (core.tasks.then_next: her answer, then the next card
claimed and logged in the same transaction), on a fresh SQLite file, with the log on and
off in alternating blocks so that whatever else the machine runs weighs on both alike.
Prints the CPU time per cycle (process time: what the server spends, not the wait for the
disk) and the wall time, each the median of the blocks; the log's moves into its indexed
table (core.access_log.flush, one cycle in FLUSH_EVERY) fall inside the blocks."""
import statistics
import tempfile
import time

from core import access_log, migrations, projects, tasks, users
from core import db as coredb

BLOCKS = 8  # per setting, alternating
CYCLES = 400  # per block


def _world(path: str):
    db = coredb.connect(path)
    migrations.migrate(db)
    centre = users.get_centre(db, "BNC", "Bench", create=True)
    project = projects.create_project(
        db, centre_id=centre["id"], slug="bench", task_type="single_choice",
        name={"en": "Bench"}, labels=[("a", {"en": "A"}), ("b", {"en": "B"})],
        redundancy=3, pay_paise=50)
    total = 2 * BLOCKS * CYCLES // 3 + 50
    projects.add_tasks(db, project["id"], [{"text": f"t{i}"} for i in range(total)])
    project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
    workers = [users.create_user(db, login=f"b{i}", password="3917", role="annotator",
                                 name=f"B{i}", centre="BNC", hash_method="pbkdf2:sha256:1")
               for i in range(3)]
    return db, project, workers


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, project, workers = _world(f"{tmp}/bench.db")
        held = {w["id"]: tasks.claim_next(db, w["id"], project)["id"] for w in workers}
        timings = {True: [], False: []}
        n = 0
        for block in range(2 * BLOCKS):
            on = block % 2 == 0
            access_log.attach(db, "bench-session", enabled=on)
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(CYCLES):
                worker = workers[n % 3]["id"]
                step = tasks.answer_step("a" if n % 7 else "b", 5)
                _done, _project, _paused, coming = tasks.then_next(db, held[worker], worker,
                                                                  step)
                held[worker] = coming["id"]
                n += 1
            timings[on].append(((time.process_time() - cpu) / CYCLES * 1e6,
                                (time.perf_counter() - wall) / CYCLES * 1e6))
        access_log.flush(db)
        logged = coredb.one(db, "SELECT count(*) AS n FROM access_log")["n"]
        db.close()
    for on in (True, False):
        cpu = statistics.median(t[0] for t in timings[on])
        wall = statistics.median(t[1] for t in timings[on])
        print(f"access log {'on ' if on else 'off'}: {cpu:,.0f} µs CPU, {wall:,.0f} µs wall"
              f" per cycle (median of {BLOCKS} blocks of {CYCLES})")
    extra = statistics.median(t[0] for t in timings[True]) - \
        statistics.median(t[0] for t in timings[False])
    print(f"the log's cost: {extra:+,.0f} µs CPU per cycle; {logged:,} rows written")


if __name__ == "__main__":
    main()

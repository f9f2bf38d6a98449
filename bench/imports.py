"""`python -m bench.imports`: time and peak memory to import 100,000 text rows (CSV) and
to export 100,000 answers (CSV and JSON Lines), each in a fresh process on a fresh SQLite
file. Prints the figures and merges them into bench/results.json under "data"."""
import json
import multiprocessing
import os
import queue
import resource
import sys
import tempfile
import time

from tests import live

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results.json")
ROWS = 100_000
ANSWERS = 100_000
REDUNDANCY = 3
IMPORT_GOAL_SECONDS = 10.0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _project(db):
    from core import projects, users
    centre = users.get_centre(db, "KRR", "Karur", create=True)
    return projects.create_project(
        db, centre_id=centre["id"], slug="bench", task_type="single_choice",
        name={"en": "Bench"}, labels=[("pos", {"en": "Good"}), ("neg", {"en": "Bad"})],
        redundancy=REDUNDANCY, pay_paise=50)


def _import(path, out):
    from core import db as coredb
    from core import importing, migrations
    db = coredb.connect(path)
    migrations.migrate(db)
    project = _project(db)
    data = ("id,text,gold\n" + "".join(
        f"c-{i},இந்தக் கடையில் சேவை நன்றாக இருந்தது; விலையும் குறைவு {i},"
        f"{'pos' if i % 10 == 0 else ''}\n" for i in range(ROWS))).encode()
    before = _rss_mb()
    start = time.perf_counter()
    report = importing.import_tasks(db, project, data, "bench.csv")
    seconds = time.perf_counter() - start
    assert report["imported"] == ROWS, report
    out.put({"rows": ROWS, "file_mb": round(len(data) / 1024 / 1024, 1),
             "seconds": round(seconds, 2), "rows_per_second": round(ROWS / seconds),
             "peak_rss_mb": round(_rss_mb(), 1),
             "rss_growth_mb": round(_rss_mb() - before, 1),
             "goal_seconds": IMPORT_GOAL_SECONDS, "pass": seconds <= IMPORT_GOAL_SECONDS})


def _answers(db, project):
    """ANSWERS submitted answers over ANSWERS / REDUNDANCY tasks, written straight in SQL."""
    from core import users
    workers = [users.create_user(db, login=f"98760{n:05d}", password=live.DEMO["ta"][1],
                                 role="annotator", name=f"W{n}", centre="KRR",
                                 hash_method="pbkdf2:sha256:1")["id"] for n in range(60)]
    n_tasks = -(-ANSWERS // REDUNDANCY)
    with db.conn:
        db.conn.execute("BEGIN")
        db.conn.executemany(
            "INSERT INTO tasks (project_id, client_id, payload_text, created_at)"
            " VALUES (?, ?, ?, '2026-12-01 10:00:00')",
            [(project["id"], f"c-{i}", f"=இந்தக் கடை நல்லது {i}") for i in range(n_tasks)])
        task_ids = [r[0] for r in db.conn.execute("SELECT id FROM tasks ORDER BY id")]
        rows = []
        for i, task_id in enumerate(task_ids):
            for k in range(REDUNDANCY):
                if len(rows) == ANSWERS:
                    break
                rows.append((task_id, workers[(i + k) % len(workers)], project["id"],
                             "pos" if k else "neg", 5 + k))
        db.conn.executemany(
            "INSERT INTO assignments (task_id, user_id, project_id, state, claimed_at,"
            " lease_expires_at, answer, submitted_at, seconds_spent, review_state, pay_paise)"
            " VALUES (?, ?, ?, 'submitted', '2026-12-01 10:00:00', '2026-12-01 10:15:00', ?,"
            " '2026-12-01 10:00:09', ?, 'accepted', 50)", rows)
        # Counted after the answers: the database refuses an answer to a task already full.
        db.conn.execute("UPDATE tasks SET status = 'done', aggregate = 'pos', confidence = 0.67,"
                        " answers_count = (SELECT count(*) FROM assignments a"
                        " WHERE a.task_id = tasks.id)")
        db.conn.execute("COMMIT")


def _export(path, fmt, out):
    from core import db as coredb
    from core import exporting
    db = coredb.connect(path)
    project = coredb.one(db, "SELECT * FROM projects WHERE slug = 'bench'")
    before = _rss_mb()
    start = time.perf_counter()
    size = 0
    for piece in exporting.export(db, project["id"], fmt, b"bench-secret"):
        size += len(piece.encode("utf-8"))
    seconds = time.perf_counter() - start
    out.put({"answers": ANSWERS, "format": fmt, "seconds": round(seconds, 2),
             "mb": round(size / 1024 / 1024, 1), "peak_rss_mb": round(_rss_mb(), 1),
             "rss_growth_mb": round(_rss_mb() - before, 1)})


def _prepare_export(path, out):
    from core import db as coredb
    from core import migrations
    db = coredb.connect(path)
    migrations.migrate(db)
    _answers(db, _project(db))
    out.put(None)


def _in_child(target, *args):
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=target, args=(*args, out))
    child.start()
    while True:
        try:
            result = out.get(timeout=1)
            break
        except queue.Empty:
            if not child.is_alive():
                raise RuntimeError(f"{target.__name__} failed") from None
    child.join()
    return result


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="velai-bench-data-") as workdir:
        figures = {"import_csv": _in_child(_import, os.path.join(workdir, "import.db"))}
        export_db = os.path.join(workdir, "export.db")
        _in_child(_prepare_export, export_db)
        for fmt in ("csv", "jsonl"):
            figures[f"export_{fmt}"] = _in_child(_export, export_db, fmt)
    imp = figures["import_csv"]
    print(f"import {imp['rows']:,} text rows ({imp['file_mb']} MB CSV): {imp['seconds']} s"
          f" ({imp['rows_per_second']:,} rows/s), peak RSS {imp['peak_rss_mb']} MB"
          f" (+{imp['rss_growth_mb']} MB)  goal <= {IMPORT_GOAL_SECONDS:.0f} s:"
          f" {'PASS' if imp['pass'] else 'FAIL'}")
    for fmt in ("csv", "jsonl"):
        exp = figures[f"export_{fmt}"]
        print(f"export {exp['answers']:,} answers as {fmt} ({exp['mb']} MB): {exp['seconds']} s,"
              f" peak RSS {exp['peak_rss_mb']} MB (+{exp['rss_growth_mb']} MB)")
    results = {}
    if os.path.exists(RESULTS):
        with open(RESULTS, encoding="utf-8") as f:
            results = json.load(f)
    results["data"] = figures
    with open(RESULTS, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"Results: {os.path.relpath(RESULTS)} (key \"data\")")
    return 0


if __name__ == "__main__":
    sys.exit(main())

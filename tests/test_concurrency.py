"""Several real processes claiming and answering from one project at once."""
import multiprocessing

from core import db as coredb
from core import tasks
from core.db import one


def _work(path, user_id, project, barrier, results):
    db = coredb.connect(path)
    barrier.wait()  # start together, so claims really race
    done = []
    while True:
        assignment = tasks.claim_next(db, user_id, project)
        if assignment is None:
            break
        tasks.record_answer(db, assignment["id"], user_id, "pos")
        done.append(assignment["task_id"])
    results.put((user_id, done))


def test_parallel_claims_never_exceed_redundancy_nor_repeat_a_task(app, db, make_user,
                                                                   make_project):
    project = make_project(tasks=40, redundancy=3)
    workers = [make_user()["id"] for _ in range(6)]
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(len(workers)), ctx.Queue()
    procs = [ctx.Process(target=_work, args=(app.config["VELAI_DB"], uid, project, barrier,
                                             results)) for uid in workers]
    for p in procs:
        p.start()
    done = dict(results.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=10)
        assert p.exitcode == 0
    for uid, task_ids in done.items():
        assert len(task_ids) == len(set(task_ids)), f"user {uid} got a task twice"
    assert sum(len(t) for t in done.values()) == 40 * 3  # every slot filled, none over
    over = one(db, "SELECT count(*) AS n FROM (SELECT task_id FROM assignments"
                   " WHERE state = 'submitted' GROUP BY task_id HAVING count(*) > 3)")
    assert over["n"] == 0
    assert one(db, "SELECT count(*) AS n FROM tasks WHERE status = 'done'"
                   " AND answers_count = 3")["n"] == 40

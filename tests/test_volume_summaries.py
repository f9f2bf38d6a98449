"""The supervisor's home and fair pay read summaries the database keeps (work_by_day,
answers_by_project, tasks_by_status, migration 0019): for every way an answer or a task
changes they stay equal to the sums over the rows themselves."""
import importlib

from core import projects, tasks

WORK_SUMS = """SELECT project_id, date(submitted_at, '+330 minutes') AS day, user_id,
  count(*) AS answers, coalesce(sum(seconds_spent), 0) AS seconds,
  coalesce(sum(CASE WHEN review_state IN ('accepted', 'pending') THEN pay_paise END), 0)
  AS earned_paise FROM assignments WHERE state = 'submitted' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
WORK_KEPT = "SELECT * FROM work_by_day WHERE answers != 0 ORDER BY project_id, day, user_id"
TASK_SUMS = ("SELECT project_id, status, count(*) AS tasks FROM tasks GROUP BY 1, 2"
             " ORDER BY 1, 2")
TASK_KEPT = "SELECT * FROM tasks_by_status WHERE tasks != 0 ORDER BY project_id, status"
PROJECT_SUMS = ("SELECT project_id, count(*) AS answers FROM assignments"
                " WHERE state = 'submitted' GROUP BY 1 ORDER BY 1")
PROJECT_KEPT = "SELECT * FROM answers_by_project WHERE answers != 0 ORDER BY project_id"


def _answer(db, worker, project, answer="pos"):
    assignment = tasks.claim_next(db, worker["id"], project)
    return tasks.record_answer(db, assignment["id"], worker["id"], answer, seconds=7)


def _equal(db, why=""):
    assert list(db.query(WORK_KEPT)) == list(db.query(WORK_SUMS)), why
    assert list(db.query(TASK_KEPT)) == list(db.query(TASK_SUMS)), why
    assert list(db.query(PROJECT_KEPT)) == list(db.query(PROJECT_SUMS)), why


def test_every_change_to_answers_and_tasks_keeps_the_summaries_equal_to_the_sums(
        db, make_user, make_project):
    first, second = make_user(), make_user()
    project = make_project(tasks=6, redundancy=2, pay_paise=25)
    other = make_project(tasks=2, redundancy=1, slug="other")
    done = [_answer(db, worker, project) for worker in (first, second) for _ in range(3)]
    _answer(db, first, other, "neg")
    _equal(db, "after answers, with tasks settled")
    changes = [
        "UPDATE assignments SET pay_paise = 30 WHERE id = ?",
        "UPDATE assignments SET seconds_spent = 90 WHERE id = ?",
        "UPDATE assignments SET submitted_at = '2026-01-05 20:00:00' WHERE id = ?",
        "UPDATE assignments SET review_state = 'rejected' WHERE id = ?",
        "UPDATE assignments SET review_state = 'pending' WHERE id = ?",
        "UPDATE assignments SET state = 'skipped', review_state = NULL WHERE id = ?",
        "DELETE FROM assignments WHERE id = ?",
    ]
    for n, sql in enumerate(changes):
        db.execute(sql, (done[n % len(done)]["id"],))
        _equal(db, sql)
    task = done[0]["task_id"]
    for sql in ("UPDATE tasks SET status = 'held' WHERE id = ?",
                "UPDATE tasks SET status = 'removed' WHERE id = ?",
                "UPDATE tasks SET answers_count = answers_count WHERE id = ?"):
        db.execute(sql, (task,))
        _equal(db, sql)
    projects.add_tasks(db, project["id"], [{"text": "one more"}])
    _equal(db, "a task added")


def test_the_migration_counts_what_was_there_before_it(db, make_user, make_project):
    worker = make_user()
    project = make_project(tasks=3, redundancy=1, pay_paise=50)
    for _ in range(2):
        _answer(db, worker, project)
    for name in ("work_by_day", "tasks_by_status"):
        for trigger in ("insert", "delete", "update"):
            db.execute(f"DROP TRIGGER {name}_{trigger}")
        db.execute(f"DROP TABLE {name}")
    db.execute("DROP TABLE answers_by_project")
    for index in ("assignments_missed", "assignments_review_queue", "tasks_attention"):
        db.execute(f"DROP INDEX {index}")
    importlib.import_module("core.migrations.0018_volume").apply(db)
    _equal(db)
    assert list(db.query("SELECT answers, seconds, earned_paise FROM work_by_day")) == [
        {"answers": 2, "seconds": 14, "earned_paise": 100}]

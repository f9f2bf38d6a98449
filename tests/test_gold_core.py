"""Check tasks while she works (#6 item 6): accuracy kept in the answer's transaction,
the automatic pause, reinstatement and retake, and check tasks spread through the work."""
import datetime as dt
import json

import pytest

from core import gold, projects, qualifications, tasks
from core.db import one
from core.errors import NotFound

NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.timezone.utc)


def _settings(db, project, **values):
    db["projects"].update(project["id"], values)
    return one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))


def _gold_project(db, make_project, n_gold=5, n_plain=5, **settings):
    project = make_project(tasks=0, redundancy=1)
    projects.add_tasks(db, project["id"], [{"text": f"Check {i}", "gold": "pos"}
                                           for i in range(n_gold)])
    projects.add_tasks(db, project["id"], [{"text": f"Plain {i}"} for i in range(n_plain)])
    return _settings(db, project, **settings)


def _answer_next(db, user, project, answer, now=NOW):
    held = tasks.claim_next(db, user["id"], project, now=now)
    return tasks.record_answer(db, held["id"], user["id"], answer, now=now)


def test_check_tasks_come_spread_through_the_work_at_the_projects_share(db, make_user,
                                                                        make_project):
    # Imported bunched: all 40 check tasks first, then 360 ordinary ones.
    project = _gold_project(db, make_project, n_gold=40, n_plain=360, gold_share=0.1)
    worker = make_user()
    kinds = []
    for _ in range(100):
        done = _answer_next(db, worker, project, "pos")
        kinds.append(done["gold_answer"] is not None)
    assert 8 <= sum(kinds) <= 12, sum(kinds)  # about 10 in her first 100
    assert 3 <= sum(kinds[:40]) <= 5 and 3 <= sum(kinds[60:]) <= 5  # not bunched
    runs = "".join("G" if k else "." for k in kinds)
    assert "GG" not in runs, runs


def test_a_second_annotator_gets_check_tasks_spread_too(db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=30, n_plain=270, gold_share=0.2)
    first, second = make_user(), make_user()
    for worker in (first, second):
        got = [_answer_next(db, worker, project, "pos")["gold_answer"] is not None
               for _ in range(50)]
        assert 7 <= sum(got) <= 13, (worker["id"], sum(got))


def test_no_check_tasks_when_the_share_is_zero_until_the_ordinary_ones_run_out(
        db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=2, n_plain=3, gold_share=0)
    worker = make_user()
    got = [_answer_next(db, worker, project, "pos")["payload_text"] for _ in range(5)]
    assert got == ["Plain 0", "Plain 1", "Plain 2", "Check 0", "Check 1"]


def test_accuracy_is_counted_per_person_and_project_in_the_answers_transaction(
        db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=3, n_plain=0, gold_min_answers=10)
    worker = make_user()
    for answer in ("pos", "neg", "pos"):
        _answer_next(db, worker, project, answer)
    assert one(db, "SELECT answered, right_count, judged_answered, judged_right"
                   " FROM gold_stats WHERE user_id = ?", (worker["id"],)) == {
        "answered": 3, "right_count": 2, "judged_answered": 3, "judged_right": 2}
    # A repeated post of a recorded answer counts nothing.
    first = one(db, "SELECT id FROM assignments ORDER BY id LIMIT 1")["id"]
    tasks.record_answer(db, first, worker["id"], "pos", now=NOW)
    assert one(db, "SELECT answered FROM gold_stats")["answered"] == 3


def test_below_the_minimum_after_enough_check_answers_she_is_paused_automatically(
        db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=6, n_plain=0, gold_min_answers=4,
                            min_gold_accuracy=0.75, batch_size=3)
    worker = make_user()
    for answer in ("pos", "pos", "neg"):  # 2 of 3: too few answers to judge
        _answer_next(db, worker, project, answer)
    assert qualifications.get_status(db, worker["id"], project["id"]) is None
    held = tasks.claim_batch(db, worker["id"], project, now=NOW)
    tasks.record_answer(db, held[0]["id"], worker["id"], "neg", now=NOW)  # 2 of 4: 50 %
    row = one(db, "SELECT status, reason, changed_by FROM qualifications")
    assert row == {"status": "paused", "reason": "gold", "changed_by": None}
    entry = one(db, "SELECT actor_id, action, detail FROM audit_log"
                    " WHERE action = 'qualification.paused'")
    assert entry["actor_id"] is None and json.loads(entry["detail"])["reason"] == "gold"
    # Her other leases went back to the pool; no route records more of her answers.
    assert one(db, "SELECT count(*) AS n FROM assignments WHERE state = 'active'"
                   " AND lease_expires_at > ?", ("2026-12-01 06:00:00",))["n"] == 0
    with pytest.raises(Exception):
        tasks.record_answer(db, held[1]["id"], worker["id"], "pos", now=NOW)
    assert [p["id"] for p in gold.held_back(db, worker["id"])] == [project["id"]]
    assert gold.held_back(db, worker["id"])[0]["right"] == 2


def test_a_right_answer_never_pauses_her(db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=3, n_plain=0, gold_min_answers=1,
                            min_gold_accuracy=1.0)
    worker = make_user()
    for _ in range(3):
        _answer_next(db, worker, project, "pos")
    assert qualifications.get_status(db, worker["id"], project["id"]) is None


def test_reinstating_her_gives_a_fresh_start_and_is_audited(db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=4, n_plain=0, gold_min_answers=1,
                            min_gold_accuracy=0.5)
    worker, boss = make_user(), make_user(role="supervisor")
    _answer_next(db, worker, project, "neg")
    assert qualifications.get_status(db, worker["id"], project["id"]) == "paused"
    gold.decide(db, boss, project["id"], worker["id"], "reinstate")
    assert one(db, "SELECT status, reason, changed_by FROM qualifications") == {
        "status": "qualified", "reason": "reinstated", "changed_by": boss["id"]}
    assert one(db, "SELECT answered, judged_answered FROM gold_stats") == {
        "answered": 1, "judged_answered": 0}
    assert {r["action"] for r in db.query("SELECT action FROM audit_log WHERE actor_id = ?",
                                          (boss["id"],))} == {"gold.reset",
                                                              "qualification.qualified"}
    _answer_next(db, worker, project, "pos")  # she works again
    assert gold.held_back(db, worker["id"]) == []


def test_a_retake_makes_her_a_trainee_again(db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=2, n_plain=0, gold_min_answers=1)
    worker, boss = make_user(), make_user(role="supervisor")
    _answer_next(db, worker, project, "neg")
    gold.decide(db, boss, project["id"], worker["id"], "retake")
    assert one(db, "SELECT status, reason FROM qualifications") == {
        "status": "trainee", "reason": "retake"}
    assert gold.held_back(db, worker["id"])[0]["qualification"] == "trainee"


def test_another_centres_supervisor_changes_nothing(db, make_user, make_project):
    project = _gold_project(db, make_project, n_gold=2, n_plain=0, gold_min_answers=1)
    worker, stranger = make_user(), make_user(role="supervisor", centre="STP")
    _answer_next(db, worker, project, "neg")
    with pytest.raises(NotFound):
        gold.decide(db, stranger, project["id"], worker["id"], "reinstate")
    other_worker = make_user(centre="STP")
    with pytest.raises(NotFound):
        gold.decide(db, make_user(role="supervisor"), project["id"], other_worker["id"],
                    "reinstate")
    assert qualifications.get_status(db, worker["id"], project["id"]) == "paused"
    assert one(db, "SELECT count(*) AS n FROM audit_log WHERE actor_id IS NOT NULL")["n"] == 0


def test_gold_figures_refuse_impossible_counts_in_the_database(db, make_user, make_project):
    import sqlite3
    project, worker = make_project(tasks=0), make_user()
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO gold_stats (user_id, project_id, answered, right_count,"
                   " updated_at) VALUES (?, ?, 1, 2, 'x')", (worker["id"], project["id"]))

"""Quality rules without Flask: normalising, majority vote, dynamic overlap, the database's
own limit on leases, agreement against Krippendorff's worked example, annotator figures."""
import datetime as dt
import sqlite3

import pytest

from core import quality, tasks, tasktypes
from core.clock import stamp, utcnow
from core.db import one


def _answer(db, make_user, project, answer, now=None, centre="KRR"):
    worker = make_user(centre=centre)
    a = tasks.claim_next(db, worker["id"], project, now=now)
    assert a is not None, "no task left to claim"
    return tasks.record_answer(db, a["id"], worker["id"], answer, now=now)


def _task(db):
    return one(db, "SELECT status, aggregate, confidence, wanted, answers_count FROM tasks"
                   " ORDER BY id LIMIT 1")


def _settings(db, project, **values):
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE projects SET {sets} WHERE id = ?", (*values.values(), project["id"]))
    return one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))


@pytest.mark.parametrize("a, b", [
    ("Drink boiled water.", "  drink   BOILED water "),
    ("மழைக் காலத்தில்\u00a0தண்ணீர்", "மழைக் காலத்தில் தண்ணீர்!"),
    ("हाँ।", "हाँ"),
    ("caf\u0065\u0301", "café"),  # decomposed é is NFC-composed first
    ("“Yes”", "yes"),
])
def test_free_text_answers_agree_after_normalising(a, b):
    assert quality.normalise(a) == quality.normalise(b)
    # Typed answers (a photo is an id, compared as one).
    assert all(t.same(a, b) for t in tasktypes.TYPES.values() if not t.capture)


def test_normalising_keeps_different_words_apart():
    assert not quality.same("drink water", "drink boiled water")
    assert not quality.same("yes", "no")
    assert quality.normalise("a.b") == "a.b"  # only the ends lose punctuation


def test_majority_settles_the_task_and_accepts_only_agreeing_answers(db, make_user,
                                                                     make_project):
    project = make_project(tasks=1, redundancy=3)
    ids = [_answer(db, make_user, project, answer)["id"] for answer in ("pos", "pos", "neg")]
    task = _task(db)
    assert (task["status"], task["aggregate"]) == ("done", "pos")
    assert task["confidence"] == pytest.approx(2 / 3)
    states = [one(db, "SELECT review_state FROM assignments WHERE id = ?", (i,))["review_state"]
              for i in ids]
    assert states == ["accepted", "accepted", "pending"]  # the dissent goes to review


def test_free_text_majority_counts_typing_differences_as_one_answer(db, make_user,
                                                                    make_project):
    project = make_project(task_type="free_text", tasks=1, redundancy=3)
    for text in ("Drink boiled water.", "drink boiled water", "Drink water"):
        _answer(db, make_user, project, text)
    task = _task(db)
    assert (task["status"], task["aggregate"]) == ("done", "Drink boiled water.")


def test_a_tie_asks_for_one_more_answer_which_decides(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=2)
    _answer(db, make_user, project, "pos")
    _answer(db, make_user, project, "neg")
    task = _task(db)
    assert (task["status"], task["wanted"], task["aggregate"]) == ("open", 3, None)
    _answer(db, make_user, project, "neg")
    task = _task(db)
    assert (task["status"], task["aggregate"], task["wanted"]) == ("done", "neg", 3)


def test_weak_agreement_asks_for_more_answers_up_to_the_maximum(db, make_user, make_project):
    project = _settings(db, make_project(task_type="free_text", tasks=1, redundancy=3),
                        max_answers=5, agreement_threshold=0.75)
    for n, text in enumerate(("a", "b", "c", "a"), start=1):
        _answer(db, make_user, project, text)
        assert _task(db)["status"] == "open"
        assert (_task(db)["wanted"] or project["redundancy"]) == max(3, n + 1)
    _answer(db, make_user, project, "d")  # the fifth, the maximum: done, 2 of 5 for "a"
    task = _task(db)
    assert (task["status"], task["aggregate"], task["wanted"]) == ("done", "a", 5)
    assert task["confidence"] == pytest.approx(0.4)
    other = make_user()
    assert tasks.claim_next(db, other["id"], project) is None
    # Not confident: nothing was accepted by the vote; all five wait for a supervisor.
    assert one(db, "SELECT count(*) AS n FROM assignments WHERE review_state = 'pending'")[
        "n"] == 5


def test_a_tie_at_the_maximum_leaves_no_aggregate(db, make_user, make_project):
    project = _settings(db, make_project(tasks=1, redundancy=2), max_answers=2)
    _answer(db, make_user, project, "pos")
    _answer(db, make_user, project, "neg")
    task = _task(db)
    assert (task["status"], task["aggregate"], task["confidence"]) == ("done", None, 0.5)


def test_a_late_batch_answer_changes_the_aggregate(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=3)
    start = utcnow()
    late = make_user()
    held = tasks.claim_batch(db, late["id"], project, now=start)[0]  # a 2-hour lease
    _answer(db, make_user, project, "pos", now=start)
    _answer(db, make_user, project, "neg", now=start)
    assert _task(db)["status"] == "open"
    # Hours later, back in signal, her phone sends the batch: the tie is broken.
    tasks.sync(db, late["id"], [{"id": held["id"], "answer": "neg"}],
               now=start + dt.timedelta(hours=1, minutes=50))
    task = _task(db)
    assert (task["status"], task["aggregate"]) == ("done", "neg")
    assert task["confidence"] == pytest.approx(2 / 3)


def test_the_database_refuses_a_lease_beyond_what_the_task_wants(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=2)
    a, b, c = make_user(), make_user(), make_user()
    tasks.claim_next(db, a["id"], project)
    tasks.claim_next(db, b["id"], project)
    now = stamp(utcnow())
    with pytest.raises(sqlite3.IntegrityError, match="task_full"):
        db.execute("INSERT INTO assignments (task_id, user_id, project_id, claimed_at,"
                   " lease_expires_at) VALUES (1, ?, ?, ?, ?)", (c["id"], project["id"], now,
                                                                 "2999-01-01 00:00:00"))
    assert db["assignments"].count == 2


def test_the_database_lets_a_lease_in_when_a_tie_raised_what_the_task_wants(
        db, make_user, make_project):
    project = make_project(tasks=1, redundancy=2)
    _answer(db, make_user, project, "pos")
    _answer(db, make_user, project, "neg")
    third = make_user()
    assert tasks.claim_next(db, third["id"], project) is not None  # wanted is 3 now
    fourth = make_user()
    assert tasks.claim_next(db, fourth["id"], project) is None


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, values 1-5, missing data; nominal alpha = 0.743.
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_matches_krippendorffs_worked_example():
    units = [[row[u] for row in RELIABILITY_DATA if row[u] is not None] for u in range(12)]
    assert round(quality.krippendorff_alpha(units), 3) == 0.743


def test_alpha_is_one_for_full_agreement_and_none_without_pairs():
    assert quality.krippendorff_alpha([["a", "a"], ["b", "b", "b"]]) == 1.0
    assert quality.krippendorff_alpha([["a"], ["b"]]) is None
    assert quality.krippendorff_alpha([["a", "a"]]) is None  # one value only: nothing to test
    assert quality.agreement_band(0.5) == "low" and quality.agreement_band(0.743) == "fair"
    assert quality.agreement_band(0.9) == "good" and quality.agreement_band(None) == "none"


def test_annotator_figures_flag_answering_faster_than_the_minimum(db, make_user, make_project):
    project = _settings(db, make_project(tasks=4, redundancy=2, gold=None), min_seconds=5)
    db.execute("UPDATE tasks SET gold_answer = 'pos' WHERE id = 4")
    quick, careful = make_user(), make_user()
    for _ in range(4):
        for worker, seconds, answer in ((quick, 1, "neg"), (careful, 9, "pos")):
            a = tasks.claim_next(db, worker["id"], project)
            tasks.record_answer(db, a["id"], worker["id"], answer, seconds=seconds)
    stats, more = quality.annotator_stats(db, project)
    by_name = {s["user_id"]: s for s in stats}
    assert not more
    assert by_name[quick["id"]]["too_fast"] and not by_name[careful["id"]]["too_fast"]
    assert by_name[quick["id"]]["median_seconds"] == 1
    assert by_name[careful["id"]]["gold_accuracy"] == 1.0
    assert by_name[quick["id"]]["gold_accuracy"] == 0.0
    assert by_name[quick["id"]]["answers"] == 4


def test_skips_count_in_her_share_of_skips(db, make_user, make_project):
    project = make_project(tasks=4, redundancy=1)
    worker = make_user()
    for n in range(4):
        a = tasks.claim_next(db, worker["id"], project)
        if n == 0:
            tasks.skip(db, a["id"], worker["id"], "unsure")
        else:
            tasks.record_answer(db, a["id"], worker["id"], "pos")
    stats, _ = quality.annotator_stats(db, project)
    assert stats[0]["skip_share"] == 0.25 and stats[0]["answers"] == 3


def test_the_dashboard_series_counts_answers_per_india_day(db, make_user, make_project):
    project = make_project(tasks=6, redundancy=2)
    now = utcnow()
    yesterday = now - dt.timedelta(days=1)
    for answer in ("pos", "pos"):
        _answer(db, make_user, project, answer, now=yesterday)
    for answer in ("pos", "neg"):
        _answer(db, make_user, project, answer, now=now)
    days = quality.series(db, [project["id"]], now=now)
    assert len(days) == quality.DAYS
    assert [d["answers"] for d in days[-2:]] == [2, 2]
    assert days[0]["answers"] == 0 and days[0]["alpha"] is None

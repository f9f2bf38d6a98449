"""The quality dashboards read figures the database keeps (migration 0021: per person,
seconds, check answers by day, agreement by day): after answers, skips, ties, reviews,
appeals, payouts, a check answer changed and an answer taken away, every figure equals
the same figure computed the slow way, from every answer, as the dashboards did before."""
import datetime as dt
import importlib
import statistics
from collections import Counter, defaultdict

import pytest

from core import payouts, quality, review, tasks
from core.clock import IST, utcnow
from core.tasktypes import normalise, same
from tests import payout_helpers as pay

NOW = utcnow()

# -- the slow way: every answer read, as core.quality computed the pages before #15 -------

_ROWS = """SELECT a.user_id, a.state, a.answer, a.seconds_spent, a.submitted_at, a.task_id,
  t.aggregate, t.gold_answer, p.min_seconds FROM assignments a
  JOIN tasks t ON t.id = a.task_id JOIN projects p ON p.id = a.project_id
  WHERE a.state != 'active' AND a.project_id = ?"""


def _day(text):
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(IST).date()


def slow_people(db, project_id):
    people = defaultdict(lambda: {"answers": 0, "skips": 0, "agree": 0, "compared": 0,
                                  "gold_right": 0, "gold": 0, "seconds": [], "fast": 0})
    for row in db.query(_ROWS, (project_id,)):
        person = people[row["user_id"]]
        if row["state"] in ("skipped", "reported"):
            person["skips"] += 1
            continue
        person["answers"] += 1
        if row["seconds_spent"] is not None:
            person["seconds"].append(row["seconds_spent"])
            person["fast"] += row["seconds_spent"] < row["min_seconds"]
        if row["gold_answer"] is not None:
            person["gold"] += 1
            person["gold_right"] += same(row["answer"], row["gold_answer"])
        elif row["aggregate"] is not None:
            person["compared"] += 1
            person["agree"] += same(row["answer"], row["aggregate"])
    out = {}
    for user_id, p in people.items():
        seen = p["answers"] + p["skips"]
        median = statistics.median(p["seconds"]) if p["seconds"] else None
        out[user_id] = {**{k: v for k, v in p.items() if k != "seconds"},
                        "agreement": p["agree"] / p["compared"] if p["compared"] else None,
                        "gold_accuracy": p["gold_right"] / p["gold"] if p["gold"] else None,
                        "median_seconds": median, "skip_share": p["skips"] / seen,
                        "too_fast": median is not None and median < row["min_seconds"]}
    return out


def slow_units(db, project_id):
    """task -> (India's day of its last answer, its answers as compared)."""
    by_task = defaultdict(list)
    for row in db.query(_ROWS, (project_id,)):
        if row["state"] == "submitted":
            by_task[row["task_id"]].append((_day(row["submitted_at"]), normalise(row["answer"])))
    return {task: (max(d for d, _ in rows), [v for _, v in rows]) for task, rows in by_task.items()}


def slow_series(db, project_id, now):
    today = now.astimezone(IST).date()
    days = [today - dt.timedelta(days=i) for i in range(quality.DAYS - 1, -1, -1)]
    out = {d: {"answers": 0, "gold_n": 0, "gold_right": 0, "units": []} for d in days}
    for row in db.query(_ROWS, (project_id,)):
        d = _day(row["submitted_at"]) if row["submitted_at"] else None
        if row["state"] == "submitted" and d in out:
            out[d]["answers"] += 1
            if row["gold_answer"] is not None:
                out[d]["gold_n"] += 1
                out[d]["gold_right"] += same(row["answer"], row["gold_answer"])
    for last, values in slow_units(db, project_id).values():
        if last in out and len(values) > 1:
            out[last]["units"].append(values)
    return [{"day": d, "answers": e["answers"], "gold_n": e["gold_n"],
             "gold_right": e["gold_right"], "alpha": quality.krippendorff_alpha(e["units"]),
             "gold": e["gold_right"] / e["gold_n"] if e["gold_n"] else None}
            for d, e in out.items()]


def _close(a, b):
    return a == b if a is None or b is None else a == pytest.approx(b, abs=1e-9)


def assert_kept_equals_slow(db, project, why=""):
    project = db.query("SELECT * FROM projects WHERE id = ?", (project["id"],)).__next__()
    units = [values for _, values in slow_units(db, project["id"]).values()]
    kept = quality.project_agreement(db, project["id"])
    assert _close(kept["alpha"], quality.krippendorff_alpha(units)), why
    assert kept["tasks"] == sum(1 for u in units if len(u) > 1), why
    stats, more = quality.annotator_stats(db, project, per_page=1000)
    slow = slow_people(db, project["id"])
    assert not more
    assert {s["user_id"] for s in stats} == set(slow), why
    for s in stats:
        for key, expected in slow[s["user_id"]].items():
            assert _close(s[key], expected), (why, key, s, expected)
    for kept_day, slow_day in zip(quality.series(db, [project["id"]], now=NOW),
                                  slow_series(db, project["id"], NOW)):
        for key, expected in slow_day.items():
            assert _close(kept_day[key], expected), (why, key, kept_day, slow_day)


def _answer(db, worker, project, answer, seconds=5, when=NOW):
    assignment = tasks.claim_next(db, worker["id"], project, now=when)
    if assignment is None:  # paused by a missed check task, or nothing left
        return None
    return tasks.record_answer(db, assignment["id"], worker["id"], answer, seconds=seconds,
                               now=when)


def _busy_day(db, make_user, make_project):
    """Two projects: labels with check tasks (redundancy 3, ties asking for more) and free
    text whose answers differ only as typed; answers on three days, a skip and a report."""
    labels = make_project(tasks=8, redundancy=3, slug="labels")
    db.execute("UPDATE projects SET min_seconds = 4, max_answers = 5 WHERE id = ?",
               (labels["id"],))
    db.execute("UPDATE tasks SET gold_answer = 'pos' WHERE project_id = ? AND id % 4 = 0",
               (labels["id"],))
    labels = db.query("SELECT * FROM projects WHERE id = ?", (labels["id"],)).__next__()
    words = make_project(task_type="free_text", tasks=4, redundancy=2, slug="words")
    people = [make_user() for _ in range(5)]
    plan = ["pos", "neg", "pos", "pos", "neg", "neg", "pos", "neg"]
    answers = []
    for n, worker in enumerate(people):
        when = NOW - dt.timedelta(days=n % 3, hours=n)
        for k in range(5):
            answer = plan[(n + k) % len(plan)]
            found = _answer(db, worker, labels, answer, seconds=(n * 3 + k) % 9, when=when)
            if found:
                answers.append(found)
        for text in ("Drink boiled water.", "  drink   BOILED water ", "Wash hands")[n % 3:]:
            assignment = tasks.claim_next(db, worker["id"], words, now=when)
            if assignment:
                tasks.record_answer(db, assignment["id"], worker["id"], text, seconds=n,
                                    now=when)
    skipped = tasks.claim_next(db, people[0]["id"], words)
    if skipped:
        tasks.skip(db, skipped["id"], people[0]["id"], "unsure")
    return labels, words, people, answers


def test_the_kept_quality_figures_equal_the_slow_ones_through_a_centres_work(
        db, make_user, make_project):
    labels, words, people, answers = _busy_day(db, make_user, make_project)
    assert_kept_equals_slow(db, labels, "after answers")
    assert_kept_equals_slow(db, words, "after free text and a skip")

    # A supervisor reviews, an appeal is decided, a payout is drafted and approved: none
    # of it changes an answer, so none of it changes a figure.
    supervisor, approver = make_user(role="supervisor"), make_user(role="supervisor")
    pending = [a["id"] for a in db.query(
        "SELECT id FROM assignments WHERE review_state = 'pending' ORDER BY id")]
    review.accept(db, pending[0], supervisor)
    rejected = review.reject(db, pending[1], supervisor, "wrong_answer")
    owner = db.query("SELECT user_id FROM assignments WHERE id = ?",
                     (rejected["id"] if isinstance(rejected, dict) else pending[1],)).__next__()
    appeal = review.appeal(db, pending[1], owner["user_id"], "I read it again")
    review.decide_appeal(db, appeal["appeal_id"], approver, "overturned")
    for person in people:
        pay.paid_to(db, person, approver, upi=f"w{person['id']}@okaxis")
    start = (NOW - dt.timedelta(days=6)).astimezone(IST).date()
    end = NOW.astimezone(IST).date()
    payout = payouts.draft(db, supervisor, start.isoformat(), end.isoformat(), now=NOW)
    payouts.approve(db, payout, approver, now=NOW + dt.timedelta(days=30))
    assert_kept_equals_slow(db, labels, "after reviews, an appeal and a payout")

    # A check answer set, changed and taken away; the majority of a task changed by hand.
    task = answers[0]["task_id"]
    for gold in ("neg", "pos", None):
        db.execute("UPDATE tasks SET gold_answer = ? WHERE id = ?", (gold, task))
        assert_kept_equals_slow(db, labels, f"gold {gold}")
    db.execute("UPDATE tasks SET aggregate = 'neg' WHERE id = ?", (answers[3]["task_id"],))
    assert_kept_equals_slow(db, labels, "a majority changed")

    # Answers changed or taken away by hand (a restore, a purge): the figures follow.
    for sql in ("UPDATE assignments SET seconds_spent = 1 WHERE id = ?",
                "UPDATE assignments SET answer = 'neg' WHERE id = ?",
                "UPDATE assignments SET submitted_at = datetime(submitted_at, '-2 days')"
                " WHERE id = ?",
                "UPDATE assignments SET state = 'skipped' WHERE id = ?",
                "DELETE FROM assignments WHERE id = ?"):
        victim = db.query("SELECT a.id FROM assignments a WHERE a.project_id = ?"
                          " AND a.state = 'submitted' AND NOT EXISTS (SELECT 1 FROM"
                          " payout_items i WHERE i.assignment_id = a.id) ORDER BY a.id DESC"
                          " LIMIT 1", (labels["id"],)).__next__()
        db.execute("DELETE FROM appeals WHERE assignment_id = ?", (victim["id"],))
        db.execute(sql, (victim["id"],))
        assert_kept_equals_slow(db, labels, sql)


def test_a_page_of_annotators_is_ordered_and_cut_as_before(db, make_user, make_project):
    project = make_project(tasks=12, redundancy=3)
    people = [make_user() for _ in range(3)]
    for n, worker in enumerate(people):
        for _ in range(n + 2):
            _answer(db, worker, project, "pos")
    first, more = quality.annotator_stats(db, project, page=1, per_page=2)
    second, last = quality.annotator_stats(db, project, page=2, per_page=2)
    assert more and not last
    assert [s["answers"] for s in first + second] == [4, 3, 2]
    assert [s["user_id"] for s in first + second] == [p["id"] for p in reversed(people)]


def test_her_own_figures_come_from_the_kept_ones(db, make_user, make_project):
    project = make_project(tasks=6, redundancy=2)
    her, other = make_user(), make_user()
    for answer in ("pos", "neg", "pos"):
        _answer(db, her, project, answer, seconds=3)
        _answer(db, other, project, "pos", seconds=8)
    mine = quality.her_quality(db, her["id"])
    slow = slow_people(db, project["id"])[her["id"]]
    assert len(mine) == 1 and mine[0]["project"]["id"] == project["id"]
    for key, expected in slow.items():
        assert _close(mine[0][key], expected), key
    assert mine[0]["median_seconds"] == 3 and mine[0]["answers"] == 3


@pytest.mark.parametrize("seconds", [[], [4], [4, 9], [1, 1, 7], [2, 2, 3, 10], [5, 5, 5, 5]])
def test_the_median_from_counted_seconds_is_statistics_median(seconds):
    histogram = sorted(Counter(seconds).items())
    assert quality._median(histogram) == (statistics.median(seconds) if seconds else None)


def test_the_migration_counts_the_answers_given_before_it(db, make_user, make_project):
    labels, words, _, _ = _busy_day(db, make_user, make_project)
    kept = {name: list(db.query(f"SELECT * FROM {name} ORDER BY 1, 2, 3"))
            for name in ("quality_by_person", "seconds_by_person", "gold_by_day",
                         "agreement_by_day", "disagreement_by_day")}
    for (name,) in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                   " AND (name LIKE 'quality_%' OR name LIKE 'agreement_%')"
                                   ).fetchall():
        db.execute(f"DROP TRIGGER {name}")
    for name in kept:
        db.execute(f"DROP TABLE {name}")
    importlib.import_module("core.migrations.0021_quality_summaries").apply(db)
    for name, rows in kept.items():
        again = list(db.query(f"SELECT * FROM {name} ORDER BY 1, 2, 3"))
        # Rows the triggers brought to zero are not made by the count.
        assert again == [r for r in rows if any(v for k, v in r.items() if k in (
            "answers", "skips", "tasks"))], name
    assert_kept_equals_slow(db, labels, "after the migration")
    assert_kept_equals_slow(db, words, "after the migration")


def test_a_connection_without_the_comparison_is_refused_not_wrong(db, make_user, make_project):
    """A bare sqlite3 connection cannot add an answer behind the figures' back."""
    import sqlite3

    project = make_project(tasks=2, redundancy=1)
    _answer(db, make_user(), project, "pos")
    bare = sqlite3.connect(db.velai_path)
    with pytest.raises(sqlite3.OperationalError, match="velai_answer_key"):
        bare.execute("UPDATE assignments SET answer = 'neg' WHERE state = 'submitted'")
    bare.close()

"""Today's figures on her card: kept by the database in answers_by_day, for every way an
answer changes, and always equal to the sums over her answers themselves."""
import datetime as dt
import importlib

from core import clock, earnings, projects, tasks

# The old way, summing her answers of India's day: what the kept figures must equal.
SUMS = """SELECT user_id, date(submitted_at, '+330 minutes') AS day, count(*) AS answers,
  coalesce(sum(CASE WHEN review_state IN ('accepted', 'pending') THEN pay_paise END), 0)
  AS earned_paise, sum(review_state = 'pending') AS pending,
  sum(review_state = 'accepted') AS accepted,
  coalesce(sum(CASE WHEN review_state = 'accepted' THEN pay_paise END), 0) AS accepted_paise
  FROM assignments WHERE state = 'submitted' GROUP BY 1, 2 ORDER BY 1, 2"""
KEPT = "SELECT * FROM answers_by_day WHERE answers != 0 ORDER BY user_id, day"


def _answer(db, worker, project, answer="pos", now=None):
    assignment = tasks.claim_next(db, worker["id"], project, now=now)
    return tasks.record_answer(db, assignment["id"], worker["id"], answer, now=now)


def test_today_counts_her_answers_and_earns_all_but_the_rejected(db, make_user,
                                                                 make_project):
    worker = make_user()
    project = make_project(tasks=4, redundancy=1, pay_paise=40)
    done = [_answer(db, worker, project) for _ in range(4)]
    db.execute("UPDATE assignments SET review_state = 'pending'")  # as a review plan holds
    assert earnings.today(db, worker["id"]) == {"answers": 4, "earned_paise": 160,
                                                "pending": 4, "accepted": 0,
                                                "accepted_paise": 0}
    db.execute("UPDATE assignments SET review_state = 'accepted' WHERE id = ?",
               (done[1]["id"],))
    db.execute("UPDATE assignments SET review_state = 'rejected' WHERE id IN (?, ?)",
               (done[2]["id"], done[3]["id"]))
    assert earnings.today(db, worker["id"]) == {"answers": 4, "earned_paise": 80,
                                                "pending": 1, "accepted": 1,
                                                "accepted_paise": 40}
    db.execute("UPDATE assignments SET review_state = 'accepted' WHERE id = ?",
               (done[3]["id"],))  # reinstated on appeal
    assert earnings.today(db, worker["id"]) == {"answers": 4, "earned_paise": 120,
                                                "pending": 1, "accepted": 2,
                                                "accepted_paise": 80}
    assert list(db.query(KEPT)) == list(db.query(SUMS))


def test_today_is_zero_before_her_first_answer(db, make_user):
    assert earnings.today(db, make_user()["id"]) == {"answers": 0, "earned_paise": 0,
                                                     "pending": 0, "accepted": 0,
                                                     "accepted_paise": 0}


def test_a_day_is_india_s_day(db, make_user, make_project):
    worker = make_user()
    project = make_project(tasks=2, redundancy=1, pay_paise=40)
    evening = dt.datetime(2026, 12, 1, 18, 29, tzinfo=dt.timezone.utc)  # 23:59 in India
    _answer(db, worker, project, now=evening)
    after_midnight = evening + dt.timedelta(minutes=2)
    _answer(db, worker, project, now=after_midnight)
    one_pending = {"answers": 1, "earned_paise": 40, "pending": 0, "accepted": 1,
                   "accepted_paise": 40}
    assert earnings.today(db, worker["id"], now=evening) == one_pending
    assert earnings.today(db, worker["id"], now=after_midnight) == one_pending
    assert list(db.query(KEPT)) == list(db.query(SUMS))


def test_every_change_to_an_answer_keeps_the_figures_equal_to_the_sums(db, make_user,
                                                                       make_project):
    first, second = make_user(), make_user()
    project = make_project(tasks=6, redundancy=2, pay_paise=25)
    done = [_answer(db, worker, project) for worker in (first, second) for _ in range(3)]
    changes = [
        ("UPDATE assignments SET pay_paise = 30 WHERE id = ?", done[0]["id"]),
        ("UPDATE assignments SET submitted_at = '2026-01-05 20:00:00' WHERE id = ?",
         done[1]["id"]),
        ("UPDATE assignments SET review_state = 'rejected' WHERE id = ?", done[2]["id"]),
        ("UPDATE assignments SET review_state = 'pending' WHERE id = ?", done[2]["id"]),
        ("UPDATE assignments SET review_state = 'accepted' WHERE id = ?", done[2]["id"]),
        ("UPDATE assignments SET state = 'skipped', review_state = NULL WHERE id = ?",
         done[3]["id"]),
        ("DELETE FROM assignments WHERE id = ?", done[4]["id"]),
    ]
    for sql, assignment_id in changes:
        db.execute(sql, (assignment_id,))
        assert list(db.query(KEPT)) == list(db.query(SUMS)), sql
    projects.add_tasks(db, project["id"], [{"text": "one more"}])
    db.execute("INSERT INTO assignments (task_id, user_id, project_id, claimed_at,"
               " lease_expires_at, state, answer, submitted_at, review_state, pay_paise)"
               " SELECT max(id), ?, ?, '2026-01-01 00:00:00', '2026-01-01 00:15:00',"
               " 'submitted', 'pos', '2026-01-01 00:10:00', 'accepted', 25 FROM tasks",
               (second["id"], project["id"]))
    assert list(db.query(KEPT)) == list(db.query(SUMS))


def test_the_migration_counts_the_answers_already_given(db, make_user, make_project):
    worker = make_user()
    project = make_project(tasks=3, redundancy=1, pay_paise=50)
    done = [_answer(db, worker, project) for _ in range(3)]
    db.execute("UPDATE assignments SET review_state = 'rejected' WHERE id = ?",
               (done[0]["id"],))
    db.execute("UPDATE assignments SET review_state = 'pending' WHERE id = ?",
               (done[2]["id"],))
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER answers_by_day_{trigger}")
    db.execute("DROP TABLE answers_by_day")
    for name in ("0012_answers_by_day", "0050_today_by_review"):
        # as on a database that had answers before them
        importlib.import_module(f"core.migrations.{name}").apply(db)
    assert list(db.query(KEPT)) == [{"user_id": worker["id"], "day": clock.india_day(),
                                     "answers": 3, "earned_paise": 100, "pending": 1,
                                     "accepted": 1, "accepted_paise": 50}]
    assert list(db.query(KEPT)) == list(db.query(SUMS))


def test_her_card_says_what_waits_for_review_and_what_is_accepted(db, visitor, make_user,
                                                                   make_project):
    worker = make_user()
    project = make_project(tasks=4, redundancy=1, pay_paise=40)
    done = [_answer(db, worker, project) for _ in range(3)]
    db.execute("UPDATE assignments SET review_state = 'pending'")
    db.execute("UPDATE assignments SET review_state = 'accepted' WHERE id = ?",
               (done[0]["id"],))
    visitor.login(worker)
    card = visitor.post(f"/answers/{tasks.claim_next(db, worker['id'], project)['id']}",
                        {"answer": "pos"}, htmx=True).get_data(as_text=True)
    assert "Today: 4 answers · ₹1.60 earned" in card
    assert "Waiting for review: 2 · Accepted: 2 (₹0.80)" in card  # the last: accepted at once

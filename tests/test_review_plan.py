"""Review by sample and by rule (core/review_plan.py): the random draw and each rule that
sends an answer to review with its reason, what is not drawn accepted as before, the
queue by reason, her checked error rate with its interval, watch and lift (audited), and
the plan on the project's settings form."""
import datetime as dt
import json
import sqlite3

import pytest

from core import review, review_plan, tasks
from core.db import one, rows


def _plan(db, project, **plan):
    """Set a project's review plan straight in the database (the form is tested below)."""
    columns = {"review_share": 0, "review_first": 0, "review_disagree": 1, "review_check": 1,
               "review_fast": 0, **plan}
    db.execute(f"UPDATE projects SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
               (*columns.values(), project["id"]))
    return one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))


def _answer(db, worker, project, answer="pos", seconds=5):
    held = tasks.claim_next(db, worker["id"], project)
    return tasks.record_answer(db, held["id"], worker["id"], answer, seconds=seconds)


def _reason(db, assignment_id):
    return one(db, "SELECT review_reason FROM assignments WHERE id = ?",
               (assignment_id,))["review_reason"]


def _state(db, assignment_id):
    return one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (assignment_id,))["review_state"]


def _queue_ids(db, centre_id, reason="drawn", **filters):
    return [row["id"] for row in review.drawn(db, centre_id, reason, filters)["rows"]]


# -- the random draw ---------------------------------------------------------------------

def test_a_tenth_of_1000_answers_is_drawn_as_the_hash_predicts(db, make_user, make_project):
    project = _plan(db, make_project(tasks=1000, redundancy=1), review_share=0.1)
    worker = make_user()
    answered = [_answer(db, worker, project) for _ in range(1000)]
    drawn = {a["id"] for a in answered if _reason(db, a["id"]) == "sample"}
    # The draw is told again from the project's seed and the answer's id alone.
    assert drawn == {a["id"] for a in answered
                     if review_plan.drawn_at_random(project["review_seed"], a["id"], 0.1)}
    assert 70 <= len(drawn) <= 130  # 100 expected; three standard deviations is 28
    # Drawn answers wait for a supervisor; the others agree with their task's (single)
    # answer and are accepted when it settles, as before.
    states = {a["id"]: _state(db, a["id"]) for a in answered}
    assert {states[i] for i in drawn} == {"pending"}
    assert {s for i, s in states.items() if i not in drawn} == {"accepted"}


def test_the_draw_is_the_same_for_a_seed_and_differs_between_seeds():
    first = [review_plan.drawn_at_random(41, i, 0.25) for i in range(2000)]
    assert first == [review_plan.drawn_at_random(41, i, 0.25) for i in range(2000)]
    assert first != [review_plan.drawn_at_random(42, i, 0.25) for i in range(2000)]
    assert not any(review_plan.drawn_at_random(41, i, 0) for i in range(2000))
    assert all(review_plan.drawn_at_random(41, i, 1) for i in range(2000))


def test_every_project_gets_a_seed_of_its_own(db, make_project):
    one_project = make_project(slug="p-one")
    another = make_project(slug="p-two")
    seeds = [r["review_seed"] for r in rows(db, "SELECT review_seed FROM projects WHERE id IN"
                                                " (?, ?)", (one_project["id"], another["id"]))]
    assert 0 not in seeds and seeds[0] != seeds[1]


# -- each rule, and the queue by reason --------------------------------------------------

def test_each_always_review_rule_puts_its_answer_in_the_queue_with_its_reason(
        db, make_user, make_project):
    meena = make_user(role="supervisor")
    centre = meena["centre_id"]
    # first: her first two answers in the project, not the third.
    project = _plan(db, make_project(tasks=6, redundancy=1, slug="p-first"), review_first=2)
    worker = make_user()
    firsts = [_answer(db, worker, project) for _ in range(3)]
    assert [_reason(db, a["id"]) for a in firsts] == ["first", "first", None]
    assert _queue_ids(db, centre, "first") == [firsts[0]["id"], firsts[1]["id"]]
    # fast: quicker than the project's minimum, when the rule is on.
    fast = _plan(db, make_project(tasks=3, redundancy=1, slug="p-fast"), review_fast=1)
    quick = _answer(db, worker, fast, seconds=1)
    slow = _answer(db, worker, fast, seconds=9)
    assert (_reason(db, quick["id"]), _reason(db, slow["id"])) == ("fast", None)
    assert _queue_ids(db, centre, "fast") == [quick["id"]]
    assert _state(db, quick["id"]) == "pending"  # it agreed with itself, but waits
    # watch: every answer of an annotator under watch, before any other reason.
    review_plan.watch(db, meena, fast["id"], worker["id"])
    watched = _answer(db, worker, fast, seconds=1)
    assert _reason(db, watched["id"]) == "watch"
    assert _queue_ids(db, centre, "watch") == [watched["id"]]
    # check: a missed check task (rejected at once, not waiting).
    gold = make_project(tasks=1, redundancy=1, gold="pos", slug="p-gold")
    missed = _answer(db, worker, gold, "neg")
    assert (_reason(db, missed["id"]), _state(db, missed["id"])) == ("check", "rejected")
    assert _queue_ids(db, centre, "check") == [missed["id"]]
    # disagree: against the majority when the task settles.
    split = make_project(tasks=1, redundancy=3, slug="p-split")
    answers = [_answer(db, make_user(), split, a) for a in ("pos", "pos", "neg")]
    assert [_reason(db, a["id"]) for a in answers] == [None, None, "disagree"]
    assert _queue_ids(db, centre, "disagree") == [answers[2]["id"]]
    # The default: every drawn answer waiting, each reason shown.
    assert set(_queue_ids(db, centre)) == {firsts[0]["id"], firsts[1]["id"], quick["id"],
                                          watched["id"], answers[2]["id"]}


def test_her_first_answers_are_counted_once_she_is_past_them(db, make_user, make_project):
    project = _plan(db, make_project(tasks=8, redundancy=1), review_first=2)
    worker = make_user()
    answers = [_answer(db, worker, project) for _ in range(4)]
    assert [_reason(db, a["id"]) for a in answers] == ["first", "first", None, None]
    # Past them, her row keeps the count, and later answers read it alone.
    assert one(db, "SELECT answered_at_least FROM review_people")["answered_at_least"] == 2
    # A plan asking for more first answers counts again: she has given 4, not 2.
    _plan(db, project, review_first=6)
    more = [_answer(db, worker, project) for _ in range(3)]
    assert [_reason(db, a["id"]) for a in more] == ["first", "first", None]
    assert one(db, "SELECT answered_at_least FROM review_people")["answered_at_least"] == 6


def test_a_rule_turned_off_draws_nothing_and_undrawn_answers_wait_for_the_window(
        db, make_user, make_project):
    meena = make_user(role="supervisor")
    project = _plan(db, make_project(tasks=1, redundancy=3), review_disagree=0)
    answers = [_answer(db, make_user(), project, a) for a in ("pos", "pos", "neg")]
    dissent = answers[2]
    assert _reason(db, dissent["id"]) is None and _state(db, dissent["id"]) == "pending"
    assert dissent["id"] not in _queue_ids(db, meena["centre_id"])
    assert dissent["id"] in _queue_ids(db, meena["centre_id"], "any")
    # The review window's one rule accepts it, as it accepts anything still waiting.
    submitted = one(db, "SELECT submitted_at FROM assignments WHERE id = ?",
                    (dissent["id"],))["submitted_at"]
    start = dt.datetime.strptime(submitted, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    assert review.auto_accept(db, now=start + dt.timedelta(days=2)) == 0
    assert review.auto_accept(db, now=start + dt.timedelta(days=3)) == 1
    assert _state(db, dissent["id"]) == "accepted"


def test_a_sampled_answer_that_agrees_waits_while_the_undrawn_ones_are_accepted(
        db, make_user, make_project):
    project = _plan(db, make_project(tasks=1, redundancy=3), review_first=1)
    veteran = make_user()
    warm_up = _plan(db, make_project(tasks=1, redundancy=1, slug="p-warm"))
    _answer(db, veteran, warm_up)  # her first answers are in another project
    newcomer, others = make_user(), [make_user(), make_user()]
    # Everyone's first answer here is drawn ("first"): the plan asks for one each.
    answers = [_answer(db, person, project) for person in (newcomer, *others)]
    assert {_state(db, a["id"]) for a in answers} == {"pending"}
    assert {_reason(db, a["id"]) for a in answers} == {"first"}
    _plan(db, project, review_first=0)
    again = make_project(tasks=1, redundancy=3, slug="p-again")
    agreeing = [_answer(db, person, again) for person in (newcomer, *others)]
    assert {_state(db, a["id"]) for a in agreeing} == {"accepted"}


def test_the_queue_page_shows_the_reason_and_filters_by_it(visitor, db, make_user, make_project):
    meena = make_user(role="supervisor")
    project = _plan(db, make_project(tasks=2, redundancy=3), review_disagree=1)
    answers = [_answer(db, make_user(), project, a) for a in ("pos", "pos", "neg")]
    waiting = _answer(db, make_user(), project)  # on an unsettled task: not drawn yet
    visitor.login(meena)
    page = visitor.get("/supervisor/review").get_data(as_text=True)
    assert f'id="r{answers[2]["id"]}"' in page and "Disagrees with the majority" in page
    assert f'id="r{waiting["id"]}"' not in page
    every = visitor.get("/supervisor/review?reason=any").get_data(as_text=True)
    assert f'id="r{waiting["id"]}"' in every
    assert 'value="any" selected' in every
    none = visitor.get("/supervisor/review?reason=sample").get_data(as_text=True)
    assert f'id="r{answers[2]["id"]}"' not in none


# -- her error rate, the watch and its lifting ---------------------------------------------

def test_the_wilson_interval_figures():
    assert review_plan.wilson(0, 0) is None
    low, high = review_plan.wilson(2, 20)
    assert round(low, 3) == 0.028 and round(high, 3) == 0.301
    low, high = review_plan.wilson(0, 20)
    assert low == 0 and round(high, 3) == 0.161
    low, high = review_plan.wilson(10, 100)
    assert round(low, 3) == 0.055 and round(high, 3) == 0.174
    low, high = review_plan.wilson(20, 20)
    assert round(low, 3) == 0.839 and high == 1


def test_a_high_error_rate_puts_her_under_watch_until_the_supervisor_lifts_it(
        visitor, db, make_user, make_project):
    meena = make_user(role="supervisor")
    project = _plan(db, make_project(tasks=12, redundancy=1), review_share=1, watch_above=0.25)
    worker = make_user()
    checked = [_answer(db, worker, project) for _ in range(3)]
    assert {_reason(db, a["id"]) for a in checked} == {"sample"}
    review.accept(db, checked[0]["id"], meena)
    review.reject(db, checked[1]["id"], meena, "wrong_answer")
    # 1 wrong of 2: the interval runs from 9% to 91%, not surely above 25%.
    assert not review_plan.error_rates(db, project["id"])[worker["id"]]["watched"]
    review.reject(db, checked[2]["id"], meena, "wrong_answer")
    figures = review_plan.error_rates(db, project["id"])[worker["id"]]
    # 2 wrong of 3: 21% to 94%, still not surely above 25%.
    assert (figures["checked"], figures["errors"]) == (3, 2) and figures["low"] < 0.25
    assert not figures["watched"]
    more = [_answer(db, worker, project) for _ in range(2)]
    for assignment in more:
        review.reject(db, assignment["id"], meena, "wrong_answer")
    figures = review_plan.error_rates(db, project["id"])[worker["id"]]
    assert figures["watched"] and figures["by"] is None and figures["low"] > 0.25
    entry = one(db, "SELECT * FROM audit_log WHERE action = 'review.watch'")
    assert entry["actor_id"] is None and entry["subject"] == f"user:{worker['id']}"
    assert json.loads(entry["detail"])["checked"] == 4  # 3 wrong of 4: 30% to 95%
    _plan(db, project, review_share=0)
    assert _reason(db, _answer(db, worker, project)["id"]) == "watch"
    # The quality page says it, with the figures and a lift that asks first.
    visitor.login(meena)
    page = visitor.get(f"/supervisor/quality/{project['id']}").get_data(as_text=True)
    assert "80% wrong (38%–96%) of 5 checked" in page
    assert "Under watch: all her answers are reviewed." in page
    assert "Lift it?" in page and "<details><summary>Lift the watch</summary>" in page
    response = visitor.post(f"/supervisor/projects/{project['id']}/lift/{worker['id']}")
    assert response.status_code == 303
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Watch lifted" in page
    watch = one(db, "SELECT * FROM review_people")
    assert (watch["watched"], watch["lifted_by"]) == (0, meena["id"])
    assert one(db, "SELECT actor_id FROM audit_log WHERE action = 'review.unwatch'")[
        "actor_id"] == meena["id"]
    # Drawn by the plan again (nothing now), and her rate counted afresh.
    assert _reason(db, _answer(db, worker, project)["id"]) is None
    assert worker["id"] not in review_plan.error_rates(db, project["id"])


def test_a_supervisor_watches_by_hand_and_only_in_her_centre(visitor, db, make_user,
                                                             make_project):
    meena, rakesh = make_user(role="supervisor"), make_user(role="supervisor", centre="STP")
    project = make_project(tasks=2, redundancy=1)
    worker = make_user()
    visitor.login(rakesh)
    assert visitor.post(f"/supervisor/projects/{project['id']}/watch/{worker['id']}"
                        ).status_code == 404
    visitor.post("/logout")
    visitor.login(meena)
    assert visitor.post(f"/supervisor/projects/{project['id']}/watch/{worker['id']}"
                        ).status_code == 303
    assert one(db, "SELECT by FROM review_people")["by"] == meena["id"]
    assert one(db, "SELECT actor_id FROM audit_log WHERE action = 'review.watch'")[
        "actor_id"] == meena["id"]
    assert _reason(db, _answer(db, worker, project)["id"]) == "watch"


# -- the plan on the project's settings ------------------------------------------------------

def test_the_plan_form_saves_every_field_and_is_audited(visitor, db, make_user, make_project):
    meena = make_user(role="supervisor")
    project = make_project()
    visitor.login(meena)
    page = visitor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    assert "Review plan" in page and 'name="share_percent" type="number" value="0"' in page
    response = visitor.post(f"/supervisor/projects/{project['id']}/review-plan",
                            {"share_percent": "12.5", "first": "20", "fast": "on",
                             "check": "on", "watch_percent": "15"})
    assert response.status_code == 303
    saved = one(db, "SELECT review_share, review_first, review_disagree, review_check,"
                    " review_fast, watch_above FROM projects WHERE id = ?", (project["id"],))
    assert saved == {"review_share": 0.125, "review_first": 20, "review_disagree": 0,
                     "review_check": 1, "review_fast": 1, "watch_above": 0.15}
    assert "Review plan saved." in visitor.get(response.headers["Location"]).get_data(
        as_text=True)
    entry = one(db, "SELECT * FROM audit_log WHERE action = 'project.review_plan'")
    assert entry["actor_id"] == meena["id"]
    assert json.loads(entry["detail"])["after"]["review_first"] == 20


@pytest.mark.parametrize("lang, words", [
    ("en", ("A percentage from 0 to 100, such as 10 or 2.5.", "A whole number from 0 to 1000.",
            "A percentage from 1 to 99.")),
    ("ta", ("0 முதல் 100 வரை ஒரு சதவீதம்", "0 முதல் 1000 வரை ஒரு முழு எண்",
            "1 முதல் 99 வரை ஒரு சதவீதம்")),
])
def test_every_wrong_field_of_the_plan_is_refused_in_her_language(visitor, db, make_user,
                                                                  make_project, lang, words):
    meena = make_user(role="supervisor", lang=lang)
    project = make_project()
    visitor.login(meena)
    response = visitor.post(f"/supervisor/projects/{project['id']}/review-plan",
                            {"share_percent": "150", "first": "2.5", "watch_percent": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for sentence in words:
        assert sentence in page
    assert 'id="share_percent-error"' in page and 'id="first-error"' in page
    assert one(db, "SELECT review_share FROM projects WHERE id = ?",
               (project["id"],))["review_share"] == 0


@pytest.mark.parametrize("sql", [
    "UPDATE projects SET review_share = 1.5",
    "UPDATE projects SET review_first = -1",
    "UPDATE projects SET watch_above = 0",
    "UPDATE projects SET review_fast = 2",
    "UPDATE assignments SET review_reason = 'whim'",
])
def test_the_database_refuses_a_plan_or_reason_out_of_bounds(db, make_user, make_project, sql):
    _answer(db, make_user(), make_project(tasks=1, redundancy=1))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(sql)


def test_the_migration_gives_answers_already_waiting_the_reason_they_wait(tmp_path):
    from core import migrations
    from tests.test_content_rows import _migrated_up_to
    old = _migrated_up_to(tmp_path / "old.db", "0019_capture_types")
    old.execute("INSERT INTO centres (id, code, name) VALUES (1, 'KRR', 'Karur')")
    old.execute("INSERT INTO users (id, login, name, role, centre_id, password_hash,"
                " created_at) VALUES (1, 'u1', 'W', 'annotator', 1, 'x', 't')")
    old.execute("INSERT INTO projects (id, centre_id, slug, task_type, pay_paise, created_at)"
                " VALUES (1, 1, 'p1', 'single_choice', 50, 't')")
    for n, (status, gold, state, reviewed_by) in enumerate((
            ("done", None, "pending", None),      # against the majority: disagree
            ("open", None, "pending", None),      # still collecting: decided when it settles
            ("done", None, "accepted", None),     # agreed: not drawn
            ("done", "pos", "rejected", None),    # missed check task, not looked at: check
            ("done", "pos", "rejected", 1)), 1):  # a check a supervisor looked at already
        old.execute("INSERT INTO tasks (id, project_id, payload_text, status, gold_answer,"
                    " created_at) VALUES (?, 1, 't', ?, ?, 't')", (n, status, gold))
        old.execute("INSERT INTO assignments (id, task_id, user_id, project_id, state,"
                    " claimed_at, lease_expires_at, answer, submitted_at, review_state,"
                    " reviewed_by) VALUES (?, ?, 1, 1, 'submitted', 't', 't', 'neg',"
                    " '2026-12-01 10:00:00', ?, ?)", (n, n, state, reviewed_by))
    migrations.migrate(old)
    reasons = {r["id"]: r["review_reason"] for r in rows(old, "SELECT id, review_reason"
                                                              " FROM assignments")}
    assert reasons == {1: "disagree", 2: None, 3: None, 4: "check", 5: None}
    project = one(old, "SELECT * FROM projects WHERE id = 1")
    assert project["review_seed"] > 0 and project["review_share"] == 0
    assert project["review_disagree"] == 1 and project["review_fast"] == 0

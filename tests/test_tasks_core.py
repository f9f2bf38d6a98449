"""Core task rules, without Flask: leases, redundancy, answering once, skipping."""
import datetime as dt

import pytest

from core import earnings, projects, tasks
from core.clock import utcnow
from core.db import one
from core.errors import Conflict, Invalid, NotFound


def test_a_task_is_never_given_twice_to_the_same_person(db, make_user, make_project):
    worker = make_user()
    project = make_project(tasks=2)
    seen = []
    for _ in range(3):
        a = tasks.claim_next(db, worker["id"], project)
        if a is None:
            break
        seen.append(a["task_id"])
        tasks.record_answer(db, a["id"], worker["id"], "pos")
    assert seen == sorted(set(seen)) and len(seen) == 2
    assert tasks.claim_next(db, worker["id"], project) is None


def test_claiming_again_resumes_the_running_lease(db, make_user, make_project):
    worker, project = make_user(), make_project()
    first = tasks.claim_next(db, worker["id"], project)
    assert tasks.claim_next(db, worker["id"], project)["id"] == first["id"]
    assert db["assignments"].count == 1


def test_no_more_people_at_once_than_redundancy_needs(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=2)
    a, b, c = make_user(), make_user(), make_user()
    assert tasks.claim_next(db, a["id"], project) is not None
    assert tasks.claim_next(db, b["id"], project) is not None
    assert tasks.claim_next(db, c["id"], project) is None


def test_an_expired_lease_returns_the_task_and_its_answer_is_refused(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=1, lease_seconds=60)
    a, b = make_user(), make_user()
    start = utcnow()
    held = tasks.claim_next(db, a["id"], project, now=start)
    later = start + dt.timedelta(seconds=61)
    assert tasks.claim_next(db, b["id"], project, now=later)["task_id"] == held["task_id"]
    with pytest.raises(Conflict) as refused:
        tasks.record_answer(db, held["id"], a["id"], "pos", now=later)
    assert refused.value.code == "expired"
    row = one(db, "SELECT * FROM assignments WHERE id = ?", (held["id"],))
    assert row["state"] == "active" and row["answer"] is None


def test_the_same_answer_twice_is_recorded_once_and_paid_once(db, make_user, make_project):
    worker, project = make_user(), make_project(pay_paise=75)
    a = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, a["id"], worker["id"], "pos")
    again = tasks.record_answer(db, a["id"], worker["id"], "pos")
    assert again["state"] == "submitted"
    assert one(db, "SELECT answers_count FROM tasks WHERE id = ?",
               (a["task_id"],))["answers_count"] == 1
    assert earnings.today(db, worker["id"])["earned_paise"] == 75


def test_a_different_second_answer_is_refused_and_the_first_stands(db, make_user,
                                                                   make_project):
    worker, project = make_user(), make_project()
    a = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, a["id"], worker["id"], "pos")
    with pytest.raises(Conflict) as refused:
        tasks.record_answer(db, a["id"], worker["id"], "neg")
    assert refused.value.code == "already_answered"
    assert tasks.get_assignment(db, a["id"], worker["id"])["answer"] == "pos"


@pytest.mark.parametrize("task_type,raw,code", [
    ("single_choice", "maybe", "unknown_label"),
    ("single_choice", None, "unknown_label"),
    ("yes_no", "perhaps", "unknown_label"),
    ("free_text", "   \n ", "empty_text"),
    ("free_text", "அ" * 2001, "text_too_long"),
])
def test_bad_answers_are_refused_and_write_nothing(db, make_user, make_project, task_type, raw,
                                                   code):
    worker, project = make_user(), make_project(task_type=task_type)
    a = tasks.claim_next(db, worker["id"], project)
    with pytest.raises(Invalid) as refused:
        tasks.record_answer(db, a["id"], worker["id"], raw)
    assert refused.value.code == code
    assert one(db, "SELECT state, answer FROM assignments WHERE id = ?", (a["id"],)) == {
        "state": "active", "answer": None}
    assert one(db, "SELECT answers_count FROM tasks WHERE id = ?",
               (a["task_id"],))["answers_count"] == 0


def test_free_text_is_trimmed_and_nfc_normalised(db, make_user, make_project):
    worker, project = make_user(), make_project(task_type="free_text")
    a = tasks.claim_next(db, worker["id"], project)
    decomposed = "  cafe\u0301 கொ  "  # e + combining accent; Tamil ொ as two marks
    decomposed = decomposed.replace("கொ", "க\u0bc6\u0bbe")
    stored = tasks.record_answer(db, a["id"], worker["id"], decomposed)
    assert stored["answer"] == "caf\u00e9 \u0b95\u0bca"


@pytest.mark.parametrize("raw", ["\x00", "\u200b", " \u200c\u200d\ufeff ", "\x00 \x07"])
def test_free_text_of_nothing_visible_is_empty(db, make_user, make_project, raw):
    worker, project = make_user(), make_project(task_type="free_text")
    a = tasks.claim_next(db, worker["id"], project)
    with pytest.raises(Invalid) as refused:
        tasks.record_answer(db, a["id"], worker["id"], raw)
    assert refused.value.code == "empty_text"
    assert tasks.get_assignment(db, a["id"], worker["id"])["state"] == "active"


def test_free_text_keeps_joiners_inside_words_but_drops_control_characters(
        db, make_user, make_project):
    worker, project = make_user(), make_project(task_type="free_text")
    a = tasks.claim_next(db, worker["id"], project)
    stored = tasks.record_answer(db, a["id"], worker["id"], "\u200bक\u094d\u200dष\x00\n")
    assert stored["answer"] == "क\u094d\u200dष"


def test_a_batch_answer_keeps_the_phones_time_however_late_it_arrives(db, make_user,
                                                                       make_project):
    worker, project = make_user(), make_project(tasks=2)
    start = utcnow()
    first = tasks.claim_batch(db, worker["id"], project, now=start)[0]
    stored = tasks.record_answer(db, first["id"], worker["id"], "pos", seconds=1500,
                                 now=start + dt.timedelta(hours=1, minutes=50))
    assert stored["seconds_spent"] == 1500  # 25 minutes on one task: over a 15-minute lease


def test_someone_elses_assignment_is_not_found(db, make_user, make_project):
    project = make_project()
    owner, other = make_user(), make_user()
    a = tasks.claim_next(db, owner["id"], project)
    with pytest.raises(NotFound):
        tasks.record_answer(db, a["id"], other["id"], "pos")
    assert one(db, "SELECT state FROM assignments WHERE id = ?", (a["id"],))["state"] == "active"


def test_majority_settles_reviews_when_enough_answers_are_in(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=3)
    votes = {}
    for answer in ("pos", "pos", "neg"):
        worker = make_user()
        a = tasks.claim_next(db, worker["id"], project)
        votes[answer, worker["id"]] = tasks.record_answer(db, a["id"], worker["id"], answer)["id"]
    task = one(db, "SELECT status, aggregate FROM tasks")
    assert task == {"status": "done", "aggregate": "pos"}
    states = {key[0]: one(db, "SELECT review_state FROM assignments WHERE id = ?", (aid,))
              ["review_state"] for key, aid in votes.items()}
    assert states == {"pos": "accepted", "neg": "pending"}  # the dissent goes to review


def test_gold_answers_are_reviewed_at_once(db, make_user, make_project):
    project = make_project(tasks=2, gold="pos")
    worker = make_user()
    a = tasks.claim_next(db, worker["id"], project)
    assert tasks.record_answer(db, a["id"], worker["id"], "pos")["review_state"] == "accepted"
    b = tasks.claim_next(db, worker["id"], project)
    assert tasks.record_answer(db, b["id"], worker["id"], "neg")["review_state"] == "rejected"
    totals = earnings.totals(db, worker["id"])
    assert (totals["accepted_paise"], totals["rejected"]) == (50, 1)


def test_skip_frees_the_slot_and_two_reports_hold_the_task(db, make_user, make_project):
    project = make_project(tasks=1, redundancy=1)
    a, b, c = make_user(), make_user(), make_user()
    first = tasks.claim_next(db, a["id"], project)
    tasks.skip(db, first["id"], a["id"], "broken")
    second = tasks.claim_next(db, b["id"], project)
    assert second["task_id"] == first["task_id"]
    tasks.skip(db, second["id"], b["id"], "broken")
    assert one(db, "SELECT status, reports_count FROM tasks") == {"status": "held",
                                                                  "reports_count": 2}
    assert tasks.claim_next(db, c["id"], project) is None


def test_a_skipped_task_cannot_then_be_answered(db, make_user, make_project):
    worker, project = make_user(), make_project()
    a = tasks.claim_next(db, worker["id"], project)
    tasks.skip(db, a["id"], worker["id"], "unsure")
    with pytest.raises(Conflict):
        tasks.record_answer(db, a["id"], worker["id"], "pos")


def test_pictures_only_reach_the_person_holding_the_task(db, make_user, make_project):
    from core.media import prepare_image
    from core.demo import leaf_picture
    import random

    project = make_project(tasks=0, redundancy=1)
    projects.add_tasks(db, project["id"], [{"image": prepare_image(
        leaf_picture("spots", random.Random(1)))}])
    holder, other = make_user(), make_user()
    a = tasks.claim_next(db, holder["id"], project)
    assert tasks.media_for_holder(db, a["media_id"], holder["id"])["data"][:4] == b"RIFF"
    with pytest.raises(NotFound):
        tasks.media_for_holder(db, a["media_id"], other["id"])

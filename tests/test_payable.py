"""A draft reads `payable` (migration 0020), the accepted answers no live payout item
carries, kept by triggers: through answers, reviews, an appeal, drafts, an approval, a
void, a failed payment and a paid one it holds exactly what the slow query over every
answer finds, and a draft pays exactly those."""
import importlib

import pytest

from core import payouts, review, tasks
from payout_helpers import NOW, PERIOD, answers, paid_to, value

SLOW = """SELECT a.id AS assignment_id, a.user_id, a.submitted_at, a.pay_paise
  FROM assignments a WHERE a.state = 'submitted' AND a.review_state = 'accepted'
  AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.assignment_id = a.id AND i.live = 1)
  ORDER BY a.id"""
KEPT = "SELECT * FROM payable ORDER BY assignment_id"


def _equal(db, why=""):
    assert list(db.query(KEPT)) == list(db.query(SLOW)), why


@pytest.fixture
def centre(db, make_user, make_project):
    meena, anitha = make_user("supervisor"), make_user("supervisor")
    admin = make_user("admin")
    workers = [make_user() for _ in range(2)]
    for worker in workers:  # confirmed by a third: whoever confirms drafts no payout to them
        paid_to(db, worker, make_user("supervisor"), upi=f"w{worker['id']}@okaxis")
    project = make_project(pay_paise=145)
    return {"meena": meena, "anitha": anitha, "admin": admin, "workers": workers,
            "project": project}


def _draft(db, who):
    return payouts.draft(db, who, *PERIOD, centre_id=who["centre_id"], now=NOW)


def test_payable_follows_every_change_of_answers_and_payouts(db, centre):
    first, second = centre["workers"]
    project = centre["project"]
    accepted = answers(db, first, project, 4) + answers(db, second, project, 3)
    pending = answers(db, first, project, 3, review="pending")
    _equal(db, "answers given")
    review.accept(db, pending[0], centre["meena"])
    review.reject(db, pending[1], centre["meena"], "wrong_answer")
    _equal(db, "reviewed")
    appeal = review.appeal(db, pending[1], first["id"], "Please look again", now=NOW)
    review.decide_appeal(db, appeal["appeal_id"], centre["anitha"], "overturned", now=NOW)
    _equal(db, "an appeal overturned")
    db.execute("UPDATE assignments SET pay_paise = 150 WHERE id = ?", (accepted[0],))
    db.execute("UPDATE assignments SET review_state = 'rejected' WHERE id = ?", (accepted[1],))
    _equal(db, "pay and review changed by hand")

    voided = _draft(db, centre["meena"])
    assert value(db, "SELECT count(*) FROM payable") == 0
    _equal(db, "drafted")
    payouts.void(db, voided, centre["anitha"])
    _equal(db, "voided: its answers are payable again")
    assert value(db, "SELECT count(*) FROM payable") == 8

    paid = _draft(db, centre["meena"])
    payouts.approve(db, paid, centre["anitha"], now=NOW)
    lines = {row["user_id"]: row["id"] for row in db.query(
        "SELECT id, user_id FROM payout_lines WHERE payout_id = ?", (paid,))}
    payouts.mark_failed(db, paid, lines[first["id"]], centre["meena"], "Wrong account")
    payouts.mark_failed(db, paid, lines[first["id"]], centre["admin"], "")
    payouts.mark_paid(db, paid, centre["meena"], "UTR123456789", line_id=lines[second["id"]])
    _equal(db, "a failed payment frees her answers, a paid one keeps his")
    assert {row["user_id"] for row in db.query(KEPT)} == {first["id"]}

    db.execute("DELETE FROM assignments WHERE id = ?", (pending[2],))  # pending: in no payout
    _equal(db, "an answer deleted")
    again = _draft(db, centre["meena"])
    assert value(db, "SELECT count(*) FROM payout_items WHERE payout_id = ?", (again,)) == 5
    _equal(db, "her answers drafted again")


def test_a_draft_pays_what_the_slow_query_finds_and_nothing_twice(db, centre):
    first, second = centre["workers"]
    answers(db, first, centre["project"], 6)
    answers(db, second, centre["project"], 2, pay_paise=99)
    expected = {(row["assignment_id"], row["pay_paise"]) for row in db.query(SLOW)}
    payout_id = _draft(db, centre["meena"])
    items = {(row["assignment_id"], row["pay_paise"]) for row in db.query(
        "SELECT assignment_id, pay_paise FROM payout_items WHERE payout_id = ?", (payout_id,))}
    assert items == expected and len(items) == 8
    assert value(db, "SELECT total_paise FROM payouts WHERE id = ?", (payout_id,)) == \
        6 * 145 + 2 * 99
    # A stray row (written by hand) of an answer already in a live payout is not paid twice.
    db.execute("INSERT INTO payable (assignment_id, user_id, submitted_at, pay_paise)"
               " SELECT assignment_id, ?, '2026-11-25 06:00:00', pay_paise FROM payout_items"
               " WHERE payout_id = ? LIMIT 1", (first["id"], payout_id))
    assert payouts.held(db, first["centre_id"], payouts.parse_period(*PERIOD, NOW)[1]) == []
    assert payouts.ledger(db, first["id"])["ready"] == 0


def test_the_migration_fills_payable_with_the_answers_not_yet_paid(db, centre, make_user):
    first, second = centre["workers"]
    answers(db, first, centre["project"], 3)
    _draft(db, centre["meena"])
    answers(db, second, centre["project"], 2)
    for trigger in ("insert", "accepted", "unaccepted", "changed", "delete", "freed"):
        db.execute(f"DROP TRIGGER payable_{trigger}")
    db.execute("DROP TABLE payable")
    importlib.import_module("core.migrations.0020_payable").apply(db)
    _equal(db)
    assert value(db, "SELECT count(*) FROM payable") == 2


def test_her_answers_claimed_and_accepted_on_the_task_cycle_become_payable(
        db, make_user, make_project):
    project = make_project(tasks=2, redundancy=1)
    worker = make_user()
    assignment = tasks.claim_next(db, worker["id"], project)
    assert value(db, "SELECT count(*) FROM payable") == 0
    tasks.record_answer(db, assignment["id"], worker["id"], "pos")
    _equal(db, "pending: not payable")
    db.execute("UPDATE assignments SET review_state = 'accepted' WHERE id = ?",
               (assignment["id"],))
    _equal(db, "accepted")
    assert value(db, "SELECT count(*) FROM payable") == 1

"""Money that only two people can move (#16), in core and in the database itself: an
approval bound to what its approver saw, no approval by whoever changed an amount or by
an account the drafter made, a manual "failed" that takes two people, and step-up."""
import datetime as dt
import sqlite3

import pytest

from core import clock, payouts, people, sessions, users
from core.errors import Conflict
from tests.conftest import CHEAP_HASH, PASSWORD
from payout_helpers import NOW, PERIOD, answers, paid_to, value

LATER = clock.utcnow() + dt.timedelta(days=8)  # past the week a new account waits


@pytest.fixture
def karur(db, make_user, make_project):
    """Meena and Anitha (supervisors), an admin, Kavitha paid by UPI, a ₹14.50 week."""
    meena, anitha = make_user("supervisor", lang="ta"), make_user("supervisor", lang="ta")
    kavitha = make_user(lang="ta")
    # confirmed by a third supervisor: whoever confirms new details drafts no payout to them
    paid_to(db, kavitha, make_user("supervisor"), upi="kavitha.m@okaxis")
    project = make_project(pay_paise=145)
    answers(db, kavitha, project, 10)  # 10 x ₹1.45 = ₹14.50
    return {"meena": meena, "anitha": anitha, "admin": make_user("admin"), "kavitha": kavitha}


def _draft(db, who):
    return payouts.draft(db, who, *PERIOD, centre_id=who["centre_id"], now=NOW)


def _line(db, payout_id):
    return value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (payout_id,))


def _approve_by_sql(db, payout_id, approver, at="2026-12-01 06:00:00"):
    db.execute("UPDATE payouts SET status = 'approved', approved_by = ?, approved_at = ?"
               " WHERE id = ?", (approver["id"], at, payout_id))


# -- 1. approval bound to what the approver saw ------------------------------------------

def test_a_bonus_added_after_the_approver_opened_the_draft_refuses_her_approval(db, karur):
    payout_id = _draft(db, karur["admin"])
    seen = payouts.get_payout_or_404(db, payout_id, karur["anitha"])  # Anitha opens it
    assert seen["total_paise"] == 1450
    payouts.set_bonus(db, payout_id, _line(db, payout_id), karur["meena"], "10000", "Diwali")
    with pytest.raises(Conflict) as refused:
        payouts.approve(db, payout_id, karur["anitha"], now=NOW, version=seen["version"])
    assert refused.value.code == "changed"
    now_shown = payouts.get_payout_or_404(db, payout_id, karur["anitha"])
    assert now_shown["status"] == "draft" and now_shown["total_paise"] == 10_014_50
    assert now_shown["version"] > seen["version"]
    # Having seen the new figures, she may approve them: she changed nothing.
    payouts.approve(db, payout_id, karur["anitha"], now=NOW, version=now_shown["version"])
    assert value(db, "SELECT approved_by FROM payouts") == karur["anitha"]["id"]


def test_whoever_set_a_bonus_may_not_approve_the_payout(db, karur):
    payout_id = _draft(db, karur["meena"])
    payouts.set_bonus(db, payout_id, _line(db, payout_id), karur["admin"], "10000", "Diwali")
    version = payouts.get_payout_or_404(db, payout_id, karur["admin"])["version"]
    with pytest.raises(Conflict) as refused:
        payouts.approve(db, payout_id, karur["admin"], now=NOW, version=version)
    assert refused.value.code == "own_amounts"
    with pytest.raises(sqlite3.IntegrityError, match="changed its amounts"):
        _approve_by_sql(db, payout_id, karur["admin"])
    assert value(db, "SELECT status FROM payouts") == "draft"
    payouts.approve(db, payout_id, karur["anitha"], now=NOW, version=version)  # a third person


def test_the_database_keeps_the_version_and_who_changed_an_amount(db, karur):
    payout_id = _draft(db, karur["meena"])
    line = _line(db, payout_id)
    with pytest.raises(sqlite3.IntegrityError, match="names who changed"):
        db.execute("UPDATE payout_lines SET bonus_paise = 100, bonus_reason = 'x',"
                   " amount_paise = items_paise + 100 WHERE id = ?", (line,))
    db.execute("UPDATE payout_lines SET bonus_paise = 100, bonus_reason = 'x',"
               " amount_paise = items_paise + 100, amount_set_by = ? WHERE id = ?",
               (karur["anitha"]["id"], line))
    assert value(db, "SELECT version FROM payouts") == 2
    with pytest.raises(sqlite3.IntegrityError, match="only goes up"):
        db.execute("UPDATE payouts SET version = 1")


# -- 3. an admin alone ---------------------------------------------------------------------

def _new_supervisor(db, admin, login="ravi"):
    user_id = people.create_staff(db, admin, login=login, name="Ravi", role="supervisor",
                                  centre_id=admin["centre_id"], lang="en",
                                  password="long-enough-pass", hash_method=CHEAP_HASH)
    return {**people.get_staff_or_404(db, admin, user_id), "id": user_id}


def test_an_account_the_drafter_created_never_approves_her_payouts(db, karur):
    payout_id = _draft(db, karur["admin"])
    ravi = _new_supervisor(db, karur["admin"])
    for when in (clock.utcnow(), LATER):
        with pytest.raises(Conflict) as refused:
            payouts.approve(db, payout_id, ravi, now=when)
        assert refused.value.code == "approver_account_new"
    with pytest.raises(sqlite3.IntegrityError, match="drafter made or reset"):
        _approve_by_sql(db, payout_id, ravi, at=clock.stamp(LATER))
    # Another drafter's payout, once the week has passed: a second person indeed.
    payouts.void(db, payout_id, karur["meena"])
    other = _draft(db, karur["meena"])
    with pytest.raises(Conflict):
        payouts.approve(db, other, ravi, now=clock.utcnow())
    payouts.approve(db, other, ravi, now=LATER)


def test_a_password_reset_by_the_drafter_bars_that_account_from_approving(db, karur):
    payout_id = _draft(db, karur["admin"])
    people.reset_password(db, karur["admin"], karur["anitha"]["id"],
                          hash_method=CHEAP_HASH)
    with pytest.raises(Conflict) as refused:
        payouts.approve(db, payout_id, karur["anitha"], now=LATER)
    assert refused.value.code == "approver_account_new"
    with pytest.raises(sqlite3.IntegrityError, match="drafter made or reset"):
        _approve_by_sql(db, payout_id, karur["anitha"], at=clock.stamp(LATER))
    payouts.void(db, payout_id, karur["meena"])
    meenas = _draft(db, karur["meena"])  # reset by someone else: a week's wait only
    with pytest.raises(Conflict):
        payouts.approve(db, meenas, karur["anitha"], now=clock.utcnow())
    payouts.approve(db, meenas, karur["anitha"], now=LATER)


def test_new_staff_accounts_are_listed_for_every_admin_and_the_centres_supervisors(
        db, karur, make_user):
    ravi = _new_supervisor(db, karur["admin"])
    people.reset_password(db, karur["admin"], karur["anitha"]["id"],
                          hash_method=CHEAP_HASH)
    other_admin = make_user("admin", centre="SIT")
    for viewer in (other_admin, karur["meena"]):
        seen = {(row["login"], row["what"], row["by_name"])
                for row in people.new_staff(db, viewer)}
        assert seen == {("ravi", "created", karur["admin"]["name"]),
                        (karur["anitha"]["login"], "reset", karur["admin"]["name"])}
    assert people.new_staff(db, make_user("supervisor", centre="SIT")) == []
    assert people.new_staff(db, karur["meena"], now=LATER) == []
    assert ravi["id"]


def test_the_check_flags_an_approval_by_an_account_the_drafter_made(db, karur):
    assert payouts.check_all(db) == []
    payout_id = _draft(db, karur["admin"])
    ravi = _new_supervisor(db, karur["admin"])
    # A ledger from before the rule: the trigger was not there to refuse it.
    db.execute("DROP TRIGGER payouts_approver_not_made_by_drafter")
    _approve_by_sql(db, payout_id, ravi, at=clock.stamp(clock.utcnow() + dt.timedelta(hours=1)))
    problems = payouts.check_all(db)
    assert problems == [f"payout {payout_id}: approved by ravi, whose account"
                        f" {karur['admin']['login']} (the drafter) created or reset"]


# -- 4. paid twice through "failed" ---------------------------------------------------------

def _approved(db, karur):
    payout_id = _draft(db, karur["meena"])
    payouts.approve(db, payout_id, karur["anitha"], now=NOW)
    return payout_id, _line(db, payout_id)


def test_one_person_cannot_mark_a_payment_failed_alone(db, karur):
    payout_id, line = _approved(db, karur)
    assert payouts.mark_failed(db, payout_id, line, karur["meena"], "Wrong account") \
        == "reported"
    assert value(db, "SELECT count(*) FROM payout_results") == 0
    assert value(db, "SELECT count(*) FROM payout_items WHERE live = 1") == 10  # still paid
    with pytest.raises(Conflict) as refused:
        payouts.mark_failed(db, payout_id, line, karur["meena"], "")
    assert refused.value.code == "failure_needs_second"
    with pytest.raises(sqlite3.IntegrityError, match="second person"):
        db.execute("INSERT INTO payout_results (line_id, status, failure_reason, recorded_by,"
                   " recorded_at) VALUES (?, 'failed', 'x', ?, '2026-12-02 00:00:00')",
                   (line, karur["meena"]["id"]))
    assert payouts.mark_paid(db, payout_id, karur["meena"], "UTR123456789") == 0  # not "all"
    assert payouts.mark_failed(db, payout_id, line, karur["admin"], "") == "failed"
    assert value(db, "SELECT failure_reason FROM payout_results") == "Wrong account"
    assert value(db, "SELECT count(*) FROM payout_items WHERE live = 1") == 0


def test_the_bank_file_records_a_failure_in_one_step(db, karur):
    payout_id, line = _approved(db, karur)
    text = f"reference,status,utr,failure_reason\nVELAI-{payout_id}-{line},failed,,Closed\n"
    assert payouts.import_results(db, payout_id, karur["meena"], text) == \
        {"paid": 0, "failed": 1}
    assert value(db, "SELECT source FROM payout_results") == "bank_file"


def test_a_line_carrying_answers_of_a_failed_line_names_it(db, karur):
    payout_id, line = _approved(db, karur)
    payouts.mark_failed(db, payout_id, line, karur["meena"], "Wrong account")
    payouts.mark_failed(db, payout_id, line, karur["anitha"], "")
    again = _draft(db, karur["meena"])
    (shown,), _ = payouts.lines(db, again)
    assert shown["retry_of"] == [{"payout_id": payout_id, "ref": f"VELAI-{payout_id}-{line}"}]
    assert payouts.get_payout_or_404(db, again, karur["anitha"])["retried_lines"] == 1
    (first,), _ = payouts.lines(db, payout_id)
    assert first["retry_of"] == []


# -- 6. step-up ------------------------------------------------------------------------------

def test_money_asks_for_the_password_again_after_15_minutes(db, karur):
    now = clock.utcnow()
    sid = sessions.start(db, karur["anitha"]["id"], now=now)
    user = sessions.user_for(db, sid, now=now)
    assert not sessions.needs_step_up(user, now + dt.timedelta(minutes=14))
    assert sessions.needs_step_up(user, now + dt.timedelta(minutes=16))
    later = now + dt.timedelta(minutes=20)
    refusal = users.step_up(db, sid, user, "wrong-password", "1.2.3.4", "s:x", now=later)
    assert refusal.code == "bad_credentials"
    assert sessions.needs_step_up(sessions.user_for(db, sid, now=later), later)
    assert users.step_up(db, sid, user, PASSWORD, "1.2.3.4", "s:x", now=later) \
        is None
    assert not sessions.needs_step_up(sessions.user_for(db, sid, now=later), later)
    kavitha = sessions.user_for(db, sessions.start(db, karur["kavitha"]["id"], now=now), now)
    assert not sessions.needs_step_up(kavitha, later)  # annotators move no money

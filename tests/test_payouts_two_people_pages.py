"""Money that only two people can move (#16), through the pages: the approve form bound
to the figures shown, new staff accounts on every admin's and supervisor's home, a
manual "failed" confirmed by a second person, and the password asked again for money."""
import datetime as dt
import io
import re

import pytest

from tests.conftest import CHEAP_HASH, PASSWORD, Visitor
from core import clock, payouts, people
from payout_helpers import PERIOD, answers, paid_to, value

CHANGED_TA = "நீங்கள் திறந்த பிறகு இந்தப் பணப் பட்டியல் மாறியுள்ளது."


@pytest.fixture
def karur(db, make_user, make_project):
    meena, anitha = make_user("supervisor", lang="ta"), make_user("supervisor", lang="ta")
    kavitha = make_user(lang="ta")
    # confirmed by a third supervisor: whoever confirms new details drafts no payout to them
    paid_to(db, kavitha, make_user("supervisor"), upi="kavitha.m@okaxis")
    answers(db, kavitha, make_project(pay_paise=145), 10)  # ₹14.50
    return {"meena": meena, "anitha": anitha, "admin": make_user("admin"), "kavitha": kavitha}


def _draft(db, who):
    return payouts.draft(db, who, *PERIOD, centre_id=who["centre_id"],
                         now=dt.datetime(2026, 12, 1, 6, tzinfo=dt.timezone.utc))


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _age_login(db, minutes=16):
    """Her password was last typed `minutes` ago in every open session."""
    db.execute("UPDATE sessions SET authed_at = ?",
               (clock.stamp(clock.utcnow() - dt.timedelta(minutes=minutes)),))


def test_an_approval_of_figures_changed_since_she_opened_them_is_refused_in_tamil(
        visitor, db, karur, app):
    payout_id = _draft(db, karur["admin"])
    line = value(db, "SELECT id FROM payout_lines")
    visitor.login(karur["anitha"])
    opened = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "₹14.50" in opened
    # Meena adds a ₹10,000 bonus while Anitha's page is open.
    other = app.test_client()
    meena = Visitor(other)
    meena.login(karur["meena"])
    assert meena.post(f"/supervisor/payouts/{payout_id}/lines/{line}/bonus",
                      {"bonus": "10000", "reason": "Diwali"}).status_code == 303
    refused = visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                           {"version": _version(opened)})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409 and CHANGED_TA in body
    assert "₹10,014.50" in body  # the page shows the new figures
    assert value(db, "SELECT status FROM payouts") == "draft"
    # Meena set the bonus: she may not approve it either, and her page says so.
    her_page = meena.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "ஒரு தொகையை நீங்கள் மாற்றினீர்கள்" in her_page
    again = meena.post(f"/supervisor/payouts/{payout_id}/approve",
                       {"version": _version(body)})
    assert again.status_code == 409 and value(db, "SELECT status FROM payouts") == "draft"
    assert visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                        {"version": _version(body)}).status_code == 303
    assert value(db, "SELECT total_paise FROM payouts WHERE status = 'approved'") == 10_014_50


def test_an_approve_form_without_its_version_approves_nothing(visitor, db, karur):
    payout_id = _draft(db, karur["meena"])
    visitor.login(karur["anitha"])
    assert visitor.post(f"/supervisor/payouts/{payout_id}/approve").status_code == 409
    assert value(db, "SELECT status FROM payouts") == "draft"


def test_new_staff_accounts_show_on_every_admins_and_the_centres_supervisors_home(
        visitor, db, karur, make_user):
    people.create_staff(db, karur["admin"], login="ravi", name="Ravi Kumar", role="supervisor",
                        centre_id=karur["meena"]["centre_id"], lang="en",
                        password="long-enough-pass", hash_method=CHEAP_HASH)
    for who in (make_user("admin", centre="SIT"), karur["meena"]):
        visitor.login(who)
        body = visitor.get("/supervisor/").get_data(as_text=True)
        assert 'id="new-staff"' in body and "Ravi Kumar" in body, who["role"]
        assert karur["admin"]["name"] in body
        visitor.post("/logout")
    visitor.login(make_user("supervisor", centre="SIT"))
    assert "Ravi Kumar" not in visitor.get("/supervisor/").get_data(as_text=True)


def test_a_manual_failure_takes_a_second_person_and_the_retry_says_so(visitor, db, karur):
    payout_id = _draft(db, karur["meena"])
    payouts.approve(db, payout_id, karur["anitha"])
    line = value(db, "SELECT id FROM payout_lines")
    visitor.login(karur["meena"])
    failed = f"/supervisor/payouts/{payout_id}/lines/{line}/failed"
    assert visitor.post(failed, {"reason": "Wrong account"}).status_code == 303
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "Wrong account" in page and "Confirm failed" not in page
    again = visitor.post(failed, {})
    assert again.status_code == 409 and value(db, "SELECT count(*) FROM payout_results") == 0
    visitor.post("/logout")
    visitor.login(karur["admin"])
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "Confirm failed" in page
    assert visitor.post(failed, {}).status_code == 303
    assert value(db, "SELECT status FROM payout_results") == "failed"
    visitor.post("/logout")
    retry = _draft(db, karur["meena"])
    visitor.login(karur["anitha"])  # the approver of the retry
    page = visitor.get(f"/supervisor/payouts/{retry}").get_data(as_text=True)
    assert f"VELAI-{payout_id}-{line}" in page
    assert f'href="/supervisor/payouts/{payout_id}"' in page


def test_money_asks_for_the_password_again_and_then_does_what_she_asked(visitor, db, karur):
    payout_id = _draft(db, karur["meena"])
    visitor.login(karur["anitha"])
    opened = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    _age_login(db)
    asked = visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                         {"version": _version(opened)})
    form = asked.get_data(as_text=True)
    assert asked.status_code == 401 and 'name="step_up_password"' in form
    assert '<html lang="ta">' in form and "கடவுச்சொல்" in form
    assert f'action="/supervisor/payouts/{payout_id}/approve"' in form
    assert f'name="version" value="{_version(opened)}"' in form  # what she sent, kept
    assert value(db, "SELECT status FROM payouts") == "draft"
    wrong = visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                         {"version": _version(opened), "step_up_password": "not-her-password"})
    assert wrong.status_code == 401 and value(db, "SELECT status FROM payouts") == "draft"
    done = visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                        {"version": _version(opened), "step_up_password": PASSWORD})
    assert done.status_code == 303 and value(db, "SELECT status FROM payouts") == "approved"
    # Fresh now: the next money action needs no password.
    assert visitor.post(f"/supervisor/payouts/{payout_id}/paid",
                        {"utr": "UTR123456789"}).status_code == 303


@pytest.mark.parametrize("action", ["paid", "failed", "results", "confirm"])
def test_every_money_action_asks_for_the_password_after_15_minutes(
        visitor, db, karur, make_user, action):
    payout_id = _draft(db, karur["meena"])
    payouts.approve(db, payout_id, karur["anitha"])
    line = value(db, "SELECT id FROM payout_lines")
    lakshmi = make_user(lang="ta")
    from core import payment_details
    detail = payment_details.change(db, lakshmi, "vpa", upi_id="lakshmi@okaxis",
                                    account_name="LAKSHMI")["id"]
    url, data, kwargs = {
        "paid": (f"/supervisor/payouts/{payout_id}/paid", {"utr": "UTR123456789"}, {}),
        "failed": (f"/supervisor/payouts/{payout_id}/lines/{line}/failed",
                   {"reason": "Closed"}, {}),
        "results": (f"/supervisor/payouts/{payout_id}/results",
                    {"file": (io.BytesIO(b"reference,status,utr,failure_reason\n"), "r.csv")},
                    {"content_type": "multipart/form-data"}),
        "confirm": (f"/supervisor/payment-changes/{detail}/confirm", {}, {}),
    }[action]
    before = [list(db.query(f"SELECT * FROM {t}")) for t in
              ("payout_results", "payout_failure_reports", "payment_details")]
    visitor.login(karur["anitha"])
    _age_login(db)
    asked = visitor.post(url, data, **kwargs)
    body = asked.get_data(as_text=True)
    assert asked.status_code == 401 and 'name="step_up_password"' in body
    if action == "results":  # a file cannot be carried: she chooses it again
        assert 'type="file"' in body and 'enctype="multipart/form-data"' in body
    assert [list(db.query(f"SELECT * FROM {t}")) for t in
            ("payout_results", "payout_failure_reports", "payment_details")] == before


def test_a_fresh_login_is_not_asked_again(visitor, db, karur):
    payout_id = _draft(db, karur["meena"])
    visitor.login(karur["anitha"])
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                        {"version": _version(page)}).status_code == 303


def test_flask_payouts_check_flags_an_approval_by_an_account_the_drafter_made(app, db, karur):
    payout_id = _draft(db, karur["admin"])
    ravi = people.create_staff(db, karur["admin"], login="ravi", name="Ravi", role="supervisor",
                               centre_id=karur["meena"]["centre_id"], lang="en",
                               password="long-enough-pass", hash_method=CHEAP_HASH)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["payouts", "check"]).exit_code == 0
    db.execute("DROP TRIGGER payouts_approver_not_made_by_drafter")  # a ledger from before
    db.execute("UPDATE payouts SET status = 'approved', approved_by = ?, approved_at = ?",
               (ravi, clock.stamp(clock.utcnow() + dt.timedelta(minutes=5))))
    result = runner.invoke(args=["payouts", "check"])
    assert result.exit_code == 1
    assert f"payout {payout_id}: approved by ravi" in result.output

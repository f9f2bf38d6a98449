"""Redirecting an annotator's pay takes two people, and the bank files carry the name on
the account (#16): core, the database's own rules, and the screens."""
import csv
import datetime as dt
import io
import sqlite3

import pytest

from core import clock, payment_details, payouts, people
from core.errors import Conflict, Invalid
from core.payout_files import cashfree, razorpayx
from payout_helpers import NOW, PERIOD, answers, paid_to, value

THIEF_UPI = "meena.own@ybl"


@pytest.fixture
def karur(db, make_user, make_project):
    """Meena and Anitha supervise Karur; Kavitha (Tamil) is paid by UPI, confirmed by
    Anitha, and has last week's answers waiting for a payout."""
    meena, anitha = make_user("supervisor"), make_user("supervisor")
    kavitha = make_user(lang="ta")
    db.execute("UPDATE users SET name = 'கவிதா' WHERE id = ?", (kavitha["id"],))
    kavitha["name"] = "கவிதா"
    paid_to(db, kavitha, anitha, upi="kavitha.m@okaxis")
    project = make_project(pay_paise=1250)
    answers(db, kavitha, project, 4)
    return {"meena": meena, "anitha": anitha, "admin": make_user("admin"),
            "kavitha": kavitha, "project": project}


def _redirect_to_thief(db, c):
    """The probe: Meena resets Kavitha's PIN and, logged in as her, types her own UPI."""
    c["new_pin"] = people.reset_pin(db, c["meena"], c["kavitha"]["id"],
                                    hash_method="pbkdf2:sha256:1000")
    return payment_details.change(db, c["kavitha"], "vpa", upi_id=THIEF_UPI,
                                  account_name="MEENA K")


# -- who may confirm --------------------------------------------------------------------

def test_whoever_reset_her_pin_cannot_confirm_her_new_details(db, karur):
    row = _redirect_to_thief(db, karur)
    with pytest.raises(Conflict) as refused:
        payment_details.confirm(db, row["id"], karur["meena"])
    assert refused.value.code == "details_reset_by_you"
    assert value(db, "SELECT confirmed_by FROM payment_details WHERE id = ?", (row["id"],)) \
        is None
    payment_details.confirm(db, row["id"], karur["anitha"])  # another supervisor may
    assert payment_details.current(db, karur["kavitha"]["id"])["held"] is False


def test_the_database_refuses_a_direct_confirmation_by_the_pin_resetter(db, karur):
    row = _redirect_to_thief(db, karur)
    with pytest.raises(sqlite3.IntegrityError, match="details_reset_by_you"):
        db.execute("UPDATE payment_details SET confirmed_by = ?, confirmed_at = ? WHERE id = ?",
                   (karur["meena"]["id"], clock.stamp(clock.utcnow()), row["id"]))
    # an old stamp on the confirmation does not slip past the 7 days either
    with pytest.raises(sqlite3.IntegrityError, match="details_reset_by_you"):
        db.execute("UPDATE payment_details SET confirmed_by = ?, confirmed_at = ? WHERE id = ?",
                   (karur["meena"]["id"], "2020-01-01 00:00:00", row["id"]))


def test_whoever_changed_her_phone_cannot_confirm_her_new_details(db, karur):
    people.edit_person(db, karur["meena"], karur["kavitha"]["id"], name="Kavitha",
                       phone="9123456789", lang="ta")
    row = payment_details.change(db, karur["kavitha"], "vpa", upi_id=THIEF_UPI,
                                 account_name="MEENA K")
    with pytest.raises(Conflict):
        payment_details.confirm(db, row["id"], karur["meena"])
    assert payment_details.review(db, row["id"], karur["meena"])["may_confirm"] is False
    assert payment_details.review(db, row["id"], karur["anitha"])["may_confirm"] is True


def test_a_pin_reset_more_than_7_days_ago_does_not_bar_the_confirmer(db, karur):
    row = _redirect_to_thief(db, karur)
    db.execute("UPDATE audit_log SET at = datetime('now', '-8 days')"
               " WHERE action = 'user.reset_pin'")
    payment_details.confirm(db, row["id"], karur["meena"])
    assert value(db, "SELECT confirmed_by FROM payment_details WHERE id = ?",
                 (row["id"],)) == karur["meena"]["id"]


def test_the_confirmer_sees_the_new_details_in_full_and_who_reset_her_pin_audited(db, karur):
    row = _redirect_to_thief(db, karur)
    seen = payment_details.review(db, row["id"], karur["anitha"])
    assert seen["full"] == THIEF_UPI and seen["before"] == "kavitha.m@okaxis"
    assert seen["account_name"] == "MEENA K"
    assert seen["pin_reset"]["name"] == karur["meena"]["name"]
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payment_details.view'"
                     " AND actor_id = ?", (karur["anitha"]["id"],)) == 1


# -- refusing ---------------------------------------------------------------------------

def test_a_refused_change_leaves_her_old_details_in_force_and_tells_her_why(db, karur):
    row = _redirect_to_thief(db, karur)
    with pytest.raises(Invalid):
        payment_details.refuse(db, row["id"], karur["anitha"], "  ")
    payment_details.refuse(db, row["id"], karur["anitha"], "Not her account: she did not ask")
    current = payment_details.current(db, karur["kavitha"]["id"])
    assert current["upi_id"] == "kavitha.m@okaxis" and current["held"] is False
    notice = payment_details.notice(db, karur["kavitha"]["id"])
    assert notice["state"] == "refused" and "did not ask" in notice["reason"]
    payout_id = payouts.draft(db, karur["meena"], *PERIOD, now=NOW)
    [line], _ = payouts.lines(db, payout_id)
    assert value(db, "SELECT upi_id FROM payment_details WHERE id = ?",
                 (line["payment_detail_id"],)) == "kavitha.m@okaxis"
    with pytest.raises(Conflict):  # decided once
        payment_details.confirm(db, row["id"], karur["admin"])


def test_the_database_keeps_one_decision_per_change(db, karur):
    row = _redirect_to_thief(db, karur)
    with pytest.raises(sqlite3.IntegrityError):  # a refusal needs its reason
        db.execute("UPDATE payment_details SET refused_by = ?, refused_at = ? WHERE id = ?",
                   (karur["anitha"]["id"], clock.stamp(clock.utcnow()), row["id"]))
    payment_details.refuse(db, row["id"], karur["anitha"], "Not hers")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE payment_details SET confirmed_by = ?, confirmed_at = ? WHERE id = ?",
                   (karur["admin"]["id"], clock.stamp(clock.utcnow()), row["id"]))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE payment_details SET account_name = 'X Y Z' WHERE id = ?", (row["id"],))


# -- the first payout to new details ----------------------------------------------------

def test_the_confirmer_of_new_details_does_not_draft_their_first_payout(db, karur):
    row = _redirect_to_thief(db, karur)
    payment_details.confirm(db, row["id"], karur["anitha"])
    with pytest.raises(Invalid):  # her line is held out: nothing else to pay
        payouts.draft(db, karur["anitha"], *PERIOD, now=NOW)
    [held] = payouts.held(db, karur["project"]["centre_id"], dt.date(2026, 11, 29),
                          karur["anitha"]["id"])
    assert held["id"] == karur["kavitha"]["id"] and held["why"] == "own_confirmation"
    payout_id = payouts.draft(db, karur["meena"], *PERIOD, now=NOW)  # another may
    [line], _ = payouts.lines(db, payout_id)
    assert line["new_details"] and line["full"] == THIEF_UPI  # the approver reads it all


def test_the_database_refuses_a_line_to_new_details_in_their_confirmers_draft(db, karur):
    details = value(db, "SELECT id FROM payment_details WHERE user_id = ?",
                    (karur["kavitha"]["id"],))
    payout_id = db.execute(
        "INSERT INTO payouts (centre_id, period_start, period_end, drafted_by, drafted_at)"
        " VALUES (?, ?, ?, ?, ?)", (karur["project"]["centre_id"], *PERIOD,
                                    karur["anitha"]["id"], clock.stamp(NOW))).lastrowid
    with pytest.raises(sqlite3.IntegrityError, match="details_confirmed_by_drafter"):
        db.execute("INSERT INTO payout_lines (payout_id, user_id, payment_detail_id, answers,"
                   " items_paise, amount_paise) VALUES (?, ?, ?, 0, 0, 0)",
                   (payout_id, karur["kavitha"]["id"], details))


def test_approval_refuses_a_draft_whose_drafter_confirmed_its_new_details(db, karur):
    payout_id = payouts.draft(db, karur["meena"], *PERIOD, now=NOW)
    # a draft made before the rule: its drafter is the confirmer
    db.execute("UPDATE payouts SET drafted_by = ? WHERE id = ?", (karur["anitha"]["id"], payout_id))
    with pytest.raises(Conflict) as refused:
        payouts.approve(db, payout_id, karur["admin"], now=NOW)
    assert refused.value.code == "details_confirmed_by_drafter"
    with pytest.raises(sqlite3.IntegrityError, match="details_confirmed_by_drafter"):
        db.execute("UPDATE payouts SET status = 'approved', approved_by = ?, approved_at = ?"
                   " WHERE id = ?", (karur["admin"]["id"], clock.stamp(NOW), payout_id))
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"


def test_once_paid_there_the_confirmer_may_draft_later_payouts(db, karur):
    first = payouts.draft(db, karur["meena"], *PERIOD, now=NOW)
    payouts.approve(db, first, karur["admin"], now=NOW)
    answers(db, karur["kavitha"], karur["project"], 2, at=NOW)
    later = payouts.draft(db, karur["anitha"], "2026-11-30", "2026-12-01", now=NOW)
    [line], _ = payouts.lines(db, later)
    assert not line["new_details"] and line["full"] == ""


# -- the name on the account ------------------------------------------------------------

@pytest.mark.parametrize("fields, errors", [
    ({"upi_id": "kavi@okaxis", "account_name": "கவிதா"}, {"account_name": "bad_account_name"}),
    ({"upi_id": "kavi@okaxis", "account_name": ""}, {"account_name": "bad_account_name"}),
    ({"upi_id": "kavi@okaxis", "account_name": "=HYPERLINK(1)"},
     {"account_name": "bad_account_name"}),
    ({"upi_id": "kavi@", "account_name": "KAVITHA M"}, {"upi_id": "bad_upi"}),
])
def test_her_details_need_the_name_on_the_account_in_english_letters(db, karur, fields, errors):
    with pytest.raises(Invalid) as refused:
        payment_details.change(db, karur["kavitha"], "vpa", **fields)
    assert refused.value.detail["errors"] == errors


@pytest.mark.parametrize("ifsc", ["SBIN1001234", "SBI00012345", "SBIN000123", "SBIN0001234X"])
def test_an_ifsc_must_be_4_letters_a_zero_and_6_letters_or_digits(db, karur, ifsc):
    with pytest.raises(Invalid) as refused:
        payment_details.change(db, karur["kavitha"], "bank_account", account_number="123456789",
                               ifsc=ifsc, account_name="KAVITHA M")
    assert refused.value.detail["errors"] == {"ifsc": "bad_ifsc"}


def _approved(db, c, make_user, account_name="O'Neil K. Kavitha"):
    """An approved payout paying Kavitha by UPI and Priya by bank (₹6 lakh: NEFT)."""
    priya = make_user()
    deputy = make_user("supervisor")
    paid_to(db, priya, deputy, account="50100123456789", ifsc="HDFC0001234",
            name=account_name)
    answers(db, priya, c["project"], 1, pay_paise=6_00_000_00)
    payout_id = payouts.draft(db, c["meena"], *PERIOD, now=NOW)
    payouts.approve(db, payout_id, c["admin"], now=NOW)
    return payout_id


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_razorpayx_file_has_its_template_columns_and_ascii_names(db, karur, make_user):
    payout_id = _approved(db, karur, make_user)
    name, text = payouts.payout_file(db, payout_id, karur["meena"], fmt="razorpayx")
    assert name.startswith("velai-razorpayx-") and text.startswith(",".join(razorpayx.COLUMNS))
    upi, bank = sorted(_rows(text), key=lambda r: r["Payout Mode"] != "UPI")
    assert upi["Contact Name"] == upi["Fund Account Name"] == "KAVITHA M"
    assert upi["Fund Account Vpa"] == "kavitha.m@okaxis" and upi["Fund Account Type"] == "vpa"
    assert upi["Payout Amount (in Rupees)"] == "50.00" and upi["Payout Currency"] == "INR"
    assert bank["Payout Mode"] == "NEFT" and bank["Fund Account Ifsc"] == "HDFC0001234"
    assert bank["Fund Account Number"] == "50100123456789"
    assert bank["Contact Name"] == "O'Neil K. Kavitha"
    assert bank["Payout Narration"] == "Velai pay 23Nov to 29Nov2026"
    for row in (upi, bank):
        assert len(row["Payout Narration"]) <= 30 and len(row["Contact Name"]) <= 50
        assert row["Payout Reference Id"].startswith(f"VELAI-{payout_id}-")
        assert "கவிதா" not in text and all(ord(ch) < 128 for ch in text)


def test_the_cashfree_file_has_its_columns_letters_only_names_and_short_remarks(
        db, karur, make_user):
    payout_id = _approved(db, karur, make_user)
    name, text = payouts.payout_file(db, payout_id, karur["meena"], fmt="cashfree")
    assert name.startswith("velai-cashfree-") and text.startswith(",".join(cashfree.COLUMNS))
    upi, bank = sorted(_rows(text), key=lambda r: r["transferMode"] != "upi")
    assert upi["name"] == "KAVITHA M" and upi["vpa"] == "kavitha.m@okaxis"
    assert bank["transferMode"] == "neft" and bank["name"] == "O Neil K Kavitha"
    assert bank["bankAccount"] == "50100123456789" and bank["ifsc"] == "HDFC0001234"
    for row in (upi, bank):
        assert row["transferId"].startswith(f"VELAI_{payout_id}_")
        assert len(row["remarks"]) <= 70 and row["remarks"].replace(" ", "").isalnum()
    assert all(ord(ch) < 128 for ch in text)
    # the result file comes back with the transfer id as its reference
    line = int(upi["transferId"].rsplit("_", 1)[1])
    payouts.import_results(db, payout_id, karur["meena"],
                           f"reference,status,utr,failure_reason\r\n{upi['transferId']},"
                           "SUCCESS,UTR12345678,\r\n", now=NOW)
    assert value(db, "SELECT status FROM payout_results WHERE line_id = ?", (line,)) == "paid"


@pytest.mark.parametrize("fmt", ["bulk_csv", "razorpayx", "cashfree"])
def test_a_line_without_a_name_on_the_account_stops_the_file(db, karur, make_user, fmt):
    payout_id = _approved(db, karur, make_user)
    # details given before the name was asked for
    db.execute("PRAGMA ignore_check_constraints = 1")
    db.execute("DROP TRIGGER payment_details_decide_once")
    db.execute("UPDATE payment_details SET account_name = NULL WHERE user_id = ?",
               (karur["kavitha"]["id"],))
    with pytest.raises(Conflict) as refused:
        payouts.payout_file(db, payout_id, karur["meena"], fmt=fmt)
    assert refused.value.code == "no_account_name"
    assert refused.value.detail["names"] == "கவிதா"
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.file'") == 0


# -- the screens ------------------------------------------------------------------------

def test_the_probe_fails_through_the_pages_and_she_reads_why_in_tamil(visitor, db, karur):
    row = _redirect_to_thief(db, karur)
    visitor.login(karur["meena"])  # the one who reset her PIN
    page = visitor.get(f"/supervisor/payment-changes/{row['id']}").get_data(as_text=True)
    assert THIEF_UPI in page and "kavitha.m@okaxis" in page and "MEENA K" in page
    assert f"PIN last reset by {karur['meena']['name']}" in page
    refused = visitor.post(f"/supervisor/payment-changes/{row['id']}/confirm")
    assert refused.status_code == 409 and "Another supervisor or an admin must confirm" in \
        refused.get_data(as_text=True)
    visitor.post("/logout")
    visitor.login(karur["anitha"])
    assert visitor.post(f"/supervisor/payment-changes/{row['id']}/refuse",
                        {"reason": ""}).status_code == 400
    assert visitor.post(f"/supervisor/payment-changes/{row['id']}/refuse",
                        {"reason": "இது அவருடைய கணக்கு அல்ல"}).status_code == 303
    visitor.post("/logout")
    # every showing in full is audited: Meena's look and her refusal, Anitha's empty reason
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payment_details.view'") == 3
    assert value(db, "SELECT refused_by FROM payment_details WHERE id = ?", (row["id"],)) == \
        karur["anitha"]["id"]
    visitor.login(karur["kavitha"], password=karur["new_pin"])
    home = visitor.get("/home").get_data(as_text=True)
    assert "நிராகரிக்கப்பட்டன" in home and "இது அவருடைய கணக்கு அல்ல" in home
    assert THIEF_UPI not in home and "me•••@ybl" in home


def test_the_file_downloads_in_each_format_from_the_page_and_the_command(
        app, visitor, db, karur, make_user, tmp_path):
    payout_id = _approved(db, karur, make_user)
    visitor.login(karur["meena"])
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert '<option value="razorpayx">RazorpayX</option>' in page
    file = visitor.get(f"/supervisor/payouts/{payout_id}/file.csv?format=cashfree")
    assert file.status_code == 200 and "velai-cashfree-" in file.headers["Content-Disposition"]
    assert file.get_data(as_text=True).startswith("transferId,amount,transferMode,name")
    assert visitor.get(f"/supervisor/payouts/{payout_id}/file.csv?format=nope").status_code == 404
    target = tmp_path / "rzp.csv"
    done = app.test_cli_runner().invoke(args=["payouts", "file", str(payout_id), str(target),
                                              "--by", karur["meena"]["login"],
                                              "--format", "razorpayx"])
    assert done.exit_code == 0, done.output
    assert target.read_text(encoding="utf-8").startswith("RazorpayX Account Number,")


def test_the_payout_page_names_lines_without_a_name_on_the_account(visitor, db, karur):
    payout_id = payouts.draft(db, karur["meena"], *PERIOD, now=NOW)
    db.execute("DROP TRIGGER payment_details_decide_once")  # details from before the name
    db.execute("UPDATE payment_details SET account_name = NULL")
    visitor.login(karur["anitha"])
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "No name on the account: the payout file cannot pay this line." in page

"""Payout screens through the test client: supervisors, the second approver, annotators."""
import csv
import io
import re

import pytest

from core import payment_details
from payout_helpers import answers, paid_to, value

ACCOUNT, UPI = "50100123456789", "kavitha.m@okaxis"
ACTIONS = ("approve", "void", "paid", "lines/{line}/bonus", "lines/{line}/failed", "results")


@pytest.fixture
def karur(db, make_user, make_project):
    meena, anitha = make_user("supervisor", lang="ta"), make_user("supervisor")
    kavitha, priya = make_user(lang="ta"), make_user()
    # A third supervisor confirms their details: whoever confirms new details does not
    # draft the first payout to them.
    deputy = make_user("supervisor")
    paid_to(db, kavitha, deputy, upi=UPI)
    paid_to(db, priya, deputy, account=ACCOUNT, ifsc="HDFC0001234")
    project = make_project(pay_paise=1250)
    # Last week is the default period: answers from three days before the start of
    # this week in India are always in it.
    at = _last_week_day()
    answers(db, kavitha, project, 100, at=at)  # ₹1,250.00
    answers(db, priya, project, 2, at=at)
    return {"meena": meena, "anitha": anitha, "deputy": deputy, "admin": make_user("admin"),
            "kavitha": kavitha,
            "priya": priya, "project": project}


def _last_week_day():
    import datetime as dt

    from core import payouts
    start, _ = payouts.last_week()
    return dt.datetime.combine(start + dt.timedelta(days=2), dt.time(6), dt.timezone.utc)


def _draft(visitor, who):
    visitor.login(who)
    page = visitor.get("/supervisor/payouts").get_data(as_text=True)
    start = re.search(r'name="start" type="date" value="([\d-]+)"', page).group(1)
    end = re.search(r'name="end" type="date" value="([\d-]+)"', page).group(1)
    response = visitor.post("/supervisor/payouts", {"start": start, "end": end})
    assert response.status_code == 303, response.get_data(as_text=True)
    visitor.post("/logout")
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _approve(visitor, payout_id):
    """Approve as the page shows it: its form carries the draft's version."""
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page)
    return visitor.post(f"/supervisor/payouts/{payout_id}/approve",
                        {"version": version.group(1) if version else ""})


def test_a_payout_from_draft_to_paid_through_the_pages(visitor, db, karur):
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["meena"])
    preview = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "₹1,275.00" in preview  # ₹1,250 + ₹25, in Tamil formatting
    refused = _approve(visitor, payout_id)
    assert refused.status_code == 409
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"
    line = value(db, "SELECT id FROM payout_lines WHERE user_id = ?", (karur["kavitha"]["id"],))
    visitor.post(f"/supervisor/payouts/{payout_id}/lines/{line}/bonus",
                 {"bonus": "100.50", "reason": "Best accuracy"})
    visitor.post("/logout")

    visitor.login(karur["anitha"])
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "₹1,375.50" in page and "Best accuracy" in page
    assert _approve(visitor, payout_id).status_code == 303
    file = visitor.get(f"/supervisor/payouts/{payout_id}/file.csv")
    assert file.mimetype == "text/csv" and "attachment" in file.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(file.get_data(as_text=True))))
    assert sorted(r["amount"] for r in rows) == ["1350.50", "25.00"]
    assert visitor.post(f"/supervisor/payouts/{payout_id}/paid",
                        {"utr": "HDFC12345678"}).status_code == 303
    summary = visitor.get(f"/supervisor/payouts/{payout_id}/print").get_data(as_text=True)
    assert "Paid" in summary and "HDFC12345678" in summary
    visitor.post("/logout")

    visitor.login(karur["kavitha"])
    earnings = visitor.get("/earnings").get_data(as_text=True)
    assert "₹1,350.50" in earnings and "HDFC12345678" in earnings
    assert value(db, "SELECT count(*) FROM payout_results WHERE status = 'paid'") == 2


def test_a_refused_approval_shows_why_in_her_language(visitor, db, karur):
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["meena"])  # Tamil
    body = _approve(visitor, payout_id).get_data(as_text=True)
    assert '<html lang="ta">' in body and re.search("[\u0b80-\u0bff]", body)
    assert "Approve payout" not in body


def _post_every_action(visitor, payout_id, line):
    return {path: visitor.post(f"/supervisor/payouts/{payout_id}/" + path.format(line=line),
                               {"utr": "UTR12345678", "reason": "x", "bonus": "5"}).status_code
            for path in ACTIONS}


def test_the_drafter_approves_by_no_route(visitor, db, karur):
    payout_id = _draft(visitor, karur["meena"])
    line = value(db, "SELECT id FROM payout_lines LIMIT 1")
    visitor.login(karur["meena"])
    codes = _post_every_action(visitor, payout_id, line)
    assert codes["approve"] == 409
    assert value(db, "SELECT approved_by FROM payouts") is None
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.approve'") == 0


@pytest.mark.parametrize("who,status", [("stranger", 404), ("annotator", 403)])
def test_no_one_outside_the_centre_touches_a_payout_by_any_route(
        visitor, db, karur, make_user, who, status):
    payout_id = _draft(visitor, karur["meena"])
    line = value(db, "SELECT id FROM payout_lines LIMIT 1")
    before = list(db.query("SELECT * FROM payouts")) + list(db.query("SELECT * FROM payout_lines"))
    visitor.login(make_user("supervisor", centre="STP") if who == "stranger" else make_user())
    assert set(_post_every_action(visitor, payout_id, line).values()) == {status}
    for path in ("", "/print", "/file.csv"):
        assert visitor.get(f"/supervisor/payouts/{payout_id}{path}").status_code == status
    after = list(db.query("SELECT * FROM payouts")) + list(db.query("SELECT * FROM payout_lines"))
    assert after == before


def test_a_payout_page_as_htmx_is_the_lines_fragment(visitor, karur):
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["anitha"])
    response = visitor.get(f"/supervisor/payouts/{payout_id}", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="lines"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_bank_result_file_imports_through_the_page(visitor, db, karur):
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["anitha"])
    _approve(visitor, payout_id)
    refs = [r["reference"] for r in csv.DictReader(io.StringIO(visitor.get(
        f"/supervisor/payouts/{payout_id}/file.csv").get_data(as_text=True)))]
    text = "reference,status,utr,failure_reason\n" + f"{refs[0]},processed,UTR77777777,\n" + \
        f"{refs[1]},failed,,Account frozen\n"
    response = visitor.post(f"/supervisor/payouts/{payout_id}/results",
                            {"file": (io.BytesIO(text.encode()), "result.csv")},
                            content_type="multipart/form-data")
    assert response.status_code == 303
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "Account frozen" in page and "UTR77777777" in page
    bad = visitor.post(f"/supervisor/payouts/{payout_id}/results",
                       {"file": (io.BytesIO(b"\xff\xfe"), "r.csv")},
                       content_type="multipart/form-data")
    assert bad.status_code == 400


def test_no_page_shows_a_full_account_number_or_upi_id(visitor, db, karur, make_user):
    payout_id = _draft(visitor, karur["meena"])
    karur["lakshmi"] = make_user(lang="ta")  # a change waiting for confirmation
    payment_details.change(db, karur["lakshmi"], "bank_account", account_number="987654321012",
                           ifsc="SBIN0001234", account_name="LAKSHMI R")
    pages = {
        "anitha": ["/supervisor/", "/supervisor/payouts", f"/supervisor/payouts/{payout_id}",
                   f"/supervisor/payouts/{payout_id}/print", "/supervisor/payment-changes",
                   "/supervisor/fair-pay"],
        "admin": ["/admin/audit", "/supervisor/payment-changes",
                  f"/supervisor/payouts/{payout_id}"],
        "kavitha": ["/home", "/earnings", "/payment-details"],
        "priya": ["/home", "/earnings", "/payment-details"],
        "lakshmi": ["/earnings", "/payment-details"],
    }
    seen = 0
    for who, urls in pages.items():
        visitor.login(karur[who])
        for url in urls:
            response = visitor.get(url)
            body = response.get_data(as_text=True)
            assert response.status_code == 200, url
            # the approver's one look at details no payout paid to yet (#16)
            body = re.sub(r"(New details|Name on the account): [^<]*", "", body)
            for secret in (ACCOUNT, UPI, "987654321012", ACCOUNT[-8:]):
                assert secret not in body, f"{who} {url} shows {secret}"
            seen += "••••" in body or "•••@" in body
        visitor.post("/logout")
    assert seen >= 8
    visitor.login(karur["anitha"])
    _approve(visitor, payout_id)
    assert ACCOUNT in visitor.get(f"/supervisor/payouts/{payout_id}/file.csv").get_data(
        as_text=True)  # the one place the full number appears


def test_her_details_form_says_what_is_wrong_beside_each_field(visitor, db, make_user):
    kavitha = make_user(lang="ta")
    visitor.login(kavitha)
    response = visitor.post("/payment-details", {"kind": "bank_account",
                                                 "account_number": "12ab", "ifsc": "XX"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and body.count('class="error"') == 3  # with the name
    assert value(db, "SELECT count(*) FROM payment_details") == 0
    response = visitor.post("/payment-details", {"kind": "vpa", "upi_id": "Kavi.M@OKSBI",
                                                 "account_name": "Kavitha M"})
    assert response.status_code == 303
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "ka•••@oksbi" in page and "kavi.m" not in page
    assert value(db, "SELECT upi_id FROM payment_details") == "kavi.m@oksbi"


def test_a_supervisor_confirms_a_change_and_only_of_her_centre(visitor, db, karur, make_user):
    row = payment_details.change(db, karur["kavitha"], "vpa", upi_id="new.one@ybl",
                                 account_name="KAVITHA M")
    visitor.login(make_user("supervisor", centre="STP"))
    page = visitor.get("/supervisor/payment-changes").get_data(as_text=True)
    assert "ne•••@ybl" not in page
    assert visitor.post(f"/supervisor/payment-changes/{row['id']}/confirm").status_code == 404
    visitor.post("/logout")
    visitor.login(karur["anitha"])
    page = visitor.get("/supervisor/payment-changes").get_data(as_text=True)
    assert "ne•••@ybl" in page and "ka•••@okaxis" in page
    assert visitor.post(f"/supervisor/payment-changes/{row['id']}/confirm").status_code == 303
    assert value(db, "SELECT confirmed_by FROM payment_details WHERE id = ?", (row["id"],)) == \
        karur["anitha"]["id"]


def test_fair_pay_page_warns_and_the_minimum_wage_is_set_and_audited(visitor, db, karur):
    visitor.login(karur["anitha"])
    assert visitor.post("/supervisor/fair-pay/min-wage", {"min_wage": "2000"}).status_code == 303
    page = visitor.get("/supervisor/fair-pay").get_data(as_text=True)
    assert "Below the minimum wage" in page and "₹1,500.00 an hour" in page  # 12.50 per 30 s
    assert visitor.post("/supervisor/fair-pay/min-wage", {"min_wage": "lots"}).status_code == 400
    assert value(db, "SELECT min_wage_paise_per_hour FROM centres WHERE code = 'KRR'") == 200000
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'centre.min_wage'") == 1


def test_the_audit_log_is_for_admins_filtered_by_action_and_person(visitor, db, karur):
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["anitha"])
    assert visitor.get("/admin/audit").status_code == 403
    _approve(visitor, payout_id)
    visitor.post("/logout")
    visitor.login(karur["admin"])
    body = visitor.get("/admin/audit?action=payout.approve").get_data(as_text=True)
    assert body.count("<li><b>payout.approve") == 1 and "payout.draft</b>" not in body
    body = visitor.get(f"/admin/audit?person={karur['meena']['login']}").get_data(as_text=True)
    assert "<li><b>payout.draft" in body and "<li><b>payout.approve" not in body
    for query in ("?page=x", "?page=-4", "?page=99999999999", "?action=%00"):
        assert visitor.get("/admin/audit" + query).status_code == 200


def test_a_draft_with_nothing_to_pay_says_so_and_writes_nothing(visitor, db, make_user):
    visitor.login(make_user("supervisor"))
    response = visitor.post("/supervisor/payouts", {"start": "2026-11-23", "end": "2026-11-29"})
    assert response.status_code == 400
    assert "No accepted answers" in response.get_data(as_text=True)
    assert value(db, "SELECT count(*) FROM payouts") == 0
    assert visitor.post("/supervisor/payouts", {"start": "x", "end": ""}).status_code == 400


@pytest.mark.parametrize("lang,script", [("ta", "[\u0b80-\u0bff]"), ("hi", "[\u0900-\u097f]")])
def test_payout_pages_in_tamil_and_hindi_have_no_english_left(visitor, db, karur, make_user,
                                                              lang, script):
    payout_id = _draft(visitor, karur["meena"])
    boss = make_user("supervisor", lang=lang)
    worker = make_user(lang=lang)
    data = [karur[w]["name"] for w in ("kavitha", "priya", "meena")] + \
        [boss["name"], worker["name"], karur["deputy"]["name"], UPI, "KAVITHA M", "KRR",
         "English", "Reviews", "okaxis", "HDFC", "UPI", "IFSC", "UTR", "CSV", "RazorpayX",
         "Cashfree", "Velai"]
    for who, urls in ((boss, ["/supervisor/payouts", f"/supervisor/payouts/{payout_id}",
                              f"/supervisor/payouts/{payout_id}/print",
                              "/supervisor/payment-changes", "/supervisor/fair-pay"]),
                      (worker, ["/payment-details", "/earnings"])):
        visitor.login(who)
        for url in urls:
            body = visitor.get(url).get_data(as_text=True)
            text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body,
                                                  flags=re.S))
            for word in data:
                text = text.replace(word, "")
            assert f'<html lang="{lang}">' in body and re.search(script, text), url
            english = re.findall(r"\b[A-Za-z]{3,}\b", text)
            assert not english, f"{lang} {url}: English left: {english}"
        visitor.post("/logout")


def test_an_admin_drafts_for_a_centre_she_names_and_a_supervisor_approves(visitor, db, karur):
    visitor.login(karur["admin"])
    page = visitor.get("/supervisor/payouts").get_data(as_text=True)
    assert '<select id="centre" name="centre">' in page
    centre = karur["kavitha"]["centre_id"]
    start, end = (d.isoformat() for d in __import__("core.payouts").payouts.last_week())
    assert visitor.post("/supervisor/payouts", {"start": start, "end": end,
                                                "centre": 999}).status_code == 404
    response = visitor.post("/supervisor/payouts", {"start": start, "end": end,
                                                    "centre": centre})
    assert response.status_code == 303
    payout_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _approve(visitor, payout_id).status_code == 409
    visitor.post("/logout")
    visitor.login(karur["meena"])
    assert _approve(visitor, payout_id).status_code == 303
    assert value(db, "SELECT approved_by FROM payouts") == karur["meena"]["id"]


def test_a_line_form_with_a_broken_line_id_marks_nothing_paid(visitor, db, karur):
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["anitha"])
    _approve(visitor, payout_id)
    for bad in ("abc", "", "-1", "99999999999999999999"):
        response = visitor.post(f"/supervisor/payouts/{payout_id}/paid",
                                {"utr": "UTR12345678", "line": bad})
        assert response.status_code == 404, bad
    assert value(db, "SELECT count(*) FROM payout_results") == 0


def test_the_payout_commands_write_the_file_and_check_the_ledger(app, db, karur, tmp_path):
    from core import payouts as core_payouts
    start, end = core_payouts.last_week()
    payout_id = core_payouts.draft(db, karur["meena"], start.isoformat(), end.isoformat())
    runner = app.test_cli_runner()
    target = tmp_path / "out.csv"
    refused = runner.invoke(args=["payouts", "file", str(payout_id), str(target),
                                  "--by", karur["meena"]["login"]])
    assert refused.exit_code == 1 and "not_approved" in refused.output and not target.exists()
    core_payouts.approve(db, payout_id, karur["anitha"])
    done = runner.invoke(args=["payouts", "file", str(payout_id), str(target),
                               "--by", karur["meena"]["login"]])
    assert done.exit_code == 0, done.output
    assert target.read_bytes().startswith(b"account_type,name,account_number,ifsc,upi_id,amount")
    assert ACCOUNT in target.read_text(encoding="utf-8")
    assert runner.invoke(args=["payouts", "check"]).exit_code == 0

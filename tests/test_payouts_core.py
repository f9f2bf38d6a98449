"""Payout runs in core and the money rules the database itself holds (no Flask)."""
import csv
import io
import multiprocessing
import random
import sqlite3
import types

import pytest

from core import db as coredb
from core import clock, money, payment_details, payout_files, payouts, wages
from core.errors import Conflict, Invalid, NotFound
from core.payout_files import bulk_csv
from payout_helpers import NOW, PERIOD, answers, paid_to, review, value


@pytest.fixture
def centre(db, make_user, make_project):
    """Karur: two supervisors, an admin, two annotators paid by UPI and bank, a project."""
    meena, anitha = make_user("supervisor"), make_user("supervisor")
    kavitha, priya = make_user(lang="ta"), make_user()
    # A third supervisor confirms their details: whoever confirms new details does not
    # draft the first payout to them.
    deputy = make_user("supervisor")
    paid_to(db, kavitha, deputy, upi="kavitha.m@okaxis")
    paid_to(db, priya, deputy, account="123456786789", ifsc="SBIN0001234")
    return {"meena": meena, "anitha": anitha, "deputy": deputy, "admin": make_user("admin"),
            "kavitha": kavitha,
            "priya": priya, "project": make_project(pay_paise=50)}


def _draft(db, c, who="meena"):
    return payouts.draft(db, c[who], *PERIOD, now=NOW)


def test_totals_are_exact_to_the_paisa_across_projects_pay_changes_and_bonuses(
        db, centre, make_user, make_project):
    rng = random.Random(9)
    people = [centre["kavitha"], centre["priya"]]
    for n in range(6):
        person = make_user()
        paid_to(db, person, centre["deputy"], upi=f"worker{n}@ybl")
        people.append(person)
    projects_ = [centre["project"]] + [make_project(slug=f"p{n}", pay_paise=p)
                                       for n, p in enumerate((1, 33, 137))]
    expected = {}
    for person in people:
        for project in projects_:
            for _ in range(rng.randint(1, 4)):  # the project's pay changes between answers
                pay = rng.choice((0, 1, 7, 33, 50, 99, 101, 12345))
                n = rng.randint(1, 30)
                answers(db, person, project, n, pay_paise=pay)
                expected[person["id"]] = expected.get(person["id"], 0) + n * pay
        answers(db, person, projects_[0], 3, review="rejected")
        answers(db, person, projects_[0], 2, review="pending")
    payout_id = _draft(db, centre)
    lines, _ = payouts.lines(db, payout_id, per_page=100)
    assert {line["user_id"]: line["items_paise"] for line in lines} == expected
    bonuses = {}
    for line in lines[:5]:
        bonus = rng.randint(1, 99999)
        payouts.set_bonus(db, payout_id, line["id"], centre["meena"], money.rupees(bonus),
                          "Good accuracy")
        bonuses[line["user_id"]] = bonus
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    payout = payouts.get_payout_or_404(db, payout_id, centre["admin"])
    assert payout["total_paise"] == sum(expected.values()) + sum(bonuses.values())
    for line in payouts.lines(db, payout_id, per_page=100)[0]:
        assert line["amount_paise"] == expected[line["user_id"]] + bonuses.get(line["user_id"], 0)
    name, text = payouts.payout_file(db, payout_id, centre["admin"])
    amounts = [row["amount"] for row in csv.DictReader(io.StringIO(text))]
    in_paise = sum(int(a.replace(".", "")) for a in amounts)
    assert in_paise == payout["total_paise"] and all(a.count(".") == 1 for a in amounts)


def test_a_draft_takes_only_accepted_answers_of_her_centre_up_to_the_period_end(
        db, centre, make_user, make_project):
    kavitha = centre["kavitha"]
    accepted = answers(db, kavitha, centre["project"], 4)
    answers(db, kavitha, centre["project"], 2, review="pending")
    answers(db, kavitha, centre["project"], 1, review="rejected")
    answers(db, kavitha, centre["project"], 3, at=NOW)  # this week: next payout
    other = make_user(centre="STP")
    paid_to(db, other, make_user("supervisor", centre="STP"), upi="other@ybl")
    answers(db, other, make_project(centre="STP", slug="stp"), 5)
    payout_id = _draft(db, centre)
    items = [r["assignment_id"] for r in db.query(
        "SELECT assignment_id FROM payout_items WHERE payout_id = ? ORDER BY 1", (payout_id,))]
    assert items == accepted
    assert value(db, "SELECT total_paise FROM payouts WHERE id = ?", (payout_id,)) == 200
    assert value(db, "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == "payout.draft"


def test_answers_accepted_after_a_draft_go_to_the_next_payout(db, centre):
    kavitha = centre["kavitha"]
    answers(db, kavitha, centre["project"], 2)
    late = answers(db, kavitha, centre["project"], 3, review="pending")
    first = _draft(db, centre)
    review(db, late)
    payouts.approve(db, first, centre["anitha"], now=NOW)
    second = _draft(db, centre)
    assert value(db, "SELECT answers FROM payout_lines WHERE payout_id = ?", (first,)) == 2
    assert sorted(r["assignment_id"] for r in db.query(
        "SELECT assignment_id FROM payout_items WHERE payout_id = ?", (second,))) == late
    assert _draft(db, centre) == second  # drafting again gives the same draft
    payouts.approve(db, second, centre["anitha"], now=NOW)
    with pytest.raises(Invalid) as refused:
        _draft(db, centre)
    assert refused.value.code == "nothing_to_pay"


def test_the_drafter_cannot_approve_and_another_supervisor_or_an_admin_can(db, centre):
    answers(db, centre["kavitha"], centre["project"], 2)
    payout_id = _draft(db, centre)
    with pytest.raises(Conflict) as refused:
        payouts.approve(db, payout_id, centre["meena"], now=NOW)
    assert refused.value.code == "own_draft"
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"
    payouts.approve(db, payout_id, centre["admin"], now=NOW)
    assert value(db, "SELECT approved_by FROM payouts WHERE id = ?", (payout_id,)) == \
        centre["admin"]["id"]


def test_a_supervisor_of_another_centre_sees_nothing_and_changes_nothing(db, centre, make_user):
    answers(db, centre["kavitha"], centre["project"], 2)
    payout_id = _draft(db, centre)
    stranger = make_user("supervisor", centre="STP")
    for call in (lambda: payouts.approve(db, payout_id, stranger),
                 lambda: payouts.void(db, payout_id, stranger),
                 lambda: payouts.get_payout_or_404(db, payout_id, stranger)):
        with pytest.raises(NotFound):
            call()
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"


def test_the_database_refuses_a_drafter_approving_her_own_payout(db, centre):
    answers(db, centre["kavitha"], centre["project"], 2)
    payout_id = _draft(db, centre)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("UPDATE payouts SET status = 'approved', approved_by = drafted_by,"
                   " approved_at = '2026-12-01 00:00:00' WHERE id = ?", (payout_id,))


@pytest.mark.parametrize("sql", [
    "UPDATE payouts SET total_paise = total_paise + 100",
    "UPDATE payouts SET status = 'void'",
    "DELETE FROM payouts",
    "UPDATE payout_lines SET bonus_paise = 100, bonus_reason = 'x',"
    " amount_paise = items_paise + 100",
    "DELETE FROM payout_lines",
    "UPDATE payout_items SET pay_paise = pay_paise + 1",
    "UPDATE payout_items SET live = 0",
    "DELETE FROM payout_items",
])
def test_an_approved_payout_never_changes_even_by_direct_sql(db, centre, sql):
    answers(db, centre["kavitha"], centre["project"], 3)
    payout_id = _draft(db, centre)
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    before = list(db.query("SELECT * FROM payout_items")) + list(db.query("SELECT * FROM payouts"))
    with pytest.raises(sqlite3.IntegrityError, match="final|never"):
        db.execute(sql)
    assert list(db.query("SELECT * FROM payout_items")) + \
        list(db.query("SELECT * FROM payouts")) == before


def test_an_answer_is_never_in_two_live_payouts_even_by_direct_sql(db, centre):
    (answer,) = answers(db, centre["kavitha"], centre["project"], 1)
    first = _draft(db, centre)
    answers(db, centre["priya"], centre["project"], 1)
    second = _draft(db, centre)  # Priya's answer only: Kavitha's is taken
    line = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (second,))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO payout_items (payout_id, line_id, assignment_id, pay_paise)"
                   " VALUES (?, ?, ?, 50)", (second, line, answer))
    kavitha_line = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (first,))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        db.execute("INSERT INTO payout_items (payout_id, line_id, assignment_id, pay_paise)"
                   " VALUES (?, ?, ?, 50)", (first, kavitha_line, answer))
    assert value(db, "SELECT count(*) FROM payout_items WHERE assignment_id = ?", (answer,)) == 1


def test_the_database_takes_only_accepted_answers_at_their_own_pay(db, centre):
    (answer,) = answers(db, centre["kavitha"], centre["project"], 1)
    (pending,) = answers(db, centre["kavitha"], centre["project"], 1, review="pending")
    payout_id = _draft(db, centre)
    line = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (payout_id,))
    for assignment, pay in ((pending, 50), (answer, 51)):
        with pytest.raises(sqlite3.IntegrityError, match="accepted"):
            db.execute("INSERT INTO payout_items (payout_id, line_id, assignment_id, pay_paise)"
                       " VALUES (?, ?, ?, ?)", (payout_id, line, assignment, pay))


def test_approval_with_totals_that_do_not_add_up_is_refused_by_the_database(db, centre):
    answers(db, centre["kavitha"], centre["project"], 3)
    payout_id = _draft(db, centre)
    db.execute("UPDATE payouts SET total_paise = total_paise + 1 WHERE id = ?", (payout_id,))
    with pytest.raises(Conflict):
        payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="add up"):
        db.execute("UPDATE payouts SET status = 'approved', approved_by = ?, approved_at = ?"
                   " WHERE id = ?", (centre["anitha"]["id"], "2026-12-01 00:00:00", payout_id))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        db.execute("UPDATE payout_lines SET amount_paise = amount_paise + 1")


def test_a_paid_answer_keeps_its_review_and_pay(db, centre):
    (answer,) = answers(db, centre["kavitha"], centre["project"], 1)
    _draft(db, centre)
    with pytest.raises(sqlite3.IntegrityError, match="keeps"):
        db.execute("UPDATE assignments SET review_state = 'rejected' WHERE id = ?", (answer,))
    with pytest.raises(sqlite3.IntegrityError, match="keeps"):
        db.execute("UPDATE assignments SET pay_paise = 5000 WHERE id = ?", (answer,))


def test_a_void_draft_frees_its_answers_for_the_next_payout(db, centre):
    ids = answers(db, centre["kavitha"], centre["project"], 3)
    first = _draft(db, centre)
    payouts.void(db, first, centre["meena"], now=NOW)
    second = _draft(db, centre)
    assert sorted(r["assignment_id"] for r in db.query(
        "SELECT assignment_id FROM payout_items WHERE payout_id = ? AND live = 1",
        (second,))) == ids
    with pytest.raises(Conflict):
        payouts.approve(db, first, centre["anitha"], now=NOW)


def test_a_failed_line_goes_back_to_unpaid_and_its_answers_into_a_later_payout(db, centre):
    kavitha_ids = answers(db, centre["kavitha"], centre["project"], 2)
    answers(db, centre["priya"], centre["project"], 2)
    payout_id = _draft(db, centre)
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    lines = {line["user_id"]: line for line in payouts.lines(db, payout_id)[0]}
    payouts.mark_failed(db, payout_id, lines[centre["kavitha"]["id"]]["id"], centre["meena"],
                        "Account closed")
    payouts.mark_failed(db, payout_id, lines[centre["kavitha"]["id"]]["id"], centre["admin"],
                        "")  # a second person confirms
    assert payouts.mark_paid(db, payout_id, centre["meena"], "UTR123456789") == 1
    assert payouts.get_payout_or_404(db, payout_id, centre["meena"])["state"] == "paid"
    later = _draft(db, centre)
    assert sorted(r["assignment_id"] for r in db.query(
        "SELECT assignment_id FROM payout_items WHERE payout_id = ?", (later,))) == kavitha_ids
    ledger = payouts.ledger(db, centre["kavitha"]["id"])
    assert ledger["draft_paise"] == 100 and ledger["paid_paise"] == 0
    assert payouts.ledger(db, centre["priya"]["id"])["paid_paise"] == 100
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        db.execute("UPDATE payout_results SET status = 'paid', utr = 'X1234567'")
    with pytest.raises(sqlite3.IntegrityError, match="never"):
        db.execute("DELETE FROM payout_results")
    with pytest.raises(Conflict):
        payouts.mark_paid(db, payout_id, centre["meena"], "OTHER12345",
                          lines[centre["priya"]["id"]]["id"])


def test_results_go_only_to_approved_payouts_even_by_direct_sql(db, centre):
    answers(db, centre["kavitha"], centre["project"], 1)
    payout_id = _draft(db, centre)
    line = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (payout_id,))
    with pytest.raises(sqlite3.IntegrityError, match="approved"):
        db.execute("INSERT INTO payout_results (line_id, status, utr, recorded_by, recorded_at)"
                   " VALUES (?, 'paid', 'UTR1234567', 1, '2026-12-01 00:00:00')", (line,))


def test_the_bank_result_file_is_all_or_nothing(db, centre):
    answers(db, centre["kavitha"], centre["project"], 2)
    answers(db, centre["priya"], centre["project"], 2)
    payout_id = _draft(db, centre)
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    lines = {line["user_id"]: line["id"] for line in payouts.lines(db, payout_id)[0]}
    k, p = (f"VELAI-{payout_id}-{lines[centre[w]['id']]}" for w in ("kavitha", "priya"))
    bad = f"reference,status,utr,failure_reason\n{k},processed,UTR11111111,\n{p},weird,,\n"
    with pytest.raises(Invalid) as refused:
        payouts.import_results(db, payout_id, centre["meena"], bad)
    assert refused.value.detail == {"line": 3}
    assert value(db, "SELECT count(*) FROM payout_results") == 0
    good = (f"\ufeffreference,status,utr,failure_reason\r\n{k},processed,UTR11111111,\r\n"
            f"{p},failed,,Invalid IFSC\r\n")
    assert payouts.import_results(db, payout_id, centre["meena"], good) == \
        {"paid": 1, "failed": 1}
    assert payouts.import_results(db, payout_id, centre["meena"], good) == \
        {"paid": 0, "failed": 0}  # the same file twice changes nothing


def _approve(path, payout_id, approver_id, start, results):
    db = coredb.connect(path)
    actor = coredb.one(db, "SELECT * FROM users WHERE id = ?", (approver_id,))
    start.wait()
    try:
        payouts.approve(db, payout_id, actor)
        results.put("approved")
    except Conflict as refusal:
        results.put(refusal.code)


def test_two_approvals_at_the_same_moment_give_exactly_one(app, db, centre):
    answers(db, centre["kavitha"], centre["project"], 5)
    payout_id = _draft(db, centre)
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_approve, args=(
        app.config["VELAI_DB"], payout_id, centre[who]["id"], start, results))
        for who in ("anitha", "admin", "anitha", "admin")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes == ["already_approved"] * 3 + ["approved"]
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.approve'") == 1


def test_changed_payment_details_hold_her_pay_until_a_supervisor_confirms(db, centre):
    kavitha = centre["kavitha"]
    answers(db, kavitha, centre["project"], 2)
    answers(db, centre["priya"], centre["project"], 1)
    payment_details.change(db, kavitha, "vpa", upi_id="thief@ybl", account_name="THIEF K")
    payout_id = _draft(db, centre)
    assert [line["user_id"] for line in payouts.lines(db, payout_id)[0]] == \
        [centre["priya"]["id"]]
    assert [h["id"] for h in payouts.held(db, kavitha["centre_id"], payouts.last_week(NOW)[1])] \
        == [kavitha["id"]]
    rows, _ = payment_details.to_confirm(db, kavitha["centre_id"])
    assert [(r["before"], r["masked"]) for r in rows] == [("ka•••@okaxis", "th•••@ybl")]
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payment_details.change'"
                 " AND subject = ?", (f"user:{kavitha['id']}",)) == 2
    payment_details.confirm(db, rows[0]["id"], centre["anitha"])
    second = _draft(db, centre)
    assert [line["user_id"] for line in payouts.lines(db, second)[0]] == [kavitha["id"]]


def test_details_changed_after_a_draft_stop_its_approval(db, centre):
    answers(db, centre["kavitha"], centre["project"], 2)
    payout_id = _draft(db, centre)
    payment_details.change(db, centre["kavitha"], "vpa", upi_id="thief@ybl",
                           account_name="THIEF K")
    with pytest.raises(Conflict) as refused:
        payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    assert refused.value.code == "details_changed"


@pytest.mark.parametrize("kind,fields,error", [
    ("vpa", {"upi_id": "no-at-sign"}, "upi_id"),
    ("vpa", {"upi_id": "a@"}, "upi_id"),
    ("bank_account", {"account_number": "12345678", "ifsc": "SBIN0001234"}, "account_number"),
    ("bank_account", {"account_number": "1234567890123456789", "ifsc": "SBIN0001234"},
     "account_number"),
    ("bank_account", {"account_number": "123456789", "ifsc": "SBIN1001234"}, "ifsc"),
    ("bank_account", {"account_number": "123456789", "ifsc": "SBI00012345"}, "ifsc"),
    ("cash", {}, "kind"),
])
def test_payment_details_are_checked_for_form(db, make_user, kind, fields, error):
    user = make_user()
    with pytest.raises(Invalid) as refused:
        payment_details.change(db, user, kind, **fields)
    assert error in refused.value.detail["errors"]
    assert value(db, "SELECT count(*) FROM payment_details") == 0


def test_details_are_masked_and_kept_as_rows(db, make_user):
    user, boss = make_user(), make_user("supervisor")
    row = payment_details.change(db, user, "bank_account", account_number="0012 3456 6789",
                                 ifsc="sbin0001234", account_name="  Ravi   Kumar ")
    assert row["account_name"] == "Ravi Kumar"
    assert row["masked"] == "••••6789 · SBIN0001234" and row["held"]
    assert payment_details.mask({"kind": "vpa", "upi_id": "ravi@okaxis"}) == "ra•••@okaxis"
    with pytest.raises(NotFound):
        payment_details.confirm(db, row["id"], make_user("supervisor", centre="STP"))
    payment_details.confirm(db, row["id"], boss)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE payment_details SET account_number = '999999999'")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM payment_details")


def test_the_payout_file_has_the_bulk_upload_columns_and_exact_amounts(db, centre):
    answers(db, centre["kavitha"], centre["project"], 3, pay_paise=1234)  # ₹37.02
    answers(db, centre["priya"], centre["project"], 1, pay_paise=5)
    payout_id = _draft(db, centre)
    with pytest.raises(Conflict):
        payouts.payout_file(db, payout_id, centre["meena"])  # a draft has no file
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    name, text = payouts.payout_file(db, payout_id, centre["meena"])
    assert name == f"velai-payout-{payout_id}-2026-11-23-2026-11-29.csv"
    assert text.encode("utf-8").decode("ascii") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == bulk_csv.COLUMNS
    by_type = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert by_type["vpa"]["upi_id"] == "kavitha.m@okaxis" and by_type["vpa"]["mode"] == "UPI"
    assert by_type["vpa"]["amount"] == "37.02" and by_type["vpa"]["account_number"] == ""
    bank = by_type["bank_account"]
    assert (bank["account_number"], bank["ifsc"], bank["amount"], bank["mode"]) == \
        ("123456786789", "SBIN0001234", "0.05", "IMPS")
    assert bank["purpose"] == "payout" and bank["narration"] == "Velai pay 23Nov-29Nov2026"
    assert len(bank["narration"]) <= 30 and bank["reference"].startswith(f"VELAI-{payout_id}-")
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.file'") == 1


def test_the_bulk_csv_is_the_default_payout_file_format():
    assert list(payout_files.FORMATS) == ["bulk_csv", "razorpayx", "cashfree"]
    assert payout_files.DEFAULT == "bulk_csv"
    assert payout_files.get() is bulk_csv is payout_files.get("bulk_csv")
    with pytest.raises(KeyError):
        payout_files.get("nope")


def test_another_providers_format_is_one_module_in_the_registry(db, centre, monkeypatch):
    """The seam: a format lays out the file and reads the results; the payout rules (which
    lines, who may, what a result may say, the audit) stay the same for every format."""
    answers(db, centre["kavitha"], centre["project"], 2, pay_paise=150)
    payout_id = _draft(db, centre)
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    line_id = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (payout_id,))
    other = types.SimpleNamespace(
        NAME="other",
        write=lambda payout, lines: (
            f"p{payout['id']}.txt", "".join(f"{row['id']}|{row['amount_paise']}\n" for row in lines)),
        read_results=lambda text: [
            {"line": n, "payout_id": payout_id, "line_id": int(line), "status": status,
             "utr": utr, "reason": ""}
            for n, (line, status, utr) in enumerate(
                (row.split("|") for row in text.split()), start=1)])
    monkeypatch.setitem(payout_files.FORMATS, "other", other)
    assert payouts.payout_file(db, payout_id, centre["meena"], fmt="other") == \
        (f"p{payout_id}.txt", f"{line_id}|300\n")
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.file'") == 1
    with pytest.raises(Invalid) as refused:  # the UTR rule holds whatever the layout
        payouts.import_results(db, payout_id, centre["meena"], f"{line_id}|paid|x", fmt="other")
    assert refused.value.detail == {"line": 1}
    assert payouts.import_results(db, payout_id, centre["meena"], f"{line_id}|paid|UTR1234567",
                                  fmt="other") == {"paid": 1, "failed": 0}


@pytest.mark.parametrize("paise,text", [(0, "0.00"), (5, "0.05"), (12350, "123.50"),
                                        (10**12 + 1, "10000000000.01")])
def test_rupees_are_written_from_integer_paise(paise, text):
    assert money.rupees(paise) == text


def test_last_week_is_monday_to_sunday_in_india():
    import datetime as dt
    sunday_night_utc = dt.datetime(2026, 11, 29, 19, 0, tzinfo=dt.timezone.utc)  # Mon IST
    assert payouts.last_week(sunday_night_utc) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert payouts.last_week(NOW) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))


def test_fair_pay_warns_below_the_minimum_wage_and_the_wage_change_is_audited(
        db, centre, make_project):
    slow = make_project(slug="slow", pay_paise=10)
    answers(db, centre["kavitha"], centre["project"], 60, seconds=30, at=NOW)  # ₹60/h
    answers(db, centre["kavitha"], slow, 10, seconds=60, at=NOW)  # ₹6/h
    wages.set_min_wage(db, centre["meena"], "50")
    report = wages.fair_pay(db, centre["meena"], now=NOW)
    rates = {p["project_id"]: (p["per_hour_paise"], p["below"]) for p in report["projects"]}
    assert rates == {centre["project"]["id"]: (6000, False), slow["id"]: (600, True)}
    assert [p["below"] for p in report["people"]] == [False, True]
    assert value(db, "SELECT detail FROM audit_log WHERE action = 'centre.min_wage'") == \
        '{"paise_per_hour": 5000, "was": 0}'
    with pytest.raises(Invalid):
        wages.set_min_wage(db, centre["meena"], "12.345")


def test_a_result_for_a_line_of_another_payout_names_its_line_and_saves_nothing(db, centre):
    answers(db, centre["kavitha"], centre["project"], 1)
    payout_id = _draft(db, centre)
    payouts.approve(db, payout_id, centre["anitha"], now=NOW)
    line = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (payout_id,))
    text = (f"reference,status,utr,failure_reason\n\nVELAI-{payout_id}-{line},paid,UTR1234567,\n"
            f"VELAI-{payout_id}-{line + 50},paid,UTR7654321,\n")
    with pytest.raises(Invalid) as refused:
        payouts.import_results(db, payout_id, centre["meena"], text)
    assert refused.value.detail == {"line": 4}
    assert value(db, "SELECT count(*) FROM payout_results") == 0


def test_a_short_upi_name_is_never_shown_whole():
    assert payment_details.mask({"kind": "vpa", "upi_id": "ab@ybl"}) == "a•••@ybl"


def test_the_approver_sees_which_lines_go_to_details_never_paid_before(db, centre):
    answers(db, centre["kavitha"], centre["project"], 1)
    first = _draft(db, centre)
    assert [line["new_details"] for line in payouts.lines(db, first)[0]] == [1]
    assert payouts.lines(db, first)[0][0]["confirmer"] == centre["deputy"]["name"]
    payouts.approve(db, first, centre["anitha"], now=NOW)
    answers(db, centre["kavitha"], centre["project"], 1)
    assert [line["new_details"] for line in payouts.lines(db, _draft(db, centre))[0]] == [0]


def test_each_answer_is_paid_at_the_pay_of_its_moment_through_the_real_task_loop(
        db, centre, make_project):
    from core import tasks
    project = make_project(slug="real", tasks=6, pay_paise=40, redundancy=1)
    kavitha = centre["kavitha"]
    ids = []
    for n, pay in enumerate((40, 40, 55, 55, 7, 1000)):
        db.execute("UPDATE projects SET pay_paise = ? WHERE id = ?", (pay, project["id"]))
        fresh = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
        at = clock.parse_stamp("2026-11-24 05:00:00").replace(minute=n)
        assignment = tasks.claim_next(db, kavitha["id"], fresh, now=at)
        ids.append(tasks.record_answer(db, assignment["id"], kavitha["id"], "pos", now=at)["id"])
    review(db, ids)
    payout_id = _draft(db, centre)
    assert value(db, "SELECT items_paise FROM payout_lines WHERE payout_id = ?",
                 (payout_id,)) == 40 + 40 + 55 + 55 + 7 + 1000

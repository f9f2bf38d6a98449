"""Steps that cannot be taken back ask first and say what they did (#15 item 4): approve,
void and mark a payout paid, remove a task for good, deactivate a person. The page before
leads to a page that says exactly what will happen, with names and amounts, and a plain
form (no JavaScript); the step itself, done, is said on the next page in her language and
written to the audit log."""
import re

from core import tasks
from core.db import one
from payout_helpers import answers, paid_to, value
from test_payouts_pages import _draft, _last_week_day

POST_FORM = re.compile(r'<form method="post" action="([^"]+)">')


def _post_forms(html: str) -> list[str]:
    return POST_FORM.findall(html)


def _named(db, user, name):
    db.execute("UPDATE users SET name = ? WHERE id = ?", (name, user["id"]))
    return {**user, "name": name}


def _karur(db, make_user, make_project):
    meena, anitha, deputy = (make_user("supervisor") for _ in range(3))
    kavitha = _named(db, make_user(), "Kavitha")
    paid_to(db, kavitha, deputy)
    project = make_project(pay_paise=1250)
    answers(db, kavitha, project, 4, at=_last_week_day())  # ₹50.00
    return meena, anitha, kavitha


def test_approving_a_payout_asks_first_with_its_people_and_amount(visitor, db, make_user,
                                                                   make_project):
    meena, anitha, _ = _karur(db, make_user, make_project)
    payout_id = _draft(visitor, meena)
    visitor.login(anitha)
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert f"/supervisor/payouts/{payout_id}/approve" not in _post_forms(page)  # asks first
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    ask = visitor.get(f"/supervisor/payouts/{payout_id}/approve?version={version}")
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "Approve this payout?" in html
    assert "₹50.00 to 1 person" in html and "can never change" in html
    assert _post_forms(html) == [f"/supervisor/payouts/{payout_id}/approve"]
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"
    done = visitor.post(f"/supervisor/payouts/{payout_id}/approve", {"version": version})
    assert done.status_code == 303
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "Payout approved: ₹50.00 to 1 person. It can no longer change." in shown
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "approved"
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.approve'") == 1
    again = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert "Payout approved" not in again  # said once


def test_voiding_a_draft_asks_first_and_says_it_was_voided(visitor, db, make_user,
                                                           make_project):
    meena, _, _ = _karur(db, make_user, make_project)
    payout_id = _draft(visitor, meena)
    visitor.login(meena)
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert f"/supervisor/payouts/{payout_id}/void" not in _post_forms(page)
    html = visitor.get(f"/supervisor/payouts/{payout_id}/void").get_data(as_text=True)
    assert "Void this draft?" in html and "This draft pays ₹50.00 to 1 person." in html
    done = visitor.post(f"/supervisor/payouts/{payout_id}/void")
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "Draft voided. Its answers will go into the next payout." in shown
    assert value(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "void"
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.void'") == 1


def test_marking_paid_asks_first_with_the_lines_their_sum_and_the_utr(visitor, db, make_user,
                                                                      make_project):
    meena, anitha, kavitha = _karur(db, make_user, make_project)
    payout_id = _draft(visitor, meena)
    visitor.login(anitha)
    version = value(db, "SELECT version FROM payouts WHERE id = ?", (payout_id,))
    visitor.post(f"/supervisor/payouts/{payout_id}/approve", {"version": str(version)})
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    assert f"/supervisor/payouts/{payout_id}/paid" not in _post_forms(page)
    html = visitor.get(f"/supervisor/payouts/{payout_id}/paid?utr=HDFC12345678").get_data(
        as_text=True)
    assert "1 line still unpaid, ₹50.00 in all, paid with UTR HDFC12345678." in html
    assert 'name="utr" value="HDFC12345678"' in html
    line = value(db, "SELECT id FROM payout_lines WHERE payout_id = ?", (payout_id,))
    one_line = visitor.get(f"/supervisor/payouts/{payout_id}/paid?utr=HDFC12345678"
                           f"&line={line}").get_data(as_text=True)
    assert "Kavitha: ₹50.00, paid with UTR HDFC12345678." in one_line
    assert value(db, "SELECT count(*) FROM payout_results") == 0  # asking marks nothing
    done = visitor.post(f"/supervisor/payouts/{payout_id}/paid", {"utr": "HDFC12345678"})
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "Marked paid: ₹50.00, UTR HDFC12345678." in shown
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'payout.paid'") == 1


def test_removing_a_task_asks_first_and_says_its_answers_stay(visitor, db, make_user,
                                                              make_project):
    supervisor, worker = make_user("supervisor"), make_user()
    project = make_project(tasks=1, redundancy=2)
    answered = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, answered["id"], worker["id"], "pos")
    tasks.claim_next(db, make_user()["id"], project)  # someone doing it now
    db.execute("UPDATE tasks SET reports_count = 1, status = 'held'")
    visitor.login(supervisor)
    page = visitor.get(f"/supervisor/projects/{project['id']}/reported").get_data(as_text=True)
    task_id = answered["task_id"]
    assert f"/supervisor/tasks/{task_id}/remove" not in _post_forms(page)
    html = visitor.get(f"/supervisor/tasks/{task_id}/remove?page=1").get_data(as_text=True)
    assert "Remove this task for good?" in html and f"Task {task_id} of" in html
    assert "Its 1 answer stays and is paid as before." in html
    assert "1 person doing it now will be stopped." in html
    assert one(db, "SELECT status FROM tasks WHERE id = ?", (task_id,))["status"] == "held"
    done = visitor.post(f"/supervisor/tasks/{task_id}/remove", {"page": "1"})
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert f"Task {task_id} is removed for good. Its answers stay." in shown
    assert one(db, "SELECT status FROM tasks WHERE id = ?", (task_id,))["status"] == "removed"
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'task.remove'") == 1


def test_deactivating_a_person_asks_first_and_says_it_was_done(visitor, db, make_user):
    supervisor, worker = make_user("supervisor"), _named(db, make_user(), "Selvi")
    visitor.login(supervisor)
    page = visitor.get(f"/supervisor/people/{worker['id']}").get_data(as_text=True)
    assert f"/supervisor/people/{worker['id']}/active" not in _post_forms(page)
    html = visitor.get(f"/supervisor/people/{worker['id']}/deactivate").get_data(as_text=True)
    assert "Deactivate Selvi?" in html and f"Selvi ({worker['login']}) can no longer log in" \
        in html
    assert 'name="active" value="0"' in html
    assert value(db, "SELECT active FROM users WHERE id = ?", (worker["id"],)) == 1
    done = visitor.post(f"/supervisor/people/{worker['id']}/active", {"active": "0"})
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "Selvi is deactivated. She can no longer log in." in shown
    assert value(db, "SELECT active FROM users WHERE id = ?", (worker["id"],)) == 0
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'user.deactivate'") == 1


def test_what_was_done_is_said_in_her_language(visitor, db, make_user):
    supervisor, worker = make_user("supervisor", lang="ta"), _named(db, make_user(), "Selvi")
    visitor.login(supervisor)
    done = visitor.post(f"/supervisor/people/{worker['id']}/active", {"active": "0"})
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    note = re.search(r'<p class="card note" role="status">([^<]+)</p>', shown).group(1)
    assert "Selvi" in note and re.search("[\u0b80-\u0bff]", note) and "deactivated" not in note


def test_an_admin_deactivating_a_supervisor_is_asked_first(visitor, db, make_user):
    admin, supervisor = make_user("admin"), _named(db, make_user("supervisor"), "Rakesh")
    visitor.login(admin)
    page = visitor.get("/supervisor/centres").get_data(as_text=True)
    assert f"/supervisor/staff/{supervisor['id']}/active" not in _post_forms(page)
    html = visitor.get(f"/supervisor/staff/{supervisor['id']}/deactivate").get_data(
        as_text=True)
    assert "Deactivate Rakesh?" in html
    assert _post_forms(html) == [f"/supervisor/staff/{supervisor['id']}/active"]
    done = visitor.post(f"/supervisor/staff/{supervisor['id']}/active", {"active": "0"})
    shown = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "Rakesh is deactivated. She can no longer log in." in shown
    assert value(db, "SELECT active FROM users WHERE id = ?", (supervisor["id"],)) == 0
    assert value(db, "SELECT count(*) FROM audit_log WHERE action = 'user.deactivate'") == 1

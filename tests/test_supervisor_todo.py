"""The supervisor's home says what waits for her: answers to review, appeals, payment
details to confirm, payouts she may approve, reported or held tasks; her centre only."""
import re

from core import payment_details, supervisor_todo
from core.clock import stamp, utcnow

from tests.payout_helpers import answers


def _appeal(db, assignment_id, user_id):
    db.execute("UPDATE assignments SET review_state = 'rejected' WHERE id = ?", (assignment_id,))
    db.execute("INSERT INTO appeals (assignment_id, user_id, note, created_at)"
               " VALUES (?, ?, 'please look again', ?)", (assignment_id, user_id, stamp(utcnow())))


def _draft(db, centre_id, drafted_by):
    db.execute("INSERT INTO payouts (centre_id, period_start, period_end, drafted_by, drafted_at)"
               " VALUES (?, '2026-11-23', '2026-11-29', ?, ?)",
               (centre_id, drafted_by, stamp(utcnow())))


def _centre_with_work(db, make_user, make_project, centre, sup, other_sup):
    """In `centre`: 3 answers pending, 2 open appeals, 1 payment change, a draft by the
    other supervisor and one by `sup`, 2 reported or held tasks."""
    project = make_project(centre=centre, slug=f"p-{centre.lower()}", tasks=0)
    worker, second = make_user(centre=centre), make_user(centre=centre)
    pending = answers(db, worker, project, 5, review="pending", at=utcnow())
    # Drawn for review (core.review_plan), as the queue and the home count them.
    db.execute(f"UPDATE assignments SET review_reason = 'sample' WHERE id IN"
               f" ({','.join('?' * len(pending))})", pending)
    _appeal(db, pending[3], worker["id"])
    _appeal(db, pending[4], worker["id"])
    payment_details.change(db, second, "vpa", upi_id="kavitha@okaxis",
                           account_name="KAVITHA M")
    _draft(db, project["centre_id"], other_sup["id"])
    _draft(db, project["centre_id"], sup["id"])  # hers: she may not approve it
    task_ids = [r["id"] for r in db.query("SELECT id FROM tasks WHERE project_id = ?"
                                          " ORDER BY id", (project["id"],))]
    db.execute("UPDATE tasks SET status = 'held' WHERE id = ?", (task_ids[0],))
    db.execute("UPDATE tasks SET reports_count = 2 WHERE id = ?", (task_ids[1],))
    db.execute("UPDATE tasks SET status = 'removed', reports_count = 1 WHERE id = ?",
               (task_ids[2],))
    return project


def _lines(body):
    card = re.search(r'<section class="card" id="waiting">(.*?)</section>', body, re.S)
    return card and re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', card.group(1))


def test_each_count_links_to_its_screen_for_her_centre_only(visitor, db, make_user,
                                                           make_project):
    meena = make_user(role="supervisor", password="long-password")
    priya = make_user(role="supervisor", password="long-password")
    far = make_user(role="supervisor", centre="STP", password="long-password")
    _centre_with_work(db, make_user, make_project, "KRR", meena, priya)
    _centre_with_work(db, make_user, make_project, "STP", far, far)  # another centre's
    visitor.login(meena, password="long-password")
    body = visitor.get("/supervisor/").get_data(as_text=True)
    assert _lines(body) == [
        ("/supervisor/review", "3 answers to review"),
        ("/supervisor/appeals", "2 appeals to decide"),
        ("/supervisor/payment-changes", "1 change of payment details to confirm"),
        ("/supervisor/payouts", "1 payout waiting for your approval"),
        ("/supervisor/data", "2 reported or held tasks"),
    ]
    assert supervisor_todo.waiting(db, meena) == {
        "answers": 3, "appeals": 2, "payment_changes": 1, "payouts": 1, "tasks": 2}
    # The other centre's supervisor drafted both of hers: none for her to approve.
    assert supervisor_todo.waiting(db, far)["payouts"] == 0
    # Each link opens for her.
    for href, _text in _lines(body):
        assert visitor.get(href).status_code == 200, href


def test_admin_sees_every_centre_or_the_one_she_chose(db, make_user, make_project):
    meena = make_user(role="supervisor")
    far = make_user(role="supervisor", centre="STP")
    admin = make_user(role="admin")
    krr = _centre_with_work(db, make_user, make_project, "KRR", meena, meena)
    _centre_with_work(db, make_user, make_project, "STP", far, far)
    every = supervisor_todo.waiting(db, admin)
    assert every == {"answers": 6, "appeals": 4, "payment_changes": 2, "payouts": 4, "tasks": 4}
    assert supervisor_todo.waiting(db, admin, krr["centre_id"])["answers"] == 3
    # A supervisor asking for another centre still gets her own.
    stp_id = db.execute("SELECT id FROM centres WHERE code = 'STP'").fetchone()[0]
    assert supervisor_todo.waiting(db, meena, stp_id)["answers"] == 3


def test_lines_at_zero_are_hidden_and_no_card_when_nothing_waits(visitor, db, make_user,
                                                                make_project):
    meena = make_user(role="supervisor", password="long-password")
    project = make_project(tasks=0)
    visitor.login(meena, password="long-password")
    assert 'id="waiting"' not in visitor.get("/supervisor/").get_data(as_text=True)
    waiting = answers(db, make_user(), project, 1, review="pending", at=utcnow())
    # Not drawn for review (core.review_plan): it waits for its window, not for her.
    assert 'id="waiting"' not in visitor.get("/supervisor/").get_data(as_text=True)
    db.execute("UPDATE assignments SET review_reason = 'first' WHERE id = ?", waiting)
    body = visitor.get("/supervisor/").get_data(as_text=True)
    assert _lines(body) == [("/supervisor/review", "1 answer to review")]


def test_tamil_and_hindi_homes_say_it_in_their_language(visitor, db, make_user, make_project):
    for lang in ("ta", "hi"):
        sup = make_user(role="supervisor", lang=lang, password="long-password")
        if lang == "ta":
            other = make_user(role="supervisor", password="long-password")
            _centre_with_work(db, make_user, make_project, "KRR", sup, other)
        visitor.login(sup, password="long-password")
        body = visitor.get("/supervisor/").get_data(as_text=True)
        lines = _lines(body)
        assert len(lines) == 5
        for _href, text in lines:
            assert not re.search(r"[A-Za-z]", text), text
        assert ("உங்களுக்காகக் காத்திருப்பவை" if lang == "ta" else "आपके लिए बाकी") in body

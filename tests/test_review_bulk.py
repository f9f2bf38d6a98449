"""Safe bulk accept (#15): the question first (how many, how much money, how many too
fast), the act, which takes the too-fast answers only when asked again, the undo until an
answer enters a payout, the audit; and the database refusing to change a paid review."""
import json
import re
import sqlite3

import brotli
import pytest

from core import payouts, review, review_bulk
from core.clock import utcnow
from core.db import one
from core.errors import Conflict, Invalid, NotFound
from tests import payout_helpers


@pytest.fixture
def queue(db, make_user, make_project):
    """A Karur project (minimum 10 seconds, ₹1.50 an answer) with five answers waiting:
    three given in 30 seconds, two in 3 (too fast); and its supervisor."""
    project = make_project(tasks=0, redundancy=1, pay_paise=150)
    db.execute("UPDATE projects SET min_seconds = 10, review_window_days = 60 WHERE id = ?",
               (project["id"],))
    kavitha, selvi = make_user(), make_user()
    slow = payout_helpers.answers(db, kavitha, project, 3, review="pending",
                                  at=payout_helpers.LAST_WEEK_WED, seconds=30)
    fast = payout_helpers.answers(db, selvi, project, 2, review="pending",
                                  at=payout_helpers.LAST_WEEK_WED, seconds=3)
    _drawn(db, slow + fast, "sample")  # the queue shows the drawn answers (core.review_plan)
    return {"project": project, "meena": make_user(role="supervisor"), "slow": slow,
            "fast": fast, "kavitha": kavitha, "selvi": selvi}


def _drawn(db, ids, reason):
    db.execute(f"UPDATE assignments SET review_reason = ? WHERE id IN"
               f" ({','.join('?' * len(ids))})", (reason, *ids))


def _states(db, ids):
    return [one(db, "SELECT review_state FROM assignments WHERE id = ?", (i,))["review_state"]
            for i in ids]


def _audit(db, action):
    return [json.loads(row["detail"]) for row in db.query(
        "SELECT detail FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def test_the_question_says_how_many_how_much_and_how_many_too_fast(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    assert (plan["answers"], plan["paise"], plan["too_fast"], plan["fast_paise"]) == \
        (5, 750, 2, 300)
    assert _states(db, queue["slow"] + queue["fast"]) == ["pending"] * 5, "asking decides nothing"


def test_accept_all_leaves_the_too_fast_answers_unless_asked_again(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    assert (bulk["answers"], bulk["paise"], bulk["too_fast"]) == (3, 450, 0)
    assert _states(db, queue["slow"]) == ["accepted"] * 3
    assert _states(db, queue["fast"]) == ["pending"] * 2
    [entry] = _audit(db, "review.bulk_accept")
    assert (entry["count"], entry["paise"], entry["too_fast"]) == (3, 450, 0)


def test_ticking_the_box_accepts_the_too_fast_answers_too(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan,
                              with_fast=True)
    assert (bulk["answers"], bulk["paise"], bulk["too_fast"]) == (5, 750, 2)
    assert _states(db, queue["fast"]) == ["accepted"] * 2


def test_the_too_fast_filter_alone_accepts_nothing_without_the_box(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "fast"})
    assert (plan["answers"], plan["too_fast"]) == (2, 2)
    with pytest.raises(Invalid, match="bulk_nothing"):
        review_bulk.accept(db, queue["meena"], {"kind": "fast"}, plan["upto"], plan)
    assert _states(db, queue["fast"]) == ["pending"] * 2
    assert not _audit(db, "review.bulk_accept")


def test_a_set_that_changed_since_the_question_is_not_accepted(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    review.reject(db, queue["slow"][0], queue["meena"], "wrong_answer")
    with pytest.raises(Conflict, match="bulk_changed"):
        review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    assert _states(db, queue["slow"][1:]) == ["pending"] * 2


def test_an_answer_that_came_after_the_question_is_not_taken(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    [later] = payout_helpers.answers(db, queue["kavitha"], queue["project"], 1,
                                     review="pending", at=utcnow(), seconds=30)
    review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    assert _states(db, [later]) == ["pending"]


def test_undo_puts_the_answers_back_once_and_is_audited(db, queue):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    review.reject(db, queue["fast"][0], queue["meena"], "too_fast")  # not part of it
    undone = review_bulk.undo(db, queue["meena"], bulk["id"])
    assert undone["returned"] == 3 and undone["undone_at"] and not undone["undoable"]
    assert _states(db, queue["slow"]) == ["pending"] * 3
    assert _states(db, queue["fast"]) == ["rejected", "pending"]
    assert one(db, "SELECT reviewed_by FROM assignments WHERE id = ?",
               (queue["slow"][0],))["reviewed_by"] is None
    [entry] = _audit(db, "review.bulk_undo")
    assert (entry["count"], entry["paise"]) == (3, 450)
    with pytest.raises(Conflict, match="bulk_undone"):
        review_bulk.undo(db, queue["meena"], bulk["id"])
    with pytest.raises(sqlite3.IntegrityError, match="undone once"):
        db.execute("UPDATE review_bulks SET undone_at = '2026-12-06T00:00:00Z' WHERE id = ?",
                   (bulk["id"],))


def _in_a_payout(db, queue, make_user):
    """Accept all, then draft the week's payout: the bulk's answers are in it."""
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    deputy = make_user(role="supervisor")
    payout_helpers.paid_to(db, queue["kavitha"], deputy)
    payouts.draft(db, queue["meena"], *payout_helpers.PERIOD, now=payout_helpers.NOW)
    assert one(db, "SELECT count(*) AS n FROM payout_items WHERE live = 1")["n"] == 3
    return bulk


def test_no_undo_once_an_answer_is_in_a_payout(db, queue, make_user):
    bulk = _in_a_payout(db, queue, make_user)
    assert not review_bulk.get(db, bulk["id"], queue["meena"]["centre_id"])["undoable"]
    with pytest.raises(Conflict, match="bulk_in_payout"):
        review_bulk.undo(db, queue["meena"], bulk["id"])
    assert _states(db, queue["slow"]) == ["accepted"] * 3


def test_the_database_refuses_to_change_the_review_of_a_paid_answer(db, queue, make_user):
    bulk = _in_a_payout(db, queue, make_user)
    paid = queue["slow"][0]
    with pytest.raises(sqlite3.IntegrityError, match="in a payout"):  # the undo, by hand
        db.execute("UPDATE review_bulks SET undone_at = '2026-12-06T00:00:00Z',"
                   " undone_by = ? WHERE id = ?", (queue["meena"]["id"], bulk["id"]))
    with pytest.raises(sqlite3.IntegrityError, match="keeps its review"):
        db.execute("UPDATE assignments SET review_state = 'pending', reviewed_by = NULL,"
                   " reviewed_at = NULL WHERE id = ?", (paid,))
    with pytest.raises(sqlite3.IntegrityError, match="keeps its review"):
        db.execute("UPDATE assignments SET reviewed_by = NULL WHERE id = ?", (paid,))
    with pytest.raises(sqlite3.IntegrityError, match="keeps its review"):
        db.execute("UPDATE assignments SET reject_reason = 'too_fast' WHERE id = ?", (paid,))
    assert _states(db, [paid]) == ["accepted"]


def test_a_supervisor_of_another_centre_can_neither_see_nor_undo(db, queue, make_user):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    rakesh = make_user(role="supervisor", centre="STP")
    assert review_bulk.preview(db, rakesh, {"kind": "all"})["answers"] == 0
    assert review_bulk.history(db, rakesh)["rows"] == []
    with pytest.raises(NotFound):
        review_bulk.undo(db, rakesh, bulk["id"])


# -- through the web ----------------------------------------------------------------------

def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_the_bulk_accept_asks_acts_says_and_undoes_on_the_web(visitor, db, queue):
    visitor.login(queue["meena"])
    queue_page = visitor.get("/supervisor/review?kind=all").get_data(as_text=True)
    assert 'action="/supervisor/review/accept-all"' in queue_page
    assert 'method="get" action="/supervisor/review/accept-all"' in queue_page

    page = visitor.get("/supervisor/review/accept-all?kind=all")
    text = _text(page)
    assert "This accepts 5 answers waiting for review (All waiting), and pays ₹7.50" in text
    assert "2 of them were given faster than the project's minimum time (₹3.00)" in text
    body = page.get_data(as_text=True)
    box = re.search(r'<input type="checkbox" name="with_fast"[^>]*>', body).group(0)
    assert "checked" not in box
    assert _states(db, queue["slow"] + queue["fast"]) == ["pending"] * 5

    upto = re.search(r'name="upto" value="(\d+)"', body).group(1)
    response = visitor.post("/supervisor/review/accept-all", {
        "kind": "all", "upto": upto, "answers": "5", "paise": "750"})
    assert response.status_code == 303
    done = visitor.get(response.headers["Location"])
    assert "3 answers accepted: ₹4.50." in _text(done)
    assert _states(db, queue["slow"]) == ["accepted"] * 3
    assert _states(db, queue["fast"]) == ["pending"] * 2

    bulk_id = one(db, "SELECT id FROM review_bulks")["id"]
    undo = f'action="/supervisor/review/bulk/{bulk_id}/undo"'
    assert undo in done.get_data(as_text=True)
    history = visitor.get("/supervisor/review/bulk")
    assert undo in history.get_data(as_text=True), "undo is in the history too"
    response = visitor.post(f"/supervisor/review/bulk/{bulk_id}/undo", follow_redirects=True)
    assert "Undone: 3 answers are back in the queue." in _text(response)
    assert "Undo</button>" not in response.get_data(as_text=True)
    assert _states(db, queue["slow"]) == ["pending"] * 3


def test_the_box_ticked_on_the_web_takes_the_too_fast_ones(visitor, db, queue):
    visitor.login(queue["meena"])
    body = visitor.get("/supervisor/review/accept-all?kind=fast").get_data(as_text=True)
    upto = re.search(r'name="upto" value="(\d+)"', body).group(1)
    form = {"kind": "fast", "upto": upto, "answers": "2", "paise": "300"}
    refused = visitor.post("/supervisor/review/accept-all", form)
    assert refused.status_code == 400 and "box was not ticked" in _text(refused)
    assert _states(db, queue["fast"]) == ["pending"] * 2
    response = visitor.post("/supervisor/review/accept-all", {**form, "with_fast": "1"},
                            follow_redirects=True)
    assert "2 answers accepted: ₹3.00. 2 of them were given too fast." in _text(response)
    assert _states(db, queue["fast"]) == ["accepted"] * 2


def test_the_queue_sends_the_rows_after_one_without_the_page(visitor, db, queue):
    visitor.login(queue["meena"])
    first = queue["slow"][0]
    review.accept(db, first, queue["meena"])  # decided meanwhile: the rest do not shift
    response = visitor.get(f"/supervisor/review?kind=all&after={queue['slow'][1]}", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert re.findall(r'<li id="r(\d+)"', body) == [str(i) for i in queue["slow"][2:]
                                                    + queue["fast"]]
    assert "HX-Request" in response.headers["Vary"]


def test_a_long_queue_ends_in_a_place_for_the_next_rows(visitor, db, queue, make_user):
    _drawn(db, payout_helpers.answers(db, queue["kavitha"], queue["project"],
                                      review.QUEUE_PER_PAGE, review="pending", at=utcnow(),
                                      seconds=30), "sample")
    meena = make_user(role="supervisor", lang="ta")
    visitor.login(meena)
    body = visitor.get("/supervisor/review?kind=all").get_data(as_text=True)
    sent = len(brotli.compress(body.encode(), quality=5))  # app.py's COMPRESS_BR_LEVEL
    print(f"\nreview queue, {review.QUEUE_PER_PAGE} rows in Tamil: {len(body):,} B,"
          f" {sent:,} B brotli")
    assert sent <= 10 * 1024, "a page's budget (DESIGN.md)"
    rows = re.findall(r'<li id="r(\d+)"', body)
    assert len(rows) == review.QUEUE_PER_PAGE >= 25
    more = re.search(r'<li class="more" hx-get="([^"]+)"[^>]*><a class="go" href="([^"]+)"',
                     body)
    assert more and f"after={rows[-1]}" in more.group(1).replace("&amp;", "&")
    assert "page=2" in more.group(2), "without JavaScript: the next page"
    assert 'src="/static/review.' in body and "class=\"wide\"" in body


def test_the_audit_log_leads_from_a_bulk_decision_to_its_undo(visitor, db, queue, make_user):
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan)
    visitor.login(make_user(role="admin"))
    log = visitor.get("/admin/audit?action=review.bulk_accept").get_data(as_text=True)
    assert f'href="/supervisor/review/bulk#bulk{bulk["id"]}"' in log
    history = visitor.get("/supervisor/review/bulk").get_data(as_text=True)
    assert f'id="bulk{bulk["id"]}"' in history
    assert f'action="/supervisor/review/bulk/{bulk["id"]}/undo"' in history


def test_accept_all_takes_the_reason_shown_and_never_the_missed_check_tasks(db, queue):
    _drawn(db, queue["fast"], "fast")
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all", "reason": "sample"})
    assert (plan["answers"], plan["too_fast"]) == (3, 0)
    review_bulk.accept(db, queue["meena"], {"kind": "all", "reason": "sample"}, plan["upto"],
                       plan)
    assert _states(db, queue["slow"] + queue["fast"]) == ["accepted"] * 3 + ["pending"] * 2
    # A missed check task is rejected already and looked at one by one: nothing to accept.
    db.execute("UPDATE assignments SET review_state = 'rejected', review_reason = 'check'"
               " WHERE id = ?", (queue["fast"][0],))
    db.execute("UPDATE tasks SET gold_answer = 'yes' WHERE id = (SELECT task_id"
               " FROM assignments WHERE id = ?)", (queue["fast"][0],))
    for kind in ("all", "missed"):
        check = {"kind": kind, "reason": "check"}
        plan = review_bulk.preview(db, queue["meena"], check)
        assert plan["answers"] == 0
        with pytest.raises(Invalid):
            review_bulk.accept(db, queue["meena"], check, queue["fast"][0],
                               {"answers": 0, "paise": 0}, with_fast=True)
    assert _states(db, queue["fast"]) == ["rejected", "pending"]


def test_a_supervisor_limited_to_another_client_neither_sees_nor_undoes_a_bulk_decision(
        db, queue, make_user, make_project):
    from core import clients
    admin = make_user(role="admin")
    other = clients.add_client(db, admin, queue["project"]["centre_id"], "Seed Co")
    seed = make_project(slug="p-seed", tasks=0, pay_paise=150)
    clients.set_project_client(db, admin, seed["id"], other["id"])
    _drawn(db, payout_helpers.answers(db, queue["selvi"], seed, 1, review="pending",
                                      at=utcnow()), "sample")
    limited = make_user(role="supervisor")
    clients.limit_supervisor(db, admin, limited["id"], [other["id"]])
    assert review_bulk.preview(db, limited, {"kind": "all"})["answers"] == 1
    plan = review_bulk.preview(db, queue["meena"], {"kind": "all"})
    assert plan["answers"] == 6
    bulk = review_bulk.accept(db, queue["meena"], {"kind": "all"}, plan["upto"], plan,
                              with_fast=True)
    assert review_bulk.history(db, limited)["rows"] == []
    with pytest.raises(NotFound):
        review_bulk.undo(db, limited, bulk["id"])
    assert review_bulk.history(db, queue["meena"])["rows"][0]["id"] == bulk["id"]

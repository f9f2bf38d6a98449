"""Review, appeals and money, in core and through the test client: the queue and its
filters, accept and reject (htmx and plain forms), bulk accept, automatic acceptance after
the window, appeals decided by another supervisor, her earnings on each side, the audit."""
import datetime as dt
import json
import re
import sqlite3

import pytest

from core import earnings, review, review_bulk, tasks
from core.clock import utcnow
from core.db import one
from core.errors import Conflict, Invalid, NotFound


def _split_task(db, make_user, project, answers=("pos", "pos", "neg"), now=None, lang="en"):
    """Answers from new annotators to the next task; returns them and their assignments."""
    out = []
    for answer in answers:
        worker = make_user(lang=lang, centre=project["_centre"])
        a = tasks.claim_next(db, worker["id"], project, now=now)
        out.append((worker, tasks.record_answer(db, a["id"], worker["id"], answer, now=now,
                                                seconds=5)))
    return out


@pytest.fixture
def setup(db, make_user, make_project):
    """A Karur project with one split task (pos, pos, neg: the 'neg' waits for review)
    and two Karur supervisors."""
    project = {**make_project(tasks=4, redundancy=3, pay_paise=50), "_centre": "KRR"}
    answered = _split_task(db, make_user, project)
    meena, anitha = make_user(role="supervisor"), make_user(role="supervisor")
    return {"project": project, "answered": answered, "meena": meena, "anitha": anitha,
            "dissenter": answered[2][0], "pending": answered[2][1]}


def _state(db, assignment_id):
    return one(db, "SELECT review_state, reject_reason, review_note, reviewed_by"
                   " FROM assignments WHERE id = ?", (assignment_id,))


def test_the_queue_shows_the_dissenting_answer_only(db, setup):
    result = review.queue(db, setup["meena"]["centre_id"], {"kind": "disagree"})
    assert [row["id"] for row in result["rows"]] == [setup["pending"]["id"]]
    assert result["total"] == 1


def test_reject_then_appeal_then_overturn_moves_the_money(db, setup):
    her, pending = setup["dissenter"], setup["pending"]
    assert earnings.totals(db, her["id"])["pending_paise"] == 50
    review.reject(db, pending["id"], setup["meena"], "wrong_answer", "Read it again.")
    totals = earnings.totals(db, her["id"])
    assert (totals["accepted_paise"], totals["pending_paise"], totals["rejected"]) == (0, 0, 1)
    review.appeal(db, pending["id"], her["id"], "The sentence is sad.")
    with pytest.raises(Conflict, match="appealed_already"):
        review.appeal(db, pending["id"], her["id"], "Again.")
    appeal_id = one(db, "SELECT id FROM appeals")["id"]
    with pytest.raises(NotFound):  # she rejected it: not hers to decide
        review.decide_appeal(db, appeal_id, setup["meena"], "overturned")
    review.decide_appeal(db, appeal_id, setup["anitha"], "overturned", "You were right.")
    totals = earnings.totals(db, her["id"])
    assert (totals["accepted_paise"], totals["rejected"]) == (50, 0)
    assert _state(db, pending["id"])["review_state"] == "accepted"
    actions = [row["action"] for row in db.query("SELECT action FROM audit_log ORDER BY id")
               if row["action"].startswith(("review.", "appeal."))]
    assert actions == ["review.reject", "appeal.create", "appeal.overturned"]


def test_an_upheld_appeal_leaves_the_answer_unpaid(db, setup):
    her, pending = setup["dissenter"], setup["pending"]
    review.reject(db, pending["id"], setup["meena"], "instructions")
    review.appeal(db, pending["id"], her["id"], "Please look again.")
    appeal_id = one(db, "SELECT id FROM appeals")["id"]
    review.decide_appeal(db, appeal_id, setup["anitha"], "upheld")
    assert earnings.totals(db, her["id"])["accepted_paise"] == 0
    with pytest.raises(Conflict, match="appeal_decided"):
        review.decide_appeal(db, appeal_id, setup["anitha"], "overturned")


@pytest.fixture
def sitapur(db, make_user, make_project):
    """A centre with one supervisor (Rakesh) who rejected an answer that was then appealed,
    and an admin."""
    project = {**make_project(tasks=1, redundancy=3, centre="STP"), "_centre": "STP"}
    answered = _split_task(db, make_user, project)
    rakesh = make_user(role="supervisor", centre="STP")
    admin = make_user(role="admin")
    her, pending = answered[2]
    review.reject(db, pending["id"], rakesh, "wrong_answer")
    review.appeal(db, pending["id"], her["id"], "It is right.")
    return {"rakesh": rakesh, "admin": admin, "her": her, "pending": pending,
            "appeal": one(db, "SELECT id FROM appeals")["id"]}


def _appeal_state(db, appeal_id):
    return one(db, "SELECT status, decided_by FROM appeals WHERE id = ?", (appeal_id,))


def test_a_one_supervisor_centres_appeal_goes_to_the_admin(db, sitapur):
    from core import supervisor_todo
    assert review.decider(db, sitapur["pending"]["id"]) == {"who": "admin"}
    with pytest.raises(NotFound):
        review.decide_appeal(db, sitapur["appeal"], sitapur["rakesh"], "overturned")
    assert _appeal_state(db, sitapur["appeal"]) == {"status": "open", "decided_by": None}
    assert _state(db, sitapur["pending"]["id"])["review_state"] == "rejected"
    assert review.open_appeals(db, sitapur["rakesh"], sitapur["rakesh"]["centre_id"])["rows"] == []
    assert supervisor_todo.waiting(db, sitapur["rakesh"])["appeals"] == 0
    assert supervisor_todo.waiting(db, sitapur["admin"])["appeals"] == 1
    review.decide_appeal(db, sitapur["appeal"], sitapur["admin"], "overturned")
    assert _appeal_state(db, sitapur["appeal"]) == {"status": "overturned",
                                                    "decided_by": sitapur["admin"]["id"]}
    assert _state(db, sitapur["pending"]["id"])["review_state"] == "accepted"


def test_the_rejecter_is_refused_through_the_pages_and_the_admin_decides(visitor, db, sitapur):
    visitor.login(sitapur["rakesh"])
    home = visitor.get("/supervisor/").get_data(as_text=True)
    assert "appeal to decide" not in home
    assert "It is right." not in visitor.get("/supervisor/appeals").get_data(as_text=True)
    response = visitor.post(f"/supervisor/appeals/{sitapur['appeal']}", {"outcome": "overturned"})
    assert response.status_code == 404
    assert _appeal_state(db, sitapur["appeal"])["status"] == "open"
    visitor.post("/logout")
    visitor.login(sitapur["her"])
    earnings = visitor.get("/earnings").get_data(as_text=True)
    assert "Appeal sent. An admin will decide." in " ".join(earnings.split())
    visitor.post("/logout")
    visitor.login(sitapur["admin"])
    assert "1 appeal to decide" in visitor.get("/supervisor/").get_data(as_text=True)
    assert "It is right." in visitor.get("/supervisor/appeals").get_data(as_text=True)
    response = visitor.post(f"/supervisor/appeals/{sitapur['appeal']}", {"outcome": "upheld"})
    assert response.status_code == 303
    assert _appeal_state(db, sitapur["appeal"]) == {"status": "upheld",
                                                    "decided_by": sitapur["admin"]["id"]}


def test_a_supervisor_named_by_the_admin_decides_and_the_others_do_not(db, setup, make_user):
    from core import supervisor_todo
    admin = make_user(role="admin")
    third = make_user(role="supervisor")
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    review.appeal(db, setup["pending"]["id"], setup["dissenter"]["id"], "It is right.")
    appeal_id = one(db, "SELECT id FROM appeals")["id"]
    centre = setup["meena"]["centre_id"]
    # no one named: either other supervisor of the centre
    assert review.decider(db, setup["pending"]["id"]) == {"who": "supervisor"}
    assert supervisor_todo.waiting(db, third)["appeals"] == 1
    with pytest.raises(NotFound):
        review.set_appeals_by(db, setup["anitha"], centre, setup["anitha"]["id"])
    with pytest.raises(Invalid, match="not_a_supervisor_here"):
        review.set_appeals_by(db, admin, centre, setup["dissenter"]["id"])
    review.set_appeals_by(db, admin, centre, setup["anitha"]["id"])
    assert review.decider(db, setup["pending"]["id"]) == {"who": "person",
                                                          "name": setup["anitha"]["name"]}
    assert supervisor_todo.waiting(db, third)["appeals"] == 0
    assert supervisor_todo.waiting(db, setup["anitha"])["appeals"] == 1
    with pytest.raises(NotFound):
        review.decide_appeal(db, appeal_id, third, "overturned")
    with pytest.raises(sqlite3.IntegrityError, match="appeal_needs_other"):
        db.execute("UPDATE appeals SET status = 'overturned', decided_by = ?", (third["id"],))
    review.decide_appeal(db, appeal_id, setup["anitha"], "upheld")
    assert _appeal_state(db, appeal_id) == {"status": "upheld",
                                            "decided_by": setup["anitha"]["id"]}
    assert one(db, "SELECT appeals_by FROM centres WHERE id = ?",
               (centre,))["appeals_by"] == setup["anitha"]["id"]


def test_when_the_named_supervisor_rejected_it_the_others_decide(db, setup, make_user):
    admin = make_user(role="admin")
    review.set_appeals_by(db, admin, setup["meena"]["centre_id"], setup["meena"]["id"])
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    assert review.decider(db, setup["pending"]["id"]) == {"who": "person",
                                                          "name": setup["anitha"]["name"]}


def test_the_admin_names_the_appeals_supervisor_on_the_centres_page(visitor, db, setup,
                                                                    make_user):
    admin = make_user(role="admin")
    visitor.login(admin)
    page = visitor.get("/supervisor/centres").get_data(as_text=True)
    assert "Appeals decided by" in page
    centre = setup["meena"]["centre_id"]
    response = visitor.post(f"/supervisor/centres/{centre}/appeals",
                            {"appeals_by": setup["anitha"]["id"]}, follow_redirects=True)
    assert "Saved." in response.get_data(as_text=True)
    assert one(db, "SELECT appeals_by FROM centres WHERE id = ?",
               (centre,))["appeals_by"] == setup["anitha"]["id"]
    response = visitor.post(f"/supervisor/centres/{centre}/appeals", {"appeals_by": ""})
    assert response.status_code == 303
    assert one(db, "SELECT appeals_by FROM centres WHERE id = ?", (centre,))["appeals_by"] is None
    response = visitor.post(f"/supervisor/centres/{centre}/appeals",
                            {"appeals_by": setup["dissenter"]["id"]})
    assert response.status_code == 400
    assert "active supervisors" in response.get_data(as_text=True)


def test_the_database_refuses_an_appeal_decided_by_the_rejecter(db, setup):
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    review.appeal(db, setup["pending"]["id"], setup["dissenter"]["id"], "It is right.")
    with pytest.raises(sqlite3.IntegrityError, match="appeal_needs_other"):
        db.execute("UPDATE appeals SET status = 'overturned', decided_by = ?",
                   (setup["meena"]["id"],))
    db.execute("UPDATE appeals SET status = 'upheld', decided_by = ?", (setup["anitha"]["id"],))
    with pytest.raises(sqlite3.IntegrityError, match="appeal_decided"):
        db.execute("UPDATE appeals SET status = 'overturned'")


def test_an_appeal_after_the_window_is_refused(db, setup):
    now = utcnow()
    review.reject(db, setup["pending"]["id"], setup["meena"], "too_fast", now=now)
    with pytest.raises(Conflict, match="appeal_window_over"):
        review.appeal(db, setup["pending"]["id"], setup["dissenter"]["id"], "Late.",
                      now=now + dt.timedelta(days=8))
    with pytest.raises(Invalid, match="appeal_note_required"):
        review.appeal(db, setup["pending"]["id"], setup["dissenter"]["id"], "  ", now=now)


def test_a_reason_outside_the_list_is_refused_and_nothing_changes(db, setup):
    with pytest.raises(Invalid):
        review.reject(db, setup["pending"]["id"], setup["meena"], "lazy")
    assert _state(db, setup["pending"]["id"])["review_state"] == "pending"


def test_answers_not_reviewed_in_the_window_are_accepted_automatically(db, setup):
    pending = setup["pending"]
    submitted = one(db, "SELECT submitted_at FROM assignments WHERE id = ?",
                    (pending["id"],))["submitted_at"]
    start = dt.datetime.strptime(submitted, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    assert review.auto_accept(db, now=start + dt.timedelta(days=2, hours=23)) == 0
    assert _state(db, pending["id"])["review_state"] == "pending"
    assert review.auto_accept(db, now=start + dt.timedelta(days=3)) == 1
    assert _state(db, pending["id"])["review_state"] == "accepted"
    assert earnings.totals(db, setup["dissenter"]["id"])["accepted_paise"] == 50
    logged = one(db, "SELECT * FROM audit_log WHERE action = 'review.auto_accept'")
    assert json.loads(logged["detail"])["ids"] == [pending["id"]]


def test_a_supervisor_of_another_centre_cannot_review(db, setup, make_user):
    rakesh = make_user(role="supervisor", centre="STP")
    with pytest.raises(NotFound):
        review.accept(db, setup["pending"]["id"], rakesh)
    with pytest.raises(NotFound):
        review.queue(db, rakesh["centre_id"], {"project": setup["project"]["id"]})
    assert _state(db, setup["pending"]["id"])["review_state"] == "pending"


def test_bulk_accept_takes_the_whole_filtered_set_in_one_audit_entry(db, setup, make_user):
    project = setup["project"]
    for _ in range(2):
        _split_task(db, make_user, project, ("pos", "neg", "neg"))
    assert review.queue(db, setup["meena"]["centre_id"], {})["total"] == 3
    plan = review_bulk.preview(db, setup["meena"], {"project": project["id"]})
    assert review_bulk.accept(db, setup["meena"], {"project": project["id"]}, plan["upto"],
                              plan, with_fast=True)["answers"] == 3
    assert review.queue(db, setup["meena"]["centre_id"], {})["total"] == 0
    entries = list(db.query("SELECT detail FROM audit_log WHERE action = 'review.bulk_accept'"))
    assert len(entries) == 1 and json.loads(entries[0]["detail"])["count"] == 3


# -- through the web ----------------------------------------------------------------------

def test_reject_in_place_with_htmx_and_she_reads_the_reason_in_tamil(visitor, db, make_user,
                                                                     make_project):
    project = {**make_project(tasks=1, redundancy=3), "_centre": "KRR"}
    answered = _split_task(db, make_user, project, lang="ta")
    her, pending = answered[2]
    meena = make_user(role="supervisor")
    visitor.login(meena)
    page = visitor.get("/supervisor/review?kind=disagree")
    assert page.status_code == 200 and f'id="r{pending["id"]}"' in page.get_data(as_text=True)
    response = visitor.post(f"/supervisor/review/{pending['id']}/reject",
                            {"reason": "instructions", "note": "Read the instructions."},
                            htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "Rejected: Did not follow the instructions" in body
    assert _state(db, pending["id"])["reject_reason"] == "instructions"
    visitor.post("/logout")
    visitor.login(her)
    page = visitor.get("/earnings").get_data(as_text=True)
    assert "வழிமுறைகளைப் பின்பற்றவில்லை" in page and "Read the instructions." in page
    appeal_page = visitor.get(f"/earnings/appeal/{pending['id']}")
    assert appeal_page.status_code == 200
    response = visitor.post(f"/earnings/appeal/{pending['id']}", {"note": "சரியான பதில்."})
    assert response.status_code == 303
    assert one(db, "SELECT note FROM appeals")["note"] == "சரியான பதில்."


def test_accept_without_javascript_goes_back_to_the_same_filter(visitor, db, setup):
    visitor.login(setup["meena"])
    here = f"/supervisor/review?kind=disagree&project={setup['project']['id']}"
    visitor.get(here)
    response = visitor.post(f"/supervisor/review/{setup['pending']['id']}/accept",
                            {"next": here})
    assert response.status_code == 303 and response.headers["Location"] == here
    assert _state(db, setup["pending"]["id"])["review_state"] == "accepted"


def test_an_appeal_overturned_on_the_web_pays_her(visitor, db, setup):
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    review.appeal(db, setup["pending"]["id"], setup["dissenter"]["id"], "It is right.")
    visitor.login(setup["anitha"])
    page = visitor.get("/supervisor/appeals").get_data(as_text=True)
    assert "It is right." in page
    appeal_id = one(db, "SELECT id FROM appeals")["id"]
    response = visitor.post(f"/supervisor/appeals/{appeal_id}", {"outcome": "overturned"})
    assert response.status_code == 303
    assert earnings.totals(db, setup["dissenter"]["id"])["accepted_paise"] == 50
    visitor.post("/logout")
    visitor.login(setup["dissenter"])
    assert "Appeal accepted: this answer is now paid." in visitor.get("/earnings").get_data(
        as_text=True)


def test_the_dashboards_draw_svg_with_their_numbers_in_a_table(visitor, db, setup):
    visitor.login(setup["meena"])
    for url in ("/supervisor/quality", f"/supervisor/quality/{setup['project']['id']}"):
        body = visitor.get(url).get_data(as_text=True)
        assert body.count("<svg") == 3 and body.count("<title") >= 4
        assert "<table" in body and "<script>" not in body and 'style="' not in body
    body = visitor.get(f"/supervisor/quality/{setup['project']['id']}").get_data(as_text=True)
    assert setup["dissenter"]["name"] in body


def _routes(setup):
    pending, project = setup["pending"]["id"], setup["project"]["id"]
    return [("get", f"/supervisor/review?project={project}"),
            ("get", f"/supervisor/review?annotator={setup['dissenter']['id']}"),
            ("post", f"/supervisor/review/{pending}/accept"),
            ("post", f"/supervisor/review/{pending}/reject"),
            ("post", "/supervisor/appeals/1"),
            ("get", f"/supervisor/quality/{project}"),
            ("get", "/supervisor/review/media/1")]


@pytest.mark.parametrize("n", range(7))
def test_a_supervisor_of_another_centre_is_refused_on_every_review_route(n, visitor, db, setup,
                                                                       make_user, make_project):
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    review.appeal(db, setup["pending"]["id"], setup["dissenter"]["id"], "It is right.")
    from core import projects
    projects.add_media(db, setup["project"]["id"], {"content_type": "image/png", "width": 1,
                                                     "height": 1, "data": b"x"})
    visitor.login(make_user(role="supervisor", centre="STP"))
    method, url = _routes(setup)[n]
    data = {"reason": "wrong_answer", "outcome": "overturned"}
    response = visitor.get(url) if method == "get" else visitor.post(url, data)
    assert response.status_code == 404
    assert _state(db, setup["pending"]["id"])["review_state"] == "rejected"
    assert one(db, "SELECT status FROM appeals")["status"] == "open"


def test_an_annotator_cannot_open_the_review_queue(visitor, setup):
    visitor.login(setup["dissenter"])
    assert visitor.get("/supervisor/review").status_code == 403


def test_the_auto_accept_command_accepts_what_is_due(app, db, setup):
    db.execute("UPDATE assignments SET submitted_at = '2020-01-01 00:00:00'")
    result = app.test_cli_runner().invoke(args=["auto-accept"])
    assert result.exit_code == 0 and "Accepted 1 answers" in result.output
    assert _state(db, setup["pending"]["id"])["review_state"] == "accepted"


def test_her_earnings_page_says_how_her_answers_compare(visitor, db, setup):
    visitor.login(setup["answered"][0][0])
    page = visitor.get("/earnings").get_data(as_text=True)
    assert re.search(r"matched most others on 1 of 1 task", page)


def test_missed_check_and_too_fast_filters_find_their_answers(db, make_user, make_project):
    project = {**make_project(tasks=2, redundancy=1, gold="pos"), "_centre": "KRR"}
    db.execute("UPDATE projects SET min_seconds = 10 WHERE id = ?", (project["id"],))
    meena = make_user(role="supervisor")
    worker = make_user()
    missed = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, missed["id"], worker["id"], "neg", seconds=3)
    centre = meena["centre_id"]
    assert [r["id"] for r in review.queue(db, centre, {"kind": "missed"})["rows"]] == \
        [missed["id"]]
    # The check itself was wrong: the supervisor accepts the answer, and it is paid.
    review.accept(db, missed["id"], meena)
    assert earnings.totals(db, worker["id"])["accepted_paise"] == 50
    assert review.queue(db, centre, {"kind": "missed"})["total"] == 0
    db.execute("UPDATE tasks SET gold_answer = NULL")
    db.execute("UPDATE projects SET redundancy = 2 WHERE id = ?", (project["id"],))
    quick = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, quick["id"], worker["id"], "pos", seconds=3)
    assert [r["id"] for r in review.queue(db, centre, {"kind": "fast"})["rows"]] == [quick["id"]]
    assert review.queue(db, centre, {"kind": "disagree"})["total"] == 0  # not settled yet


def test_accept_in_place_with_htmx_is_a_fragment_and_audited(visitor, db, setup):
    visitor.login(setup["meena"])
    response = visitor.post(f"/supervisor/review/{setup['pending']['id']}/accept", htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "Accepted" in body
    assert "HX-Request" in response.headers["Vary"]
    again = visitor.post(f"/supervisor/review/{setup['pending']['id']}/accept", htmx=True)
    assert again.status_code == 409 and "reviewed already" in again.get_data(as_text=True)
    logged = one(db, "SELECT actor_id, subject FROM audit_log WHERE action = 'review.accept'")
    assert logged == {"actor_id": setup["meena"]["id"],
                      "subject": f"assignment:{setup['pending']['id']}"}


def test_she_cannot_open_or_appeal_another_annotators_rejection(visitor, db, setup):
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    visitor.login(setup["answered"][0][0])
    url = f"/earnings/appeal/{setup['pending']['id']}"
    assert visitor.get(url).status_code == 404
    assert visitor.post(url, {"note": "mine"}).status_code == 404
    assert db["appeals"].count == 0


def test_an_appeal_without_a_note_shows_the_form_again_with_the_message(visitor, db, setup):
    review.reject(db, setup["pending"]["id"], setup["meena"], "wrong_answer")
    visitor.login(setup["dissenter"])
    response = visitor.post(f"/earnings/appeal/{setup['pending']['id']}", {"note": " "})
    assert response.status_code == 400
    assert "why your answer was right" in response.get_data(as_text=True)
    assert db["appeals"].count == 0


def test_an_admin_reviews_every_centre(db, setup, make_user):
    admin = make_user(role="admin", centre="HQ")
    assert review.queue(db, None, {})["total"] == 1
    review.accept(db, setup["pending"]["id"], admin)
    assert _state(db, setup["pending"]["id"])["review_state"] == "accepted"


def test_her_earnings_show_her_check_task_score(visitor, db, make_user, make_project):
    project = make_project(tasks=2, redundancy=1, gold="pos")
    worker = make_user()
    for answer in ("pos", "neg"):
        a = tasks.claim_next(db, worker["id"], project)
        tasks.record_answer(db, a["id"], worker["id"], answer)
    visitor.login(worker)
    page = visitor.get("/earnings").get_data(as_text=True)
    assert "Check tasks: 1 of 2 right." in page
    assert "Why it was rejected: Wrong answer on a check task" in page

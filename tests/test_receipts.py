"""Receipts: every acknowledged answer comes back to the phone signed, and a re-sent answer
with its receipt is stored once even when a restore lost its lease or its whole row
(core/receipts.py)."""
import json
import re

from core import receipts
from core.db import one, rows

KEY = receipts.key_from("test-secret")  # the app fixture's secret


def _start(visitor, make_user, make_project, **project):
    worker, project = make_user(), make_project(**project)
    visitor.login(worker)
    card = visitor.get(f"/tasks/{project['slug']}/next", htmx=True).get_data(as_text=True)
    return worker, project, int(re.search(r"/answers/(\d+)", card).group(1))


def _answer(visitor, assignment_id, answer="pos"):
    response = visitor.post(f"/answers/{assignment_id}", {"answer": answer}, htmx=True)
    assert response.status_code == 200
    return json.loads(response.headers["HX-Trigger"])["velai:kept"]


def _sync(visitor, items):
    response = visitor.client.post("/answers/sync", json={"items": items},
                                   headers={"X-CSRFToken": visitor.token})
    assert response.status_code == 200
    return response.get_json()


def _lose(db, assignment_id):
    """What a restore from a replica a second behind does to the last answer: gone, and
    its task's count with it."""
    task = one(db, "SELECT task_id FROM assignments WHERE id = ?", (assignment_id,))["task_id"]
    db.execute("DELETE FROM assignments WHERE id = ?", (assignment_id,))
    db.execute("UPDATE tasks SET answers_count = answers_count - 1, status = 'open'"
               " WHERE id = ?", (task,))
    return task


def _stored(db, worker, task_id):
    return rows(db, "SELECT id, state, answer, submitted_at FROM assignments"
                    " WHERE user_id = ? AND task_id = ?", (worker["id"], task_id))


def test_an_acknowledged_answer_comes_back_with_a_small_signed_receipt(
        visitor, db, make_user, make_project):
    worker, _project, first = _start(visitor, make_user, make_project)
    kept = _answer(visitor, first)
    row = one(db, "SELECT * FROM assignments WHERE id = ?", (first,))
    assert (kept["a"], kept["t"]) == (first, row["task_id"])
    assert kept == {**receipts.receipt(KEY, row), "b": receipts.BOOT, "s": kept["s"]}
    assert kept["b"] <= kept["at"] and kept["s"] < kept["at"]  # not yet in the replica
    assert len(json.dumps(kept)) < 160  # within the task cycle's 2 KB
    skipped = visitor.post(f"/assignments/{first + 1}/skip", {"reason": "unsure"}, htmx=True)
    assert "HX-Trigger" not in skipped.headers  # only answers are kept


def test_an_answer_lost_with_its_row_is_stored_once_from_its_receipt(
        visitor, db, make_user, make_project):
    worker, _project, first = _start(visitor, make_user, make_project)
    kept = _answer(visitor, first)
    task = _lose(db, first)
    assert _stored(db, worker, task) == []
    item = {"id": first, "answer": "pos", "seconds": 4, "k": kept}
    for _ in range(3):  # sent again and again: stored once
        body = _sync(visitor, [item])
        assert body["results"][0]["ok"] and body["results"][0]["k"]["t"] == task
    stored = _stored(db, worker, task)
    assert [(r["state"], r["answer"]) for r in stored] == [("submitted", "pos")]
    assert stored[0]["id"] == first  # its id was free: the same id again
    assert one(db, "SELECT answers_count FROM tasks WHERE id = ?", (task,))["answers_count"] == 1
    assert stored[0]["submitted_at"] == one(
        db, "SELECT datetime(?, 'unixepoch') AS at", (kept["at"],))["at"]  # her day, her pay


def test_an_answer_whose_lease_the_restore_brought_back_unanswered_is_stored(
        visitor, db, make_user, make_project):
    worker, _project, first = _start(visitor, make_user, make_project)
    kept = _answer(visitor, first)
    db.execute("UPDATE assignments SET state = 'active', answer = NULL, submitted_at = NULL,"
               " review_state = NULL, lease_expires_at = '2000-01-01 00:00:00' WHERE id = ?",
               (first,))
    db.execute("UPDATE tasks SET answers_count = 0 WHERE id = ?", (kept["t"],))
    assert _sync(visitor, [{"id": first, "answer": "pos", "k": kept}])["results"][0]["ok"]
    assert [r["answer"] for r in _stored(db, worker, kept["t"])] == ["pos"]


def test_a_receipt_for_another_answer_person_or_task_stores_nothing(
        visitor, db, make_user, make_project):
    worker, _project, first = _start(visitor, make_user, make_project)
    kept = _answer(visitor, first)
    task = _lose(db, first)
    forged = [{"id": first, "answer": "neg", "k": kept},  # another answer
              {"id": first, "answer": "pos", "k": {**kept, "t": task + 1}},
              {"id": first, "answer": "pos", "k": {**kept, "at": kept["at"] - 1}},
              {"id": first, "answer": "pos", "k": {**kept, "r": "x" * 22}},
              {"id": first, "answer": "pos", "k": "nonsense"}]
    results = _sync(visitor, forged)["results"]
    assert [r["ok"] for r in results] == [False] * 5
    other = make_user()  # the receipt is hers: another annotator's session cannot use it
    visitor.client.post("/logout", data={"csrf_token": visitor.token})
    visitor.token = None
    visitor.login(other)
    visitor.get("/home")
    assert not _sync(visitor, [{"id": first, "answer": "pos", "k": kept}])["results"][0]["ok"]
    assert one(db, "SELECT count(*) AS n FROM assignments WHERE task_id = ?"
                   " AND state = 'submitted'", (task,))["n"] == 0


def test_a_lost_answer_is_kept_when_its_id_and_its_task_were_taken_after_the_restore(
        visitor, db, make_user, make_project, app):
    worker, project, first = _start(visitor, make_user, make_project, redundancy=1, tasks=1)
    kept = _answer(visitor, first)
    task = _lose(db, first)
    # After the restore another annotator gets the same id, and the task's one answer.
    other = make_user()
    with app.test_client() as client:
        from tests.conftest import Visitor
        someone = Visitor(client)
        someone.login(other)
        card = someone.get(f"/tasks/{project['slug']}/next", htmx=True).get_data(as_text=True)
        assert f"/answers/{first}" in card
        someone.post(f"/answers/{first}", {"answer": "neg"}, htmx=True)
    result = _sync(visitor, [{"id": first, "answer": "pos", "k": kept}])["results"][0]
    assert result["ok"] and result["k"]["a"] != first  # stored under a new id
    mine = _stored(db, worker, task)
    assert [(r["id"], r["answer"]) for r in mine] == [(result["k"]["a"], "pos")]
    assert one(db, "SELECT answer FROM assignments WHERE id = ?", (first,))["answer"] == "neg"
    counts = one(db, "SELECT answers_count, wanted FROM tasks WHERE id = ?", (task,))
    # The task wants one more (and, split, one more again): its rule still holds.
    assert counts["answers_count"] == 2 and counts["wanted"] >= 2


def test_the_watermark_lets_the_phone_forget_only_answers_stored_since_the_start(
        visitor, make_user, make_project, app):
    mark = receipts.watermark(60, now=receipts.BOOT + 100)
    assert mark == {"b": receipts.BOOT, "s": receipts.BOOT + 40}
    _worker, _project, first = _start(visitor, make_user, make_project)
    kept = _answer(visitor, first)
    assert kept["s"] <= kept["at"] - 59  # by default, 60 s after it was stored
    app.config["REPLICA_LAG_SECONDS"] = 0  # FLASK_REPLICA_LAG_SECONDS
    kept = _answer(visitor, first + 1)
    assert kept["s"] >= kept["at"]

"""Retention and provable deletion (#19): a purge asked by one supervisor and approved by
another leaves none of the project's content in the database file, log included, while
pay and payouts still add up."""
import hashlib
import os
import sqlite3

import pytest

from core import clock, payouts
from core import db as coredb
from core import purge
from core.errors import Conflict, Refused
from payout_helpers import NOW, PERIOD, answers, paid_to, value

SECRET_TEXT = "Zebra-Quokka-7731 patient record"
SECRET_ANSWER = "Xylophone-Answer-4410"
SECRET_NAME = "Project Marigold-Ostrich"
SECRET_BYTES = hashlib.sha256(b"velai").digest() * 64  # 2 KB no other row holds


@pytest.fixture
def karur(db, make_user, make_project):
    meena, anitha, deputy = (make_user("supervisor") for _ in range(3))
    kavitha = make_user(lang="ta")
    paid_to(db, kavitha, deputy, upi="kavitha.m@okaxis")
    project = make_project(task_type="free_text", tasks=0, pay_paise=50, slug="clinic")
    ids = answers(db, kavitha, project, 4)
    with coredb.write(db):
        media = db.execute(
            "INSERT INTO media (project_id, content_type, width, height, sha256, data, original,"
            " original_type) VALUES (?, 'image/webp', 1, 1, ?, ?, ?, 'image/jpeg')",
            (project["id"], hashlib.sha256(SECRET_BYTES).hexdigest(), SECRET_BYTES,
             SECRET_BYTES[::-1])).lastrowid
        db.execute("UPDATE tasks SET payload_text = ? || id, media_id = ?, client_id = 'row-' || id"
                   " WHERE project_id = ?", (SECRET_TEXT, media, project["id"]))
        db.execute("UPDATE assignments SET answer = ? || id WHERE project_id = ?",
                   (SECRET_ANSWER, project["id"]))
        db.execute("UPDATE texts SET text = ? WHERE kind = 'project' AND owner_id = ?"
                   " AND field = 'name'", (SECRET_NAME, project["id"]))
    payout_id = payouts.draft(db, meena, *PERIOD, now=NOW)
    payouts.approve(db, payout_id, anitha, now=NOW)
    db.execute("UPDATE projects SET status = 'closed' WHERE id = ?", (project["id"],))
    return {"meena": meena, "anitha": anitha, "kavitha": kavitha, "project": project,
            "payout": payout_id, "answers": ids}


def _file_bytes(path):
    data = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(path + suffix):
            with open(path + suffix, "rb") as f:
                data += f.read()
    return data


SECRETS = (SECRET_TEXT.encode(), SECRET_ANSWER.encode(), SECRET_NAME.encode(),
           SECRET_BYTES[:64], SECRET_BYTES[::-1][:64], b"row-")


def _pay(db, user_id):
    return (value(db, "SELECT sum(earned_paise) FROM answers_by_day WHERE user_id = ?",
                  (user_id,)),
            value(db, "SELECT sum(amount_paise) FROM payout_lines WHERE user_id = ?", (user_id,)),
            value(db, "SELECT sum(pay_paise) FROM assignments WHERE user_id = ?"
                      " AND review_state = 'accepted'", (user_id,)),
            value(db, "SELECT count(*) FROM payout_items i JOIN assignments a"
                      " ON a.id = i.assignment_id WHERE a.user_id = ? AND i.live = 1",
                  (user_id,)))


def test_purge_leaves_no_content_in_the_file_and_pay_adds_up(db, karur):
    path = db.velai_path
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    before = _file_bytes(path)
    assert all(secret in before for secret in SECRETS)  # the test would see them
    pay_before = _pay(db, karur["kavitha"]["id"])
    assert pay_before == (200, 200, 200, 4)
    expected_sha, counts = purge.digest(db, karur["project"]["id"])

    purge_id = purge.ask(db, karur["project"]["id"], karur["meena"])
    record = purge.approve(db, purge_id, karur["anitha"])

    after = _file_bytes(path)
    found = [secret[:20] for secret in SECRETS if secret in after]
    assert found == []
    assert record["status"] == "done" and record["sha256"] == expected_sha
    assert (record["tasks"], record["answers"], record["media"]) == (4, 4, 1)
    assert record["texts"] == counts["text"] >= 2
    assert (record["asked_by"], record["approved_by"]) == (karur["meena"]["id"],
                                                           karur["anitha"]["id"])
    assert _pay(db, karur["kavitha"]["id"]) == pay_before
    assert payouts.check_all(db) == []
    assert value(db, "SELECT count(*) FROM media") == 0
    assert value(db, "SELECT count(*) FROM assignments WHERE answer IS NOT NULL") == 0
    text = purge.record_text(purge.get(db, purge_id, karur["meena"]))
    assert expected_sha in text and "Tasks: 4" in text and karur["anitha"]["name"] in text


def test_the_asker_cannot_approve_and_the_database_refuses_it_too(db, karur):
    purge_id = purge.ask(db, karur["project"]["id"], karur["meena"])
    with pytest.raises(Conflict):
        purge.approve(db, purge_id, karur["meena"])
    with pytest.raises(sqlite3.IntegrityError, match="approved by another"):
        db.execute("UPDATE purges SET status = 'approved', approved_by = asked_by,"
                   " approved_at = '2026-12-01 00:00:00' WHERE id = ?", (purge_id,))
    with pytest.raises(sqlite3.IntegrityError, match="only an approved purge"):
        db.execute("UPDATE purges SET status = 'done', done_at = 'x', sha256 = ?"
                   " WHERE id = ?", ("0" * 64, purge_id))
    with pytest.raises(sqlite3.IntegrityError, match="only by an approved purge"):
        db.execute("UPDATE projects SET purged_at = 'x' WHERE id = ?", (karur["project"]["id"],))
    with pytest.raises(Conflict):  # one open request per project
        purge.ask(db, karur["project"]["id"], karur["anitha"])
    assert value(db, "SELECT count(*) FROM tasks WHERE payload_text LIKE 'Zebra%'") == 4


def test_a_deletion_record_is_final_and_kept(db, karur):
    purge_id = purge.ask(db, karur["project"]["id"], karur["meena"])
    purge.approve(db, purge_id, karur["anitha"])
    with pytest.raises(sqlite3.IntegrityError, match="final"):
        db.execute("UPDATE purges SET tasks = 0 WHERE id = ?", (purge_id,))
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM purges WHERE id = ?", (purge_id,))


def test_only_a_closed_project_is_purged(db, karur):
    db.execute("UPDATE projects SET status = 'paused' WHERE id = ?", (karur["project"]["id"],))
    assert value(db, "SELECT closed_at FROM projects WHERE id = ?",
                 (karur["project"]["id"],)) is None
    with pytest.raises(Conflict):
        purge.ask(db, karur["project"]["id"], karur["meena"])


def test_due_lists_closed_projects_past_their_retention(db, karur):
    project_id = karur["project"]["id"]
    assert purge.due(db) == []
    purge.set_retention(db, project_id, 30)
    closed = clock.parse_stamp(value(db, "SELECT closed_at FROM projects WHERE id = ?",
                                     (project_id,)))
    assert purge.due(db, now=closed + clock.dt.timedelta(days=29)) == []
    assert [p["id"] for p in purge.due(db, now=closed + clock.dt.timedelta(days=30))] == [
        project_id]


def test_reset_replica_empties_a_local_replica(tmp_path):
    replica = tmp_path / "replica"
    (replica / "ltx" / "0").mkdir(parents=True)
    (replica / "ltx" / "0" / "0001.ltx").write_bytes(SECRET_BYTES)
    assert len(purge.reset_replica(str(replica))) == 1
    assert list(replica.iterdir()) == []
    assert purge.reset_replica("s3://bucket/velai") == []


def test_pages_one_asks_another_approves_and_the_record_downloads(app, db, karur, visitor):
    project_id = karur["project"]["id"]
    url = f"/supervisor/projects/{project_id}/purge"
    visitor.login(karur["meena"])
    assert "Ask to delete" in visitor.get(url).get_data(as_text=True)
    assert visitor.post(url).status_code == 303
    page = visitor.get(url).get_data(as_text=True)
    assert "Approve and delete" not in page and "Another supervisor" in page
    purge_id = value(db, "SELECT id FROM purges WHERE project_id = ?", (project_id,))
    refused = visitor.post(f"{url}/{purge_id}/approve")
    assert refused.status_code == 409 and "Another supervisor" in refused.get_data(as_text=True)
    visitor.post("/logout")
    visitor.login(karur["anitha"])
    assert visitor.post(f"{url}/{purge_id}/approve").status_code == 303
    page = visitor.get(url).get_data(as_text=True)
    record = coredb.one(db, "SELECT * FROM purges WHERE id = ?", (purge_id,))
    assert record["status"] == "done" and record["sha256"] in page
    download = visitor.get(f"{url}/{purge_id}/record.txt")
    assert download.headers["Content-Type"].startswith("text/plain")
    text = download.get_data(as_text=True)
    assert record["sha256"] in text and karur["meena"]["name"] in text
    assert value(db, "SELECT count(*) FROM tasks WHERE project_id = ? AND payload_text <> ''",
                 (project_id,)) == 0


def test_retention_and_personal_data_are_on_the_project_form(app, db, karur, visitor):
    project_id = karur["project"]["id"]
    visitor.login(karur["meena"])
    page = visitor.get(f"/supervisor/projects/{project_id}/edit").get_data(as_text=True)
    assert 'name="retention_days"' in page and 'name="personal_data"' in page
    form = {"name_en": "Clinic", "first_language": "en", "languages": "en",
            "task_type": "free_text", "redundancy": "3", "pay": "0.50", "lease_minutes": "15",
            "gold_percent": "10", "status": "closed", "retention_days": "90",
            "personal_data": "refuse"}
    assert visitor.post(f"/supervisor/projects/{project_id}/edit", form).status_code == 303
    saved = coredb.one(db, "SELECT retention_days, personal_data FROM projects WHERE id = ?",
                       (project_id,))
    assert saved == {"retention_days": 90, "personal_data": "refuse"}
    bad = visitor.post(f"/supervisor/projects/{project_id}/edit",
                       {**form, "retention_days": "-4"})
    assert bad.status_code == 400 and "Whole days" in bad.get_data(as_text=True)


def test_the_purge_command_finishes_an_approved_purge_and_vacuums(app, db, karur):
    purge_id = purge.ask(db, karur["project"]["id"], karur["meena"])
    # Approved, and the server stopped before it deleted anything.
    db.execute("UPDATE purges SET status = 'approved', approved_by = ?, approved_at = ?"
               " WHERE id = ?", (karur["anitha"]["id"], "2026-12-01 00:00:00", purge_id))
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Purged clinic: 4 tasks, 4 answers, 1 media" in result.output
    assert value(db, "PRAGMA freelist_count") == 0
    found = [s[:20] for s in SECRETS if s in _file_bytes(db.velai_path)]
    assert found == []
    assert value(db, "SELECT status FROM purges WHERE id = ?", (purge_id,)) == "done"


def test_a_centre_asking_for_a_second_factor_refuses_a_purge_without_one(db, karur):
    """As for money: with the centre's rule on, an approver without an authenticator code
    deletes nothing; with one, the purge goes ahead."""
    db.execute("UPDATE centres SET second_factor_for_money = 1 WHERE id = ?",
               (karur["project"]["centre_id"],))
    purge_id = purge.ask(db, karur["project"]["id"], karur["meena"])
    with pytest.raises(Refused) as refused:
        purge.approve(db, purge_id, karur["anitha"])
    assert refused.value.code == "second_factor_needed"
    assert value(db, "SELECT status FROM purges WHERE id = ?", (purge_id,)) == "asked"
    assert value(db, "SELECT count(*) FROM tasks WHERE payload_text LIKE 'Zebra%'") == 4
    purge.approve(db, purge_id, {**karur["anitha"], "totp_on_at": "2026-12-01 00:00:00"})
    assert value(db, "SELECT count(*) FROM tasks WHERE payload_text LIKE 'Zebra%'") == 0

"""Recording speech (#18): the server's checks, the upload that resumes and is stored
once, listeners deciding a recording's review state and pay, and the database's rules."""
import sqlite3

import pytest

from core import audio, recordings, review, tasks, uploads
from core.clock import utcnow
from core.db import one, rows
from core.errors import Conflict, Invalid

CLIP = audio.speechlike_wav(3.0)


def _speech_projects(db, make_project, sentences=2, redundancy=3):
    record = make_project(task_type="record", tasks=sentences, redundancy=1, pay_paise=300,
                          slug="rec")
    verify = make_project(task_type="verify_recording", tasks=0, redundancy=redundancy,
                          pay_paise=40, slug="ver")
    recordings.link(db, record, verify)
    return one(db, "SELECT * FROM projects WHERE id = ?", (record["id"],)), verify


def _send(db, user, project, data=CLIP, piece=16 * 1024):
    """Claim her next task and upload `data` in pieces; the assignment as recorded."""
    assignment = tasks.claim_next(db, user["id"], project)
    state = uploads.start(db, assignment["id"], user["id"], len(data), "audio/wav")
    while state["offset"] < len(data):
        at = state["offset"]
        state = uploads.put(db, state["key"], user["id"], at, data[at:at + piece])
    return uploads.finish(db, state["key"], user["id"])


@pytest.mark.parametrize("data, code", [
    (audio.speechlike_wav(0.4), "recording_too_short"),
    (audio.speechlike_wav(20.0), "recording_too_long"),
    (audio.speechlike_wav(3.0, silent=True), "recording_silent"),
    (audio.speechlike_wav(3.0, level=3.0), "recording_clipped"),
    (b"RIFF this is not a recording at all" * 10, "not_audio"),
    (b"\x1aE\xdf\xa3" + bytes(300), "not_audio"),
])
def test_the_server_refuses_what_is_not_a_good_recording(data, code):
    with pytest.raises(Invalid) as refused:
        audio.prepare_recording(data, "audio/webm", 15)
    assert refused.value.code == code


def test_a_good_recording_keeps_the_upload_and_a_small_opus_copy():
    five = audio.speechlike_wav(5.0)
    fields = audio.prepare_recording(five, "audio/wav", 15)
    assert fields["original"] == five and fields["original_type"] == "audio/wav"
    assert fields["content_type"] == "audio/ogg" and fields["data"][:4] == b"OggS"
    assert 4900 <= fields["duration_ms"] <= 5100
    assert len(fields["data"]) <= 16 * 1024  # a 5-second clip for listening
    assert 4500 <= len(audio.decode(fields["data"])) * 1000 // audio.RATE <= 5200


def test_a_dropped_link_resumes_at_the_servers_offset_and_stores_once(db, make_user,
                                                                      make_project):
    record, _ = _speech_projects(db, make_project)
    she = make_user()
    assignment = tasks.claim_next(db, she["id"], record)
    state = uploads.start(db, assignment["id"], she["id"], len(CLIP), "audio/wav")
    key = state["key"]
    uploads.put(db, key, she["id"], 0, CLIP[:16384])
    # The reply to the second piece was lost: the phone starts again and asks.
    uploads.put(db, key, she["id"], 16384, CLIP[16384:32768])
    assert uploads.start(db, assignment["id"], she["id"], len(CLIP), "audio/wav") == \
        {"key": key, "offset": 32768, "size": len(CLIP), "done": False}
    # A piece sent twice is taken once; one past the server's offset is not taken.
    assert uploads.put(db, key, she["id"], 16384, CLIP[16384:32768])["offset"] == 32768
    assert uploads.put(db, key, she["id"], 65536, CLIP[65536:81920])["offset"] == 32768
    at = 32768
    while at < len(CLIP):
        at = uploads.put(db, key, she["id"], at, CLIP[at:at + 16384])["offset"]
    done = uploads.finish(db, key, she["id"])
    assert uploads.finish(db, key, she["id"]) == done  # the last piece's answer, again
    assert uploads.put(db, key, she["id"], 0, CLIP[:100])["done"]
    media = rows(db, "SELECT id, user_id, kind, original FROM media WHERE kind = 'audio'")
    assert media == [{"id": int(done["answer"]), "user_id": she["id"], "kind": "audio",
                      "original": CLIP}]
    assert one(db, "SELECT state, review_state FROM assignments WHERE id = ?",
               (assignment["id"],)) == {"state": "submitted", "review_state": "pending"}


def test_uploads_are_hers_alone(db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    she, other = make_user(), make_user()
    assignment = tasks.claim_next(db, she["id"], record)
    key = uploads.start(db, assignment["id"], she["id"], len(CLIP), "audio/wav")["key"]
    for call in (lambda: uploads.put(db, key, other["id"], 0, CLIP[:10]),
                 lambda: uploads.status(db, key, other["id"]),
                 lambda: uploads.start(db, assignment["id"], other["id"], 10, "audio/wav")):
        with pytest.raises(Exception) as refused:
            call()
        assert refused.value.status == 404


def test_a_refused_recording_is_forgotten_and_she_records_again(db, make_user,
                                                                make_project):
    record, _ = _speech_projects(db, make_project)
    she = make_user()
    with pytest.raises(Invalid) as refused:
        _send(db, she, record, audio.speechlike_wav(2.0, silent=True))
    assert refused.value.code == "recording_silent"
    assert one(db, "SELECT count(*) AS n FROM uploads")["n"] == 0
    done = _send(db, she, record)  # the same task, a good recording this time
    assert done["state"] == "submitted"


def test_an_id_typed_as_an_answer_is_never_a_recording(db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    she = make_user()
    assignment = tasks.claim_next(db, she["id"], record)
    with pytest.raises(Invalid):
        tasks.record_answer(db, assignment["id"], she["id"], "1")


def _verify_all(db, verify, people, said):
    for person, answer in zip(people, said):
        assignment = tasks.claim_next(db, person["id"], verify)
        tasks.record_answer(db, assignment["id"], person["id"], answer)


def test_listeners_decide_the_recording_and_its_pay(db, make_user, make_project):
    record, verify = _speech_projects(db, make_project, redundancy=3)
    she = make_user()
    good = _send(db, she, record)
    bad = _send(db, she, record)
    checks = rows(db, "SELECT project_id, media_id, recording_assignment_id, payload_text"
                      " FROM tasks WHERE project_id = ? ORDER BY id", (verify["id"],))
    assert [c["recording_assignment_id"] for c in checks] == [good["id"], bad["id"]]
    assert checks[0]["media_id"] == int(good["answer"])
    assert checks[0]["payload_text"] == "Sentence 0"
    listeners = [make_user() for _ in range(3)]
    _verify_all(db, verify, listeners, ["yes", "yes", "no"])  # the first recording
    _verify_all(db, verify, listeners, ["no", "no", "no"])  # the second
    state = {row["id"]: row for row in rows(
        db, "SELECT id, review_state, reject_reason, pay_paise FROM assignments"
            " WHERE user_id = ?", (she["id"],))}
    assert state[good["id"]]["review_state"] == "accepted"
    assert state[bad["id"]]["review_state"] == "rejected"
    assert state[bad["id"]]["reject_reason"] == recordings.NOT_VERIFIED
    # Her day counts only the accepted recording; each listener is paid per verification
    # that agreed with the majority.
    assert one(db, "SELECT earned_paise FROM answers_by_day WHERE user_id = ?",
               (she["id"],))["earned_paise"] == 300
    assert one(db, "SELECT earned_paise FROM answers_by_day WHERE user_id = ?",
               (listeners[0]["id"],))["earned_paise"] == 80


def test_a_tie_among_listeners_asks_for_one_more(db, make_user, make_project):
    record, verify = _speech_projects(db, make_project, redundancy=2)
    she = make_user()
    done = _send(db, she, record)
    listeners = [make_user() for _ in range(3)]
    _verify_all(db, verify, listeners[:2], ["yes", "no"])
    assert one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (done["id"],))["review_state"] == "pending"
    _verify_all(db, verify, listeners[2:], ["no"])
    assert one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (done["id"],))["review_state"] == "rejected"


def test_a_rejected_recording_can_be_appealed_and_paid(db, make_user, make_project):
    record, verify = _speech_projects(db, make_project, redundancy=1)
    she = make_user()
    done = _send(db, she, record)
    _verify_all(db, verify, [make_user()], ["no"])
    review.appeal(db, done["id"], she["id"], "I read it right, please listen again.")
    boss = make_user(role="supervisor")
    appeal_id = one(db, "SELECT id FROM appeals WHERE assignment_id = ?", (done["id"],))["id"]
    review.decide_appeal(db, appeal_id, boss, "overturned", "It is clear.")
    assert one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (done["id"],))["review_state"] == "accepted"


def test_an_unverified_recording_is_not_accepted_by_the_review_window(db, make_user,
                                                                       make_project):
    record, _ = _speech_projects(db, make_project)
    she = make_user()
    done = _send(db, she, record)
    import datetime as dt
    review.auto_accept(db, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30))
    assert one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (done["id"],))["review_state"] == "pending"


def test_the_database_refuses_to_pay_an_unverified_recording(db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    done = _send(db, make_user(), record)
    with pytest.raises(sqlite3.IntegrityError, match="recording_unverified"):
        db.execute("UPDATE assignments SET review_state = 'accepted' WHERE id = ?",
                   (done["id"],))


def test_the_database_keeps_one_verification_per_recording_and_uploads_once(
        db, make_user, make_project):
    record, verify = _speech_projects(db, make_project)
    done = _send(db, make_user(), record)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO tasks (project_id, payload_text, recording_assignment_id,"
                   " created_at) VALUES (?, 'again', ?, '2026-01-01T00:00:00Z')",
                   (verify["id"], done["id"]))
    with pytest.raises(sqlite3.IntegrityError, match="upload_done"):
        db.execute("UPDATE uploads SET received = 1")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO uploads (key, assignment_id, user_id, content_type, size,"
                   " received, data, media_id, created_at, done_at)"
                   " SELECT 'twin', assignment_id, user_id, content_type, size, size, x'',"
                   " media_id, created_at, done_at FROM uploads")


def test_the_same_file_sent_again_answers_the_same_and_another_is_refused(
        db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    she = make_user()
    assignment = tasks.claim_next(db, she["id"], record)
    fields = audio.prepare_recording(CLIP, "audio/wav", 15)
    first = tasks.record(db, assignment["id"], she["id"], tasks.capture_step(fields))
    again = tasks.record(db, assignment["id"], she["id"], tasks.capture_step(fields))
    assert again["answer"] == first["answer"]
    other = audio.prepare_recording(audio.speechlike_wav(2.0), "audio/wav", 15)
    with pytest.raises(Conflict):
        tasks.record(db, assignment["id"], she["id"], tasks.capture_step(other))
    assert one(db, "SELECT count(*) AS n FROM media WHERE kind = 'audio'")["n"] == 1


def _transcribed(db, make_project, record):
    write_it = make_project(task_type="transcribe", tasks=0, redundancy=2, pay_paise=60,
                            slug="write-it")
    db.execute("UPDATE projects SET transcribed_by_project_id = ? WHERE id = ?",
               (write_it["id"], record["id"]))
    return one(db, "SELECT * FROM projects WHERE id = ?", (record["id"],)), write_it


def test_an_accepted_recording_becomes_one_transcription_task_without_its_sentence(
        db, make_user, make_project):
    record, verify = _speech_projects(db, make_project, redundancy=3)
    record, write_it = _transcribed(db, make_project, record)
    she = make_user()
    good = _send(db, she, record)
    bad = _send(db, she, record)
    assert db["tasks"].count_where("project_id = ?", [write_it["id"]]) == 0  # not yet heard
    listeners = [make_user() for _ in range(3)]
    _verify_all(db, verify, listeners, ["yes", "yes", "no"])
    _verify_all(db, verify, listeners, ["no", "no", "no"])
    made = rows(db, "SELECT media_id, payload_text, gold_answer, transcribes_assignment_id"
                    " FROM tasks WHERE project_id = ?", (write_it["id"],))
    assert made == [{"media_id": int(good["answer"]), "payload_text": None,
                     "gold_answer": None, "transcribes_assignment_id": good["id"]}]
    # Decided again (a supervisor, an appeal): still one task; the database holds it.
    recordings.to_transcribe(db, good["id"], utcnow())
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO tasks (project_id, media_id, transcribes_assignment_id,"
                   " created_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')",
                   (write_it["id"], int(good["answer"]), good["id"]))
    assert db["tasks"].count_where("project_id = ?", [write_it["id"]]) == 1
    # The transcriber hears the listening copy, and the sentence read is not on her card.
    writer = make_user()
    task = tasks.claim_next(db, writer["id"], write_it)
    assert task["media_id"] == int(good["answer"]) and not task.get("payload_text")
    assert bad["id"] not in {row["transcribes_assignment_id"] for row in made}


def test_a_recording_accepted_on_appeal_is_transcribed(db, make_user, make_project):
    record, verify = _speech_projects(db, make_project, redundancy=1)
    record, write_it = _transcribed(db, make_project, record)
    she = make_user()
    done = _send(db, she, record)
    _verify_all(db, verify, [make_user()], ["no"])
    review.appeal(db, done["id"], she["id"], "I read it right, please listen again.")
    appeal_id = one(db, "SELECT id FROM appeals WHERE assignment_id = ?", (done["id"],))["id"]
    review.decide_appeal(db, appeal_id, make_user(role="supervisor"), "overturned", "Clear.")
    assert one(db, "SELECT transcribes_assignment_id AS a FROM tasks WHERE project_id = ?",
               (write_it["id"],)) == {"a": done["id"]}

"""Recording and verifying speech on the phone (#18): the card, the page without
JavaScript, the upload's JSON, listening, the data meter and her earnings."""
import io
import re

from core import audio, traffic
from core.db import one, rows
from tests.conftest import Visitor
from tests.test_recordings import CLIP, _speech_projects


def _worker(app, make_user, lang="ta"):
    she = make_user(lang=lang)
    visitor = Visitor(app.test_client())
    visitor.login(she)
    return she, visitor


def test_the_record_card_shows_the_sentence_and_the_recorder_in_her_language(
        app, db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    _, she = _worker(app, make_user)
    page = she.get(f"/tasks/{record['slug']}/next").get_data(as_text=True)
    assert "Sentence 0" in page
    assert 'enctype="multipart/form-data" data-capture="audio"' in page
    assert re.search(r'<script src="/static/capture\.[0-9a-f]{10}\.js" defer>', page)
    assert 'type="file" name="file" accept="audio/*"' in page
    assert "பதிவு" in page  # Record, in Tamil
    assert "மைக்ரோஃபோன்" in page  # told plainly when the phone has no microphone


def test_pages_without_recordings_load_no_recorder(app, db, make_user, make_project):
    project = make_project(task_type="yes_no")
    _, she = _worker(app, make_user)
    page = she.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert "capture." not in page


def test_without_javascript_the_form_sends_the_file_and_the_next_card_follows(
        app, db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    user, she = _worker(app, make_user)
    she.get(f"/tasks/{record['slug']}/next")
    assignment = one(db, "SELECT id FROM assignments WHERE user_id = ?", (user["id"],))
    sent = she.post(f"/answers/{assignment['id']}",
                    {"file": (io.BytesIO(CLIP), "voice.wav", "audio/wav")},
                    content_type="multipart/form-data")
    assert sent.status_code == 303
    assert one(db, "SELECT state FROM assignments WHERE id = ?",
               (assignment["id"],))["state"] == "submitted"
    assert one(db, "SELECT original_type FROM media WHERE user_id = ?",
               (user["id"],))["original_type"] == "audio/wav"


def test_a_silent_recording_is_refused_in_her_language(app, db, make_user, make_project):
    record, _ = _speech_projects(db, make_project)
    user, she = _worker(app, make_user)
    she.get(f"/tasks/{record['slug']}/next")
    assignment = one(db, "SELECT id FROM assignments WHERE user_id = ?", (user["id"],))
    silent = audio.speechlike_wav(2.0, silent=True)
    refused = she.post(f"/answers/{assignment['id']}",
                       {"file": (io.BytesIO(silent), "voice.wav", "audio/wav")},
                       content_type="multipart/form-data", htmx=True)
    assert refused.status_code == 400
    assert "குரல்" in refused.get_data(as_text=True)  # "voice": we heard none
    assert rows(db, "SELECT id FROM media WHERE user_id = ?", (user["id"],)) == []


def test_the_phone_uploads_in_pieces_and_is_told_the_next_task(app, db, make_user,
                                                               make_project):
    record, _ = _speech_projects(db, make_project)
    user, she = _worker(app, make_user)
    she.get(f"/tasks/{record['slug']}/next")
    assignment = one(db, "SELECT id FROM assignments WHERE user_id = ?", (user["id"],))
    headers = {"X-CSRFToken": she.token}
    traffic.flush(db)
    before = one(db, "SELECT sum(bytes) AS b FROM traffic")["b"] or 0
    state = she.client.post(f"/answers/{assignment['id']}/upload", headers=headers,
                            data={"size": len(CLIP), "type": "audio/webm"}).get_json()
    assert state["offset"] == 0 and not state["done"]
    last = None
    while state["offset"] < len(CLIP):
        at = state["offset"]
        last = CLIP[at:at + 16384]
        state = she.client.post(f"/uploads/{state['key']}?offset={at}", data=last,
                                headers=headers).get_json()
    assert state["done"] and state["next"] == f"/tasks/{record['slug']}/next"
    # The last piece again (its reply was lost): the same answer, nothing stored twice.
    again = she.client.post(f"/uploads/{state['key']}?offset={len(CLIP) - len(last)}",
                            data=last, headers=headers).get_json()
    assert again["done"] and again["next"] == state["next"]
    assert one(db, "SELECT count(*) AS n FROM media WHERE user_id = ?",
               (user["id"],))["n"] == 1
    traffic.flush(db)
    after = one(db, "SELECT sum(bytes) AS b FROM traffic")["b"]
    assert after - before > len(CLIP)  # what she sent counts on her data meter


def test_the_upload_refuses_others_and_says_why_in_her_language(app, db, make_user,
                                                                make_project):
    record, _ = _speech_projects(db, make_project)
    user, she = _worker(app, make_user)
    she.get(f"/tasks/{record['slug']}/next")
    assignment = one(db, "SELECT id FROM assignments WHERE user_id = ?", (user["id"],))
    _, other = _worker(app, make_user)
    other.get("/home")
    refused = other.client.post(f"/answers/{assignment['id']}/upload", data={
        "size": 10, "type": "audio/webm"}, headers={"X-CSRFToken": other.token})
    assert refused.status_code == 404
    noise = b"not sound" * 50
    key = she.client.post(f"/answers/{assignment['id']}/upload", data={
        "size": len(noise), "type": "audio/webm"}, headers={"X-CSRFToken": she.token}
    ).get_json()["key"]
    bad = she.client.post(f"/uploads/{key}?offset=0", data=noise,
                          headers={"X-CSRFToken": she.token})
    assert bad.status_code == 400 and bad.get_json()["retry"]
    assert "பதிவு" in bad.get_json()["message"]


def test_the_listener_hears_the_recording_and_answers_yes_or_no(app, db, make_user,
                                                                make_project):
    from tests.test_recordings import _send
    record, verify = _speech_projects(db, make_project, redundancy=1)
    recorder = make_user()
    done = _send(db, recorder, record)
    user, listener = _worker(app, make_user)
    page = listener.get(f"/tasks/{verify['slug']}/next").get_data(as_text=True)
    media_id = int(done["answer"])
    assert f'<audio class="listen" controls preload="auto" src="/media/{media_id}">' in page
    assert 'data-act="slow"' in page and 'data-act="replay"' in page
    assert re.search(r'capture\.[0-9a-f]{10}\.js', page)
    clip = listener.get(f"/media/{media_id}")
    assert clip.status_code == 200 and clip.mimetype == "audio/ogg"
    assert "max-age" in clip.headers["Cache-Control"]
    assert len(clip.data) < 16 * 1024
    _, stranger = _worker(app, make_user)
    assert stranger.get(f"/media/{media_id}").status_code == 404
    assignment = one(db, "SELECT id FROM assignments WHERE user_id = ?", (user["id"],))
    listener.post(f"/answers/{assignment['id']}", {"answer": "no"})
    assert one(db, "SELECT review_state FROM assignments WHERE id = ?",
               (done["id"],))["review_state"] == "rejected"


def test_her_earnings_page_says_why_a_recording_was_not_paid(app, db, make_user,
                                                            make_project):
    from tests.test_recordings import _send, _verify_all
    record, verify = _speech_projects(db, make_project, redundancy=1)
    user, she = _worker(app, make_user)
    _send(db, user, record)
    _verify_all(db, verify, [make_user()], ["no"])
    page = she.get("/earnings").get_data(as_text=True)
    assert "கேட்டவர்கள்" in page  # "the listeners said", in Tamil


def test_a_record_card_sent_without_a_file_asks_for_the_recording(app, db, make_user,
                                                                  make_project):
    record, _ = _speech_projects(db, make_project)
    user, she = _worker(app, make_user)
    she.get(f"/tasks/{record['slug']}/next")
    assignment = one(db, "SELECT id FROM assignments WHERE user_id = ?", (user["id"],))
    for data in ({}, {"file": (io.BytesIO(b""), "", "application/octet-stream")}):
        refused = she.post(f"/answers/{assignment['id']}", data,
                           content_type="multipart/form-data", htmx=True)
        assert refused.status_code == 400
        assert "வாக்கியத்தைப் படித்துப் பதிவு செய்து" in refused.get_data(as_text=True)
    assert one(db, "SELECT state FROM assignments WHERE id = ?",
               (assignment["id"],))["state"] == "active"

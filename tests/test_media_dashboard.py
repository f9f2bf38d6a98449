"""What a supervisor sees of speech and photo work: hours of accepted speech per language
on her home page, and each annotator's share of answers accepted on the quality page."""

from core import audio, projects, tasks, tasktypes
from tests.test_photos import camera_jpeg


def _record(db, project, worker, seconds, state):
    held = tasks.claim_next(db, worker["id"], project)
    fields = audio.prepare_recording(audio.speechlike_wav(seconds), "audio/wav", 15)
    tasks.record(db, held["id"], worker["id"], tasks.capture_step(fields))
    db.execute("UPDATE assignments SET review_state = ? WHERE id = ?", (state, held["id"]))


def test_the_home_page_gives_hours_of_accepted_speech_per_language(
        visitor, db, make_user, make_project):
    tamil = make_project(task_type="record", tasks=3, redundancy=1, slug="ta-rec")
    db.execute("UPDATE projects SET languages = '[\"ta\", \"en\"]' WHERE id = ?", (tamil["id"],))
    hindi = make_project(task_type="record", tasks=1, redundancy=1, slug="hi-rec")
    db.execute("UPDATE projects SET languages = '[\"hi\"]' WHERE id = ?", (hindi["id"],))
    elsewhere = make_project(task_type="record", tasks=1, redundancy=1, centre="STP",
                             slug="stp-rec")
    worker = make_user()
    _record(db, tamil, worker, 3, "accepted")
    _record(db, tamil, worker, 2, "accepted")
    _record(db, tamil, worker, 4, "rejected")  # her verifiers refused it: not counted
    _record(db, hindi, worker, 1, "accepted")
    _record(db, elsewhere, make_user(centre="STP"), 5, "accepted")
    mine = users_centre(db, worker)
    assert projects.accepted_speech(db, mine) == [
        {"language": "ta", "ms": 5000}, {"language": "hi", "ms": 1000}]
    assert projects.accepted_speech(db, None)[0] == {"language": "ta", "ms": 5000}
    visitor.login(make_user(role="supervisor", lang="ta"))
    page = visitor.get("/supervisor/").get_data(as_text=True)
    speech = page[page.index('id="speech"'):]
    assert "<dt>தமிழ்</dt><dd>0 மணி 0 நிமி</dd>" in speech and "हिन्दी" in speech


def users_centre(db, user):
    return db.execute("SELECT centre_id FROM users WHERE id = ?", (user["id"],)).fetchone()[0]


def test_the_quality_page_gives_each_photographer_her_share_accepted(
        visitor, db, make_user, make_project):
    project = make_project(task_type="photo", tasks=4, redundancy=1)
    worker = make_user()
    for state in ("accepted", "accepted", "rejected", "pending"):
        held = tasks.claim_next(db, worker["id"], project)
        media = tasktypes.of(project).receive(db, project, camera_jpeg((400, 300)), "image/jpeg")
        media_id = projects.add_media(db, project["id"], media, user_id=worker["id"])
        tasks.record_answer(db, held["id"], worker["id"], str(media_id))
        db.execute("UPDATE assignments SET review_state = ? WHERE id = ?", (state, held["id"]))
    visitor.login(make_user(role="supervisor"))
    page = visitor.get(f"/supervisor/quality/{project['id']}").get_data(as_text=True)
    assert "accepted: 67 in 100" in page

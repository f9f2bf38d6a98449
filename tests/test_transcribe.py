"""Transcripts are compared by character error rate over the letters a reader sees: a
one-letter slip in Tamil or Hindi is the same transcript, for a check task and for the
settled answer (the medoid); another sentence is not."""
import sqlite3

import pytest

from core import cer, tasks, tasktypes
from core.db import one

SENTENCE = "நான் நேற்று பள்ளிக்குச் சென்றேன்"
SLIP = "நான் நேற்று பள்ளிகுச் சென்றேன்"  # one letter (க்) left out
OTHER = "அவள் இன்று சந்தைக்குப் போனாள்"
HINDI = "मैं कल बाज़ार गया था"
HINDI_SLIP = "मैं कल बाजार गया था"  # the nukta left out: one letter, not one code point


def test_tamil_letters_are_counted_as_a_reader_sees_them():
    assert cer.graphemes("பள்ளிக்கு") == ["ப", "ள்", "ளி", "க்", "கு"]
    assert cer.graphemes("क्षत्रिय") == ["क्", "ष", "त्", "रि", "य"]
    assert cer.edits("பள்ளிக்கு", "பள்ளிகு") == (1, 5)


def test_a_one_letter_slip_is_the_same_transcript_and_another_sentence_is_not():
    transcribe = tasktypes.TYPES["transcribe"]
    assert transcribe.same(SLIP, SENTENCE) and transcribe.same(SENTENCE + ".", SENTENCE)
    assert transcribe.same(HINDI_SLIP, HINDI)
    assert not transcribe.same(OTHER, SENTENCE)
    assert not transcribe.same("नमस्ते", HINDI)
    assert transcribe.judge(SLIP, SENTENCE) == "accepted"
    assert transcribe.judge(OTHER, SENTENCE) == "rejected"
    # The exact rule of other typed answers would have called the slip a different answer.
    assert not tasktypes.TYPES["free_text"].same(SLIP, SENTENCE)


def test_a_check_task_accepts_her_slip_and_a_strict_project_does_not(db, make_user,
                                                                   make_project):
    project = make_project(task_type="transcribe", tasks=1, gold=SENTENCE, slug="lenient")
    worker = make_user()
    held = tasks.claim_next(db, worker["id"], project)
    assert tasks.record_answer(db, held["id"], worker["id"], SLIP)["review_state"] \
        == "accepted"

    strict = make_project(task_type="transcribe", tasks=1, gold=SENTENCE, slug="strict")
    db.execute("UPDATE projects SET cer_threshold = 0 WHERE id = ?", (strict["id"],))
    held = tasks.claim_next(db, worker["id"], strict)
    assert tasks.record_answer(db, held["id"], worker["id"], SLIP)["review_state"] \
        == "rejected"


def test_three_transcripts_settle_on_the_one_closest_to_the_others(db, make_user,
                                                                  make_project):
    project = make_project(task_type="transcribe", tasks=1, redundancy=3)
    for answer in (OTHER, SLIP, SENTENCE):
        worker = make_user()
        held = tasks.claim_next(db, worker["id"], project)
        tasks.record_answer(db, held["id"], worker["id"], answer)
    task = one(db, "SELECT aggregate, confidence, status FROM tasks")
    assert task["aggregate"] in (SLIP, SENTENCE) and task["status"] == "done"
    assert task["confidence"] == pytest.approx(2 / 3)
    states = dict(db.execute("SELECT answer, review_state FROM assignments").fetchall())
    assert states == {OTHER: "pending", SLIP: "accepted", SENTENCE: "accepted"}


def test_the_medoid_is_the_transcript_nearest_the_others():
    texts = [OTHER, SLIP, SENTENCE, SENTENCE + " இல்லை"]
    assert texts[cer.medoid(texts)] == SENTENCE


def test_a_threshold_outside_what_makes_sense_is_refused_by_the_database(db, make_project):
    project = make_project(task_type="transcribe", tasks=0)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE projects SET cer_threshold = 0.9 WHERE id = ?", (project["id"],))


def _clip_project(db, make_project):
    import io
    import zipfile

    from core import clips, importing
    project = make_project(task_type="transcribe", tasks=0, redundancy=2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("m.csv", "file,id\na.wav,c-1\n")
        archive.writestr("a.wav", clips.tone(1))
    importing.import_tasks(db, project, out.getvalue(), "clips.zip")
    return project


def test_her_card_plays_the_clip_and_a_reviewer_hears_it_too(app, db, make_user,
                                                             make_project):
    from tests.conftest import Visitor
    project = _clip_project(db, make_project)
    # Every answer drawn for review, so the reviewer's queue shows it (core.review_plan).
    db.execute("UPDATE projects SET review_share = 1 WHERE id = ?", (project["id"],))
    worker = Visitor(app.test_client())
    worker.login(make_user(lang="ta"))
    page = worker.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    media_id = one(db, "SELECT media_id FROM tasks")["media_id"]
    assert f'<audio controls preload="none" src="/media/{media_id}">' in page
    assert "<img" not in page[page.index('id="task"'):]
    clip = worker.get(f"/media/{media_id}")
    assert clip.status_code == 200 and clip.mimetype == "audio/ogg"
    assert "max-age" in clip.headers["Cache-Control"]
    assert Visitor(app.test_client()).get(f"/media/{media_id}").status_code != 200
    assignment_id = one(db, "SELECT id FROM assignments")["id"]
    worker.post(f"/answers/{assignment_id}", {"answer": SENTENCE})
    reviewer = Visitor(app.test_client())
    reviewer.login(make_user(role="supervisor"))
    queue = reviewer.get("/supervisor/review").get_data(as_text=True)
    assert f'<audio controls preload="none" src="/supervisor/review/media/{media_id}">' in queue

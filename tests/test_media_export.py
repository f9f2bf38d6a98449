"""The export of photos, recordings and transcripts: a zip, streamed, with a manifest of
every answer with its file, length, check and review state."""
import csv
import io
import zipfile

from PIL import Image

from core import exporting, importing, photos, projects, tasks
from core.clips import tone
from core.db import one
from tests.test_photos import camera_jpeg


def _answered_photos(db, make_user, make_project):
    project = make_project(task_type="photo", tasks=2, redundancy=1)
    worker = make_user()
    made = []
    for _ in range(2):
        held = tasks.claim_next(db, worker["id"], project)
        media = photos.prepare_photo(camera_jpeg((900, 600)), 1280, 204800, False)
        made.append(projects.add_media(db, project["id"], media, user_id=worker["id"]))
        tasks.record_answer(db, held["id"], worker["id"], str(made[-1]))
    return project, made


def test_the_zip_holds_each_photo_as_kept_and_a_manifest_row_for_it(db, make_user,
                                                                     make_project):
    project, made = _answered_photos(db, make_user, make_project)
    pieces = list(exporting.export_zip(db, project["id"], b"k" * 32))
    assert len(pieces) > 2, "the zip is sent in pieces as it is made"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.testzip() is None
    assert archive.namelist() == ["manifest.csv", *(f"photos/{m}.jpg" for m in made)]
    for media_id in made:
        kept = archive.read(f"photos/{media_id}.jpg")
        assert kept == next(db.query("SELECT original FROM media WHERE id = ?",
                                     (media_id,)))["original"]
        assert "exif" not in Image.open(io.BytesIO(kept)).info
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [(r["file"], r["review_state"], r["answer"]) for r in rows] == \
        [(f"photos/{m}.jpg", "pending", f"photos/{m}.jpg") for m in made]


def test_a_transcription_export_lists_each_transcript_by_its_clip(db, make_user,
                                                                  make_project):
    project = make_project(task_type="transcribe", tasks=0, redundancy=1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("m.csv", "file,id,gold\na.wav,c-1,\nb.wav,c-2,வணக்கம்\n")
        archive.writestr("a.wav", tone(1))
        archive.writestr("b.wav", tone(1, hz=300))
    importing.import_tasks(db, project, out.getvalue(), "clips.zip")
    worker = make_user()
    typed = {"c-1": "காலை வணக்கம்", "c-2": "வணக்கம"}  # c-2: one slip from its check
    for _ in typed:
        held = tasks.claim_next(db, worker["id"], project)
        client_id = one(db, "SELECT client_id FROM tasks WHERE id = ?",
                        (held["task_id"],))["client_id"]
        tasks.record_answer(db, held["id"], worker["id"], typed[client_id])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(
        exporting.export_zip(db, project["id"], b"k" * 32))))
    assert archive.namelist() == ["manifest.csv"]  # the clips are the client's own
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert {(r["client_id"], r["image"], r["gold"], r["answer"], r["review_state"])
            for r in rows} == {("c-1", "a.wav", "", "காலை வணக்கம்", "accepted"),
                               ("c-2", "b.wav", "வணக்கம்", "வணக்கம", "accepted")}


def test_a_supervisor_downloads_the_zip_uncompressed_by_the_app(visitor, db, make_user,
                                                                make_project):
    project, made = _answered_photos(db, make_user, make_project)
    visitor.login(make_user(role="supervisor", lang="ta"))
    assert f"/supervisor/projects/{project['id']}/export.zip" in visitor.get(
        "/supervisor/data").get_data(as_text=True)
    response = visitor.get(f"/supervisor/projects/{project['id']}/export.zip",
                           headers={"Accept-Encoding": "br, gzip"})
    assert response.mimetype == "application/zip" and "Content-Encoding" not in response.headers
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert names == ["manifest.csv", *(f"photos/{m}.jpg" for m in made)]
    visitor.login(make_user(role="supervisor", centre="STP"))
    assert visitor.get(f"/supervisor/projects/{project['id']}/export.zip").status_code == 404


def _manifest(db, project_id):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(
        exporting.export_zip(db, project_id, b"k" * 32))))
    return list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))


def test_each_recording_carries_its_verifications_and_its_transcript_task_its_file(
        db, make_user, make_project):
    from tests.test_recordings import _send, _speech_projects, _transcribed, _verify_all
    record, verify = _speech_projects(db, make_project, redundancy=3)
    record, write_it = _transcribed(db, make_project, record)
    she = make_user()
    good, bad = _send(db, she, record), _send(db, she, record)
    listeners = [make_user() for _ in range(3)]
    _verify_all(db, verify, listeners, ["yes", "yes", "no"])
    _verify_all(db, verify, listeners, ["no", "no", "no"])
    rows = {r["file"]: r for r in _manifest(db, record["id"])}
    kept = {m: exporting.media_path(one(db, "SELECT * FROM media WHERE id = ?", (m,)))
            for m in (int(good["answer"]), int(bad["answer"]))}
    assert [tuple(rows[kept[int(a["answer"])]][c] for c in (
        "verified_yes", "verified_no", "verdict", "review_state")) for a in (good, bad)] == [
        ("2", "1", "yes", "accepted"), ("0", "3", "no", "rejected")]
    writer = make_user()
    held = tasks.claim_next(db, writer["id"], write_it)
    tasks.record_answer(db, held["id"], writer["id"], "வணக்கம்")
    transcripts = _manifest(db, write_it["id"])
    assert [(r["recording"], r["answer"], r["text"]) for r in transcripts] == [
        (kept[int(good["answer"])], "வணக்கம்", "")]

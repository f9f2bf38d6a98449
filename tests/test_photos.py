"""Photos she takes: scaled to the project's size, stripped of EXIF and every other piece
of metadata, the location kept only when the project asks and the card tells her so."""
import io
import sqlite3
import struct
import zlib

import pytest
from PIL import ExifTags, Image

from core import photos, projects, tasks, tasktypes
from core.db import one
from core.errors import Invalid
from tests.conftest import Visitor


def camera_jpeg(size=(3000, 2000), orientation=None) -> bytes:
    """A phone camera's JPEG: maker, model, serial, time, GPS and an ICC profile."""
    image = Image.effect_noise(size, 60).convert("RGB")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Model] = "P1"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    exif[ExifTags.Base.DateTime] = "2026:12:01 10:00:00"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                  ExifTags.GPS.GPSLatitude: (10.0, 57.0, 36.0),
                                  ExifTags.GPS.GPSLongitudeRef: "E",
                                  ExifTags.GPS.GPSLongitude: (78.0, 4.0, 48.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif, icc_profile=b"\0" * 128,
               comment=b"taken at home")
    return out.getvalue()


def _metadata(data: bytes) -> dict:
    image = Image.open(io.BytesIO(data))
    return {key: value for key, value in image.info.items()
            if key in ("exif", "icc_profile", "comment", "xmp", "photoshop")}


def test_a_camera_photo_is_scaled_to_the_project_size_with_no_metadata_left():
    sent = camera_jpeg()
    row = photos.prepare_photo(sent, 1280, 200 * 1024, keep_location=False)
    kept = Image.open(io.BytesIO(row["original"]))
    assert max(kept.size) == 1280 and len(row["original"]) <= 200 * 1024
    assert row["original_type"] == "image/jpeg" and row["original"] != sent
    assert _metadata(row["original"]) == {} and _metadata(row["data"]) == {}
    assert not kept.getexif()
    small = Image.open(io.BytesIO(row["data"]))
    assert small.format == "WEBP" and small.width <= 360 and len(row["data"]) <= 40 * 1024
    assert (row["width"], row["height"]) == small.size and row["kind"] == "image"


def test_a_photo_held_sideways_is_kept_upright():
    row = photos.prepare_photo(camera_jpeg((1600, 1200), orientation=6), 1280, 200 * 1024,
                               keep_location=False)
    width, height = Image.open(io.BytesIO(row["original"])).size
    assert width < height == 1280 or width < height < 1280 and width * 4 == height * 3


def test_a_project_that_keeps_location_keeps_the_gps_and_nothing_else():
    row = photos.prepare_photo(camera_jpeg(), 1280, 200 * 1024, keep_location=True)
    exif = Image.open(io.BytesIO(row["original"])).getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert ExifTags.Base.Make not in exif and ExifTags.Base.BodySerialNumber not in exif
    assert _metadata(row["data"]) == {}  # the copy phones and pages see has none


def test_what_is_not_a_photo_is_refused_before_anything_is_decoded():
    with pytest.raises(Invalid) as refused:
        photos.prepare_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", 1280, 204800, False)
    assert refused.value.code == "not_a_photo"
    # A tiny PNG whose header claims 10,000 x 10,000 pixels: refused by its header.
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    bomb = bytearray(png.getvalue())
    ihdr = bomb.index(b"IHDR")
    bomb[ihdr + 4:ihdr + 12] = struct.pack(">II", 10_000, 10_000)
    bomb[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(bomb[ihdr:ihdr + 17])))
    with pytest.raises(Invalid) as refused:
        photos.prepare_photo(bytes(bomb), 1280, 204800, False)
    assert refused.value.code == "photo_too_large"
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(Invalid):
        photos.prepare_photo(out.getvalue(), 1280, 204800, False)


def test_her_answer_is_a_photo_of_this_project_and_waits_for_review(db, make_user,
                                                                 make_project):
    project = make_project(task_type="photo", tasks=1, redundancy=1)
    other = make_project(task_type="photo", tasks=0, slug="other")
    worker = make_user()
    photo = tasktypes.of(project)
    media = photo.receive(db, project, camera_jpeg((800, 600)), "image/jpeg")
    mine = projects.add_media(db, project["id"], media, user_id=worker["id"])
    theirs = projects.add_media(db, other["id"], media, user_id=worker["id"])
    held = tasks.claim_next(db, worker["id"], project)
    for wrong in (str(theirs), "x", "", f"{mine}.0"):
        with pytest.raises(Invalid):
            tasks.record_answer(db, held["id"], worker["id"], wrong)
    done = tasks.record_answer(db, held["id"], worker["id"], str(mine))
    assert done["answer"] == str(mine) and done["review_state"] == "pending"
    assert one(db, "SELECT status, aggregate FROM tasks WHERE project_id = ?",
               (project["id"],)) == {"status": "done", "aggregate": None}
    stored = one(db, "SELECT kind, user_id, original_type FROM media WHERE id = ?", (mine,))
    assert stored == {"kind": "image", "user_id": worker["id"], "original_type": "image/jpeg"}


@pytest.mark.parametrize("keep, said", [
    (0, "இடமும் உங்கள் மொபைலின் விவரங்களும்"), (1, "இடத்தை")])
def test_the_card_opens_the_camera_and_says_in_her_language_what_is_kept(
        app, db, make_user, make_project, keep, said):
    project = make_project(task_type="photo", tasks=1, redundancy=1)
    db.execute("UPDATE projects SET keep_location = ? WHERE id = ?", (keep, project["id"]))
    worker = Visitor(app.test_client())
    worker.login(make_user(lang="ta"))
    page = worker.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert 'type="file" name="file" accept="image/*" capture="environment"' in page
    assert said in page


def test_photo_sizes_outside_what_a_phone_can_send_are_refused_by_the_database(
        db, make_project):
    project = make_project(task_type="photo", tasks=0)
    for column, value in (("photo_max_px", 100), ("photo_max_bytes", 10**9),
                          ("keep_location", 2)):
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(f"UPDATE projects SET {column} = ? WHERE id = ?", (value, project["id"]))


def test_a_supervisor_sets_photo_size_location_and_transcript_tolerance_on_the_form(
        visitor, db, make_user):
    from tests.test_projects_admin import form
    meena = make_user(role="supervisor", password="long-password")
    visitor.login(meena, password="long-password")
    page = visitor.get("/supervisor/projects/new").get_data(as_text=True)
    assert 'name="keep_location" value="0" checked' in page.replace("\n", " ") or \
        'value="0" checked' in page
    response = visitor.post("/supervisor/projects/new", form(
        task_type="photo", status="draft", keep_location="1", photo_max_px="800",
        cer_percent="5"))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    saved = one(db, "SELECT keep_location, photo_max_px, cer_threshold FROM projects")
    assert saved == {"keep_location": 1, "photo_max_px": 800, "cer_threshold": 0.05}
    refused = visitor.post("/supervisor/projects/new", form(
        slug="other-photos", task_type="photo", keep_location="2", photo_max_px="99999",
        cer_percent="90"))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for name in ("keep_location", "photo_max_px", "cer_percent"):
        assert f'id="{name}-error"' in body, name


def test_a_photo_answer_naming_someone_elses_photo_is_refused_by_the_database(
        db, make_user, make_project):
    project = make_project(task_type="photo", tasks=1, redundancy=1)
    her, other = make_user(), make_user()
    media = photos.prepare_photo(camera_jpeg((400, 300)), 1280, 204800, False)
    theirs = projects.add_media(db, project["id"], media, user_id=other["id"])
    mine = projects.add_media(db, project["id"], media, user_id=her["id"])
    held = tasks.claim_next(db, her["id"], project)
    with pytest.raises(sqlite3.IntegrityError, match="capture_not_hers"):
        db.execute("UPDATE assignments SET answer = ? WHERE id = ?", (str(theirs), held["id"]))
    with pytest.raises(sqlite3.IntegrityError, match="capture_not_hers"):
        db.execute("UPDATE assignments SET answer = 'x' WHERE id = ?", (held["id"],))
    db.execute("UPDATE assignments SET answer = ? WHERE id = ?", (str(mine), held["id"]))
    assert one(db, "SELECT answer FROM assignments")["answer"] == str(mine)

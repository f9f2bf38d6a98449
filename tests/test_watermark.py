"""Watermarks (#19): the picture an annotator is served carries her pseudonym and the day,
differs from anyone else's, stays within the picture budget; the supervisor's view and
the export carry none; a client may turn it off."""
import io
import random
import time

import pytest
from PIL import Image, ImageChops

from core import projects, watermark
from core.db import one
from core.demo import leaf_picture
from core.media import MAX_BYTES, prepare_image


@pytest.fixture
def picture_task(db, make_user, make_project):
    project = make_project(tasks=0, task_type="yes_no", redundancy=2)
    projects.add_tasks(db, project["id"], [
        {"image": prepare_image(leaf_picture("healthy", random.Random(2)))}])
    media = one(db, "SELECT m.* FROM media m JOIN tasks t ON t.media_id = m.id"
                    " WHERE t.project_id = ?", (project["id"],))
    return project, media


def _fetch(app, visitor, user, project, media_id):
    other = type(visitor)(app.test_client())
    other.login(user)
    other.get(f"/tasks/{project['slug']}/next")
    response = other.get(f"/media/{media_id}")
    assert response.status_code == 200
    return response.get_data()


def _pixels(data):
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_each_annotator_gets_her_own_marked_picture(app, db, visitor, make_user, picture_task):
    project, media = picture_task
    kavitha, priya, boss = make_user(), make_user(), make_user("supervisor")
    hers = _fetch(app, visitor, kavitha, project, media["id"])
    others = _fetch(app, visitor, priya, project, media["id"])
    plain = media["data"]
    assert len(hers) <= MAX_BYTES and len(others) <= MAX_BYTES
    assert hers != plain and others != plain and hers != others
    # Decoded, the mark changes some pixels, lightly: the picture stays the picture.
    diff = ImageChops.difference(_pixels(plain), _pixels(hers))
    assert diff.getbbox() is not None
    assert sum(diff.convert("L").histogram()[60:]) < 0.05 * diff.width * diff.height
    # Her mark is the pseudonym the client's export names her by.
    text = watermark.mark_text(app.secret_key.encode(), project["id"], kavitha["id"],
                               watermark.india_day())
    again = watermark.render(plain, text)
    assert again == hers
    # The supervisor's views serve the plain picture.
    staff = type(visitor)(app.test_client())
    staff.login(boss)
    for path in (f"/supervisor/media/{media['id']}", f"/supervisor/review/media/{media['id']}"):
        assert staff.get(path).get_data() == plain
    export = staff.get(f"/supervisor/projects/{project['id']}/export.jsonl").get_data()
    assert f"media/{media['id']}".encode() in export and b"RIFF" not in export


def test_a_client_may_turn_marks_off(app, db, visitor, make_user, picture_task):
    project, media = picture_task
    db.execute("UPDATE clients SET watermark = 0 WHERE id = ?", (project["client_id"] or
               one(db, "SELECT client_id FROM projects WHERE id = ?",
                   (project["id"],))["client_id"],))
    assert _fetch(app, visitor, make_user(), project, media["id"]) == media["data"]


def test_render_cost_and_cache_hit(db, picture_task):
    project, media = picture_task
    watermark._cache.clear()
    start = time.perf_counter()
    first = watermark.for_annotator(db, media, 7, b"k")
    rendered = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(100):
        hit = watermark.for_annotator(db, media, 7, b"k")
    cached = (time.perf_counter() - start) / 100
    assert hit["data"] == first["data"]
    assert cached < rendered / 10
    print(f"watermark render {rendered * 1000:.1f} ms, cache hit {cached * 1e6:.0f} µs,"
          f" {len(first['data'])} bytes (plain {len(media['data'])})")


def test_the_clients_page_turns_marks_off_and_on(app, db, visitor, make_user, picture_task):
    project, media = picture_task
    client_id = one(db, "SELECT client_id FROM projects WHERE id = ?",
                    (project["id"],))["client_id"]
    visitor.login(make_user("supervisor"))
    page = visitor.get("/supervisor/clients").get_data(as_text=True)
    assert "faint mark" in page
    assert visitor.post(f"/supervisor/clients/{client_id}/watermark", {}).status_code == 303
    assert one(db, "SELECT watermark FROM clients WHERE id = ?", (client_id,))["watermark"] == 0
    assert not watermark.wanted(db, project["id"])
    visitor.post(f"/supervisor/clients/{client_id}/watermark", {"watermark": "1"})
    assert watermark.wanted(db, project["id"])
    assert one(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'client.watermark'")[
        "n"] == 2

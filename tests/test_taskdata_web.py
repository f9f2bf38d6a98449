"""A supervisor's task data on the web: import, reported tasks, export, and no other
centre's data."""
import csv
import io
import json

import pytest

from core import tasks
from core.db import one
from core.exporting import pseudonym

TAMIL_CSV = "\ufeffid,text\nk-1,இந்தக் கடை நல்லது\nk-2,சேவை மோசம்\n".encode()


@pytest.fixture
def meena(make_user, visitor):
    """A supervisor of centre KRR, logged in, working in Tamil."""
    user = make_user(role="supervisor", lang="ta")
    visitor.login(user)
    return user


def _upload(visitor, project_id, data, name="tasks.csv", **form):
    return visitor.post(f"/supervisor/projects/{project_id}/import",
                        {"file": (io.BytesIO(data), name), **form},
                        content_type="multipart/form-data")


def _report(db, project, worker, reason="broken"):
    assignment = tasks.claim_next(db, worker["id"], project)
    tasks.skip(db, assignment["id"], worker["id"], reason)
    return assignment["task_id"]


def _audit(db, action):
    return [json.loads(r["detail"]) | {"subject": r["subject"], "actor": r["actor_id"]}
            for r in db.query("SELECT * FROM audit_log WHERE action = ?", (action,))]


# -- import ---------------------------------------------------------------------------

def test_import_form_is_in_her_language(meena, visitor, make_project):
    project = make_project(tasks=0)
    page = visitor.get(f"/supervisor/projects/{project['id']}/import")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "கோப்பு" in html and 'enctype="multipart/form-data"' in html


def test_a_tamil_csv_uploaded_becomes_tasks_and_the_result_page_says_how_many(
        meena, visitor, db, make_project):
    project = make_project(tasks=0)
    response = _upload(visitor, project["id"], TAMIL_CSV)
    assert response.status_code == 303
    rows = list(db.query("SELECT client_id, payload_text, status FROM tasks ORDER BY id"))
    assert rows == [{"client_id": "k-1", "payload_text": "இந்தக் கடை நல்லது", "status": "open"},
                    {"client_id": "k-2", "payload_text": "சேவை மோசம்", "status": "open"}]
    assert _audit(db, "tasks.import")[0]["actor"] == meena["id"]
    result = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 பணிகள் ஏற்றப்பட்டன" in result
    assert "2 வரிசைகள் சரிபார்க்கப்பட்டன" in result


def test_a_bad_upload_lists_every_problem_by_line_in_her_language_and_writes_nothing(
        meena, visitor, db, make_project):
    project = make_project(tasks=0)
    data = "text,gold\nநல்லது,pos\n,pos\nசரி,happy\n".encode()
    response = _upload(visitor, project["id"], data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "எதுவும் ஏற்றப்படவில்லை" in html  # nothing was imported
    assert "வரி 3" in html and "வரி 4" in html and "வரி 2" not in html
    assert "happy" in html
    assert db["tasks"].count == 0 and not _audit(db, "tasks.import")


def test_duplicates_are_skipped_when_she_chooses_it(meena, visitor, db, make_project):
    project = make_project(tasks=0)
    assert _upload(visitor, project["id"], TAMIL_CSV).status_code == 303
    again = TAMIL_CSV + "k-3,புதியது\n".encode()
    refused = _upload(visitor, project["id"], again)
    assert refused.status_code == 400 and db["tasks"].count == 2
    assert 'value="refuse" checked' in refused.get_data(as_text=True)
    done = _upload(visitor, project["id"], again, duplicates="skip")
    assert done.status_code == 303 and db["tasks"].count == 3
    result = visitor.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 பணி ஏற்றப்பட்டது" in result and "2 வரிசைகள் தவிர்க்கப்பட்டன" in result


def test_an_upload_without_a_file_is_refused(meena, visitor, make_project):
    project = make_project(tasks=0)
    response = visitor.post(f"/supervisor/projects/{project['id']}/import", {},
                            content_type="multipart/form-data")
    assert response.status_code == 400 and "கோப்பைத் தேர்வு" in response.get_data(as_text=True)


def test_an_upload_over_the_limit_is_refused_and_nothing_written(meena, visitor, db,
                                                                 make_project, monkeypatch):
    from core import importing
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 10_000)
    project = make_project(tasks=0)
    response = _upload(visitor, project["id"], b"text\n" + b"x" * 200_000 + b"\n")
    assert response.status_code == 413
    assert "மிகப் பெரியது" in response.get_data(as_text=True)
    assert db["tasks"].count == 0


def test_an_upload_may_be_larger_than_the_apps_1_mb_limit(meena, visitor, db, make_project):
    project = make_project(tasks=0)
    data = ("text\n" + "".join(f"வாக்கியம் {i}\n" for i in range(60_000))).encode()
    assert len(data) > 1024 * 1024
    assert _upload(visitor, project["id"], data).status_code == 303
    assert db["tasks"].count == 60_000


def test_an_upload_without_its_csrf_token_is_refused(meena, visitor, db, make_project):
    project = make_project(tasks=0)
    response = visitor.post(f"/supervisor/projects/{project['id']}/import",
                            {"file": (io.BytesIO(TAMIL_CSV), "t.csv")}, csrf=False,
                            content_type="multipart/form-data")
    assert response.status_code == 400 and db["tasks"].count == 0


# -- reported tasks -----------------------------------------------------------------

def test_reported_tasks_are_listed_with_their_reasons_held_first(meena, visitor, db,
                                                                 make_user, make_project):
    project = make_project(tasks=3)
    a, b, c = (make_user() for _ in range(3))
    held = _report(db, project, a)
    _report(db, project, b)  # the same first task: two reports hold it
    tasks.skip(db, tasks.claim_next(db, c["id"], project)["id"], c["id"], "unclear")
    assert one(db, "SELECT status FROM tasks WHERE id = ?", (held,))["status"] == "held"
    html = visitor.get(f"/supervisor/projects/{project['id']}/reported").get_data(as_text=True)
    assert f"பணி {held}" in html
    assert "கோளாறு: 2" in html  # broken: 2
    assert "Sentence 0" in html and "Sentence 1" not in html  # skips alone are not reports


def test_she_corrects_the_text_then_releases_the_task_to_the_pool(meena, visitor, db,
                                                                  make_user, make_project):
    project = make_project(tasks=2)
    workers = [make_user() for _ in range(2)]
    task_id = [_report(db, project, w) for w in workers][0]
    url = f"/supervisor/projects/{project['id']}/reported"
    visitor.get(url)
    fixed = visitor.post(f"/supervisor/tasks/{task_id}/text", {"text": " சரியான வாக்கியம் "})
    assert fixed.status_code == 303 and fixed.headers["Location"].startswith(url)
    task = one(db, "SELECT * FROM tasks WHERE id = ?", (task_id,))
    assert (task["payload_text"], task["status"]) == ("சரியான வாக்கியம்", "held")
    assert _audit(db, "task.correct")[0]["old"] == "Sentence 0"
    assert visitor.post(f"/supervisor/tasks/{task_id}/release").status_code == 303
    task = one(db, "SELECT * FROM tasks WHERE id = ?", (task_id,))
    assert (task["status"], task["reports_count"]) == ("open", 0)
    assert _audit(db, "task.release")[0]["was"] == "held"
    newcomer = make_user()
    assert tasks.claim_next(db, newcomer["id"], project)["task_id"] == task_id
    assert "சரியான வாக்கியம்" not in visitor.get(url).get_data(as_text=True)


def test_an_empty_correction_is_refused(meena, visitor, db, make_user, make_project):
    project = make_project(tasks=1)
    task_id = _report(db, project, make_user())
    response = visitor.post(f"/supervisor/tasks/{task_id}/text", {"text": "  "})
    assert response.status_code == 400
    assert one(db, "SELECT payload_text FROM tasks")["payload_text"] == "Sentence 0"


def test_a_removed_task_is_never_claimed_keeps_its_answers_and_leaves_the_counts(
        meena, visitor, db, make_user, make_project):
    project = make_project(tasks=2)
    first, second = make_user(), make_user()
    answered = tasks.claim_next(db, first["id"], project)
    tasks.record_answer(db, answered["id"], first["id"], "pos")
    holding = tasks.claim_next(db, second["id"], project)  # the same task, on lease
    task_id = answered["task_id"]
    assert visitor.post(f"/supervisor/tasks/{task_id}/remove").status_code == 303
    assert one(db, "SELECT status FROM tasks WHERE id = ?", (task_id,))["status"] == "removed"
    assert db["assignments"].count == 2  # the answer stays
    with pytest.raises(Exception) as late:
        tasks.record_answer(db, holding["id"], second["id"], "pos")
    assert getattr(late.value, "code", None) == "expired"
    third = make_user()
    assert tasks.claim_next(db, third["id"], project)["task_id"] != task_id
    overview = visitor.get("/supervisor/data").get_data(as_text=True)
    assert "0 / 1" in overview or "1 இல் 0" in overview or ": 0 of 1" in overview \
        or "1-இல் 0" in overview
    assert _audit(db, "task.remove")[0]["subject"] == f"task:{task_id}"


# -- export -------------------------------------------------------------------------

def _answered_project(db, make_user, make_project):
    project = make_project(tasks=0, redundancy=2)
    from core import importing
    importing.import_tasks(db, project, "id,text,gold\nc-1,=SUM(A1:A9),\nc-2,@நல்லது,\n"
                           "c-3,இந்தக் கடை நல்லது,\n".encode(), "t.csv")
    workers = [make_user() for _ in range(2)]
    for worker in workers:
        for _ in range(2):
            a = tasks.claim_next(db, worker["id"], project)
            tasks.record_answer(db, a["id"], worker["id"], "pos", seconds=7)
    return project, workers


def test_csv_export_opens_as_excel_reads_it_with_tamil_intact_and_formulas_neutralised(
        meena, visitor, db, make_user, make_project, app):
    project, workers = _answered_project(db, make_user, make_project)
    response = visitor.get(f"/supervisor/projects/{project['id']}/export.csv",
                           headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and response.is_streamed
    assert "Content-Encoding" not in response.headers  # streamed as it is read
    assert response.headers["Content-Disposition"].endswith('.csv"')
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["text"] for r in rows] == ["'=SUM(A1:A9)", "'=SUM(A1:A9)", "'@நல்லது",
                                         "'@நல்லது", "இந்தக் கடை நல்லது"]
    assert rows[0]["client_id"] == "c-1" and rows[0]["seconds"] == "7"
    assert rows[0]["aggregate"] == "pos" and rows[0]["review_state"] == "accepted"
    assert rows[-1]["answer"] == "" and rows[-1]["status"] == "open"
    secret = app.secret_key.encode()
    assert {r["annotator"] for r in rows[:2]} == {pseudonym(secret, project["id"], w["id"])
                                                  for w in workers}
    assert not any(w["login"] in data.decode("utf-8-sig") for w in workers)


def test_pseudonyms_are_stable_in_a_project_and_differ_between_projects():
    assert pseudonym(b"k", 1, 5) == pseudonym(b"k", 1, 5)
    assert pseudonym(b"k", 1, 5) != pseudonym(b"k", 2, 5) != pseudonym(b"k", 1, 6)
    assert pseudonym(b"k", 1, 5) != pseudonym(b"other", 1, 5)


def test_jsonl_export_has_each_task_with_its_answers(meena, visitor, db, make_user,
                                                     make_project):
    project, _ = _answered_project(db, make_user, make_project)
    response = visitor.get(f"/supervisor/projects/{project['id']}/export.jsonl")
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [t["client_id"] for t in lines] == ["c-1", "c-2", "c-3"]
    assert lines[2]["text"] == "இந்தக் கடை நல்லது" and lines[2]["answers"] == []
    assert [a["seconds"] for a in lines[0]["answers"]] == [7, 7]
    assert lines[0]["text"] == "=SUM(A1:A9)"  # JSON is data, not a spreadsheet


def test_the_data_screen_links_every_project_of_her_centre(meena, visitor, make_project):
    mine = make_project(tasks=0)
    make_project(tasks=0, centre="STP")
    html = visitor.get("/supervisor/data").get_data(as_text=True)
    assert f"/supervisor/projects/{mine['id']}/import" in html
    assert html.count("/import\"") == 1
    assert "/supervisor/data" in visitor.get("/supervisor/").get_data(as_text=True)


# -- another centre -----------------------------------------------------------------

def test_a_supervisor_of_another_centre_is_refused_on_every_screen(
        visitor, db, make_user, make_project):
    project = make_project(tasks=2, centre="KRR")
    task_id = _report(db, project, make_user())
    visitor.login(make_user(role="supervisor", centre="STP"))
    before = list(db.query("SELECT * FROM tasks ORDER BY id"))
    pid = project["id"]
    for url in (f"/supervisor/projects/{pid}/import", f"/supervisor/projects/{pid}/reported",
                f"/supervisor/projects/{pid}/export.csv",
                f"/supervisor/projects/{pid}/export.jsonl"):
        assert visitor.get(url).status_code == 404, url
    visitor.get("/supervisor/data")
    assert _upload(visitor, pid, TAMIL_CSV).status_code == 404
    for action, data in (("text", {"text": "changed"}), ("release", {}), ("remove", {})):
        assert visitor.post(f"/supervisor/tasks/{task_id}/{action}", data).status_code == 404
    audit_id = one(db, "SELECT max(id) AS id FROM audit_log")["id"]
    assert visitor.get(f"/supervisor/projects/{pid}/import/{audit_id}").status_code == 404
    assert list(db.query("SELECT * FROM tasks ORDER BY id")) == before
    assert not _audit(db, "task.correct") + _audit(db, "task.release") + \
        _audit(db, "task.remove")
    assert f"projects/{pid}/" not in visitor.get("/supervisor/data").get_data(as_text=True)


def test_an_import_result_of_one_project_is_not_shown_under_another(meena, visitor, db,
                                                                    make_project):
    first, second = make_project(tasks=0, slug="a"), make_project(tasks=0, slug="b")
    done = _upload(visitor, first["id"], TAMIL_CSV)
    audit_id = done.headers["Location"].rsplit("/", 1)[1]
    assert visitor.get(f"/supervisor/projects/{second['id']}/import/{audit_id}"
                       ).status_code == 404


def test_annotators_cannot_open_the_task_data_screens(visitor, make_user, make_project):
    project = make_project(tasks=1)
    visitor.login(make_user())
    assert visitor.get("/supervisor/data").status_code == 403
    assert visitor.get(f"/supervisor/projects/{project['id']}/export.csv").status_code == 403


def test_an_admin_sees_every_centre(visitor, make_user, make_project):
    project = make_project(tasks=1, centre="STP")
    visitor.login(make_user(role="admin"))
    assert visitor.get(f"/supervisor/projects/{project['id']}/reported").status_code == 200


@pytest.mark.parametrize("lang,word", [("hi", "काम जोड़ें"), ("en", "Import tasks"),
                                       ("ta", "பணிகளை ஏற்றுங்கள்")])
def test_every_task_data_screen_speaks_her_language(visitor, db, make_user, make_project,
                                                    lang, word):
    project = make_project(tasks=2)
    _report(db, project, make_user())
    visitor.login(make_user(role="supervisor", lang=lang))
    done = _upload(visitor, project["id"], TAMIL_CSV)
    pid = project["id"]
    for url in ("/supervisor/data", f"/supervisor/projects/{pid}/import",
                done.headers["Location"], f"/supervisor/projects/{pid}/reported"):
        page = visitor.get(url)
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.get_data(
            as_text=True), url
    assert word in visitor.get("/supervisor/data").get_data(as_text=True)
    reported = visitor.get(f"/supervisor/projects/{pid}/reported").get_data(as_text=True)
    assert {"hi": "गड़बड़ी: 1", "en": "Broken: 1", "ta": "கோளாறு: 1"}[lang] in reported


def test_a_finished_task_can_be_removed_and_released_back_to_done(meena, visitor, db,
                                                                  make_user, make_project):
    project = make_project(tasks=1, redundancy=1)
    worker = make_user()
    a = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, a["id"], worker["id"], "pos")
    assert visitor.post(f"/supervisor/tasks/{a['task_id']}/remove").status_code == 303
    assert one(db, "SELECT status FROM tasks")["status"] == "removed"
    assert visitor.post(f"/supervisor/tasks/{a['task_id']}/release").status_code == 303
    assert one(db, "SELECT status FROM tasks")["status"] == "done"
    assert [e["was"] for e in _audit(db, "task.release")] == ["removed"]


def test_she_sees_the_picture_of_a_reported_task_and_no_other_centre_does(
        visitor, db, make_user, make_project):
    from PIL import Image

    from core import media, projects
    project = make_project(tasks=0)
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (0, 120, 0)).save(out, "PNG")
    projects.add_tasks(db, project["id"], [{"image": media.prepare_image(out.getvalue())}])
    _report(db, project, make_user())
    media_id = one(db, "SELECT media_id FROM tasks")["media_id"]
    visitor.login(make_user(role="supervisor"))
    html = visitor.get(f"/supervisor/projects/{project['id']}/reported").get_data(as_text=True)
    assert f'src="/supervisor/media/{media_id}"' in html and 'width="360"' in html
    picture = visitor.get(f"/supervisor/media/{media_id}")
    assert picture.status_code == 200 and picture.mimetype == "image/webp"
    assert "private" in picture.headers["Cache-Control"]
    visitor.post("/logout")
    visitor.login(make_user(role="supervisor", centre="STP"))
    assert visitor.get(f"/supervisor/media/{media_id}").status_code == 404

"""Projects on the web and from a file: one validation, errors by field, pay in exact
paise, a pay change counting from the next answer; list-projects."""
import json

import pytest

from core import content
from core import projects, tasks, users
from core.db import one
from core.errors import Invalid

SYSTEM = projects.SYSTEM
FILE = {"slug": "kadai-reviews", "centre": "KRR", "task_type": "single_choice",
        "name": {"en": "Shop reviews", "ta": "கடை மதிப்புரைகள்", "hi": "दुकान की समीक्षाएँ"},
        "instructions": {"en": "Is the review good or bad?", "ta": "நல்லதா மோசமா?",
                         "hi": "अच्छी है या बुरी?"},
        "labels": [{"value": "pos", "en": "Good", "ta": "நல்லது", "hi": "अच्छी"},
                   {"value": "neg", "en": "Bad", "ta": "மோசம்", "hi": "बुरी"}],
        "redundancy": 3, "pay_paise": 50}


@pytest.fixture
def meena(make_user, db):
    users.get_centre(db, "STP", create=True)
    return make_user(role="supervisor", password="long-password")


def form(**changes):
    data = {"slug": "kadai-reviews", "name_en": "Shop reviews", "name_ta": "கடை மதிப்புரைகள்",
            "name_hi": "दुकान की समीक्षाएँ", "instructions_en": "Good or bad?",
            "instructions_ta": "", "instructions_hi": "", "task_type": "single_choice",
            "label_0_value": "pos", "label_0_en": "Good", "label_0_ta": "நல்லது",
            "label_0_hi": "अच्छी", "label_1_value": "neg", "label_1_en": "Bad",
            "label_1_ta": "மோசம்", "label_1_hi": "बुरी", "redundancy": "3", "pay": "0.50",
            "lease_minutes": "15", "gold_percent": "10", "status": "live",
            "languages": ["en", "ta", "hi"], "first_language": "en"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("typed,paise", [("0.50", 50), ("0.5", 50), (".05", 5), ("1", 100),
                                         ("₹ 12.30", 1230), ("0.29", 29), ("0.57", 57),
                                         ("1,000", 100000)])
def test_rupees_typed_become_exact_paise(typed, paise):
    assert projects.rupees_to_paise(typed) == paise  # 0.29 * 100 is 28.999... as a float


@pytest.mark.parametrize("typed", ["", ".", "0.505", "-1", "abc", "1e2", "12345", None, "½",
                                   "٠.٥", "²"])
def test_anything_else_is_not_a_pay(typed):
    with pytest.raises(Invalid, match="bad_pay"):
        projects.rupees_to_paise(typed)


def test_the_file_format_creates_a_draft_with_defaults(db):
    users.get_centre(db, "KRR", create=True)
    project = projects.save_project(db, SYSTEM, FILE)
    assert (project["status"], project["lease_seconds"], project["gold_share"],
            project["pay_paise"], content.project_texts(db, project["id"])["name"]["ta"]) == (
        "draft", 900, 0.1, 50, "கடை மதிப்புரைகள்")
    assert [(x["value"], x["text"]["hi"]) for x in projects.labels(db, project["id"])] == [
        ("pos", "अच्छी"), ("neg", "बुरी")]


def test_one_validation_names_every_bad_field_and_writes_nothing(db):
    bad = {**FILE, "slug": "Bad Slug", "centre": "NOPE", "name": {"ta": "x"}, "languages": ["en"],
           "labels": [{"value": "pos", "en": "Good"}], "redundancy": 0, "pay_paise": 0.5,
           "lease_minutes": 0, "gold_share": 2, "status": "open", "colour": "red"}
    with pytest.raises(Invalid) as refusal:
        projects.save_project(db, SYSTEM, bad)
    codes = {k: v.code for k, v in refusal.value.detail["errors"].items()}
    assert codes == {"slug": "bad_slug", "centre": "unknown_centre", "name": "first_language_required",
                     "labels": "labels_required", "redundancy": "bad_redundancy",
                     "pay": "bad_pay_paise", "lease_minutes": "bad_lease",
                     "gold_share": "bad_gold", "status": "bad_status", "colour": "unknown_field"}
    assert db["projects"].count == 0 and db["audit_log"].count == 0


def test_new_project_on_the_web_is_saved_and_audited(visitor, db, meena):
    visitor.login(meena, password="long-password")
    assert visitor.get("/supervisor/projects/new").status_code == 200
    response = visitor.post("/supervisor/projects/new", form(pay="0.57"))
    assert response.status_code == 303 and response.headers["Location"] == "/supervisor/"
    project = one(db, "SELECT * FROM projects")
    assert (project["slug"], project["centre_id"], project["pay_paise"], project["status"],
            project["gold_share"]) == ("kadai-reviews", meena["centre_id"], 57, "live", 0.1)
    assert one(db, "SELECT action, actor_id FROM audit_log WHERE action LIKE 'project.%'") == {
        "action": "project.create", "actor_id": meena["id"]}
    assert "Shop reviews" in visitor.get("/supervisor/").get_data(as_text=True)


@pytest.mark.parametrize("number", ["²", "٣", "3.0", "-1", "99999999999999999999999"])
def test_odd_numbers_in_the_form_are_refused_by_field(visitor, db, meena, number):
    visitor.login(meena, password="long-password")
    response = visitor.post("/supervisor/projects/new", form(
        redundancy=number, lease_minutes=number, gold_percent=number))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="redundancy-error"' in body and 'id="lease_minutes-error"' in body
    assert db["projects"].count == 0


def test_a_bad_web_form_shows_each_error_beside_its_field_and_keeps_what_she_typed(
        visitor, db, meena):
    visitor.login(meena, password="long-password")
    response = visitor.post("/supervisor/projects/new", form(
        pay="0.505", redundancy="x", name_en="", label_1_value="pos"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("pay", "redundancy", "name_en"):
        assert f'id="{field}-error"' in body, field
    assert "The code “pos” is given twice." in body
    assert 'value="0.505"' in body
    assert db["projects"].count == 0


def test_tamil_supervisor_reads_the_errors_in_tamil(visitor, db, make_user):
    meena = make_user(role="supervisor", lang="ta", password="long-password")
    visitor.login(meena, password="long-password")
    body = visitor.post("/supervisor/projects/new", form(pay="abc")).get_data(as_text=True)
    assert "0.50" in body and "ரூபாயில்" in body


def test_a_supervisor_cannot_create_a_project_in_another_centre(visitor, db, meena):
    stp = users.get_centre(db, "STP")
    visitor.login(meena, password="long-password")
    response = visitor.post("/supervisor/projects/new", form(centre=str(stp["id"])))
    assert response.status_code == 404 and db["projects"].count == 0


def test_editing_changes_fields_and_a_new_pay_counts_from_the_next_answer(
        visitor, db, meena, make_user, make_project):
    project = make_project(tasks=2, redundancy=1, pay_paise=50)
    worker = make_user()
    first = tasks.claim_next(db, worker["id"], project)
    visitor.login(meena, password="long-password")
    response = visitor.post(f"/supervisor/projects/{project['id']}/edit", form(
        slug=None, pay="0.75", name_en="Reviews, now", redundancy="1"))
    assert response.status_code == 303
    after = one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
    assert (after["pay_paise"], content.project_texts(db, after["id"])["name"]["en"],
            after["slug"]) == (
        75, "Reviews, now", project["slug"])
    tasks.record_answer(db, first["id"], worker["id"], "pos")  # claimed before, answered after
    second = tasks.claim_next(db, worker["id"], after)
    visitor.post(f"/supervisor/projects/{project['id']}/edit", form(slug=None, pay="0.60"))
    tasks.record_answer(db, second["id"], worker["id"], "neg")
    pays = [r["pay_paise"] for r in db.query("SELECT pay_paise FROM assignments ORDER BY id")]
    assert pays == [75, 60]
    row = one(db, "SELECT detail FROM audit_log WHERE action = 'project.update' ORDER BY id")
    assert json.loads(row["detail"])["pay_paise"] == [50, 75]


def test_task_type_is_fixed_once_there_are_tasks(visitor, db, meena, make_project):
    project = make_project(tasks=1)
    visitor.login(meena, password="long-password")
    page = visitor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    assert 'value="yes_no" disabled' in page
    response = visitor.post(f"/supervisor/projects/{project['id']}/edit",
                            form(slug=None, task_type="yes_no"))
    assert response.status_code == 400
    assert "cannot change once the project has tasks" in response.get_data(as_text=True)
    assert one(db, "SELECT task_type FROM projects")["task_type"] == "single_choice"


def test_a_label_in_use_cannot_be_removed_but_its_text_can_change(visitor, db, meena,
                                                                  make_user, make_project):
    project = make_project(tasks=1, redundancy=1)
    worker = make_user()
    assignment = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, assignment["id"], worker["id"], "neg")
    visitor.login(meena, password="long-password")
    url = f"/supervisor/projects/{project['id']}/edit"
    gone = visitor.post(url, form(slug=None, label_1_value="bad", label_2_value="meh",
                                  label_2_en="Meh"))
    assert gone.status_code == 400 and "“neg” is in use" in gone.get_data(as_text=True)
    visitor.post(url, form(slug=None, label_1_value="neg", label_1_en="Not good",
                           label_2_value="meh", label_2_en="So-so"))
    assert [(x["value"], x["text"]["en"]) for x in projects.labels(db, project["id"])] == [
        ("pos", "Good"), ("neg", "Not good"), ("meh", "So-so")]


def test_status_draft_hides_the_project_from_annotators(visitor, db, meena, make_user,
                                                         make_project):
    project = make_project()
    worker = make_user()
    visitor.login(meena, password="long-password")
    visitor.post(f"/supervisor/projects/{project['id']}/edit", form(slug=None, status="draft"))
    assert tasks.worker_projects(db, worker) == []


# -- the command line -----------------------------------------------------------------

def test_create_project_from_a_file_then_list_it(app, tmp_path):
    from core import db as coredb

    path = tmp_path / "kadai.json"
    path.write_text(json.dumps({**FILE, "status": "live", "lease_minutes": 20}),
                    encoding="utf-8")
    runner = app.test_cli_runner()
    runner.invoke(args=["init-db"])
    database = coredb.connect(app.config["VELAI_DB"])
    users.get_centre(database, "KRR", create=True)
    result = runner.invoke(args=["create-project", str(path)])
    assert result.exit_code == 0, result.output
    row = one(database, "SELECT * FROM projects")
    assert (row["slug"], row["lease_seconds"], row["status"]) == ("kadai-reviews", 1200, "live")
    listed = runner.invoke(args=["list-projects"]).output
    assert "kadai-reviews" in listed and "KRR" in listed and "₹0.50" in listed


def test_create_project_refuses_a_bad_file_whole_naming_each_field(app, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**FILE, "redundancy": "three", "pay_paise": -1, "centre": "X",
                                "extra": 1}), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-project", str(path)])
    assert result.exit_code != 0
    for line in ("redundancy: A number from 1 to 10.", "pay_paise: Whole paise",
                 "centre: There is no such centre.", "extra: This field is not known."):
        assert line in result.output
    from core import db as coredb
    assert coredb.connect(app.config["VELAI_DB"])["projects"].count == 0


def test_create_project_refuses_a_file_that_is_not_json(app, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{slug: 1", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["create-project", str(path)])
    assert result.exit_code != 0 and "not UTF-8 JSON" in result.output


def test_create_project_update_applies_the_file_to_the_same_slug(app, tmp_path):
    from core import db as coredb

    database = coredb.connect(app.config["VELAI_DB"])
    users.get_centre(database, "KRR", create=True)
    users.get_centre(database, "STP", create=True)
    path = tmp_path / "kadai.json"
    path.write_text(json.dumps(FILE), encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["create-project", str(path)]).exit_code == 0
    again = runner.invoke(args=["create-project", str(path)])
    assert again.exit_code != 0 and "slug: Another project has this short name." in again.output
    path.write_text(json.dumps({**FILE, "pay_paise": 65, "status": "live"}), encoding="utf-8")
    result = runner.invoke(args=["create-project", "--update", str(path)])
    assert result.exit_code == 0 and "Updated project kadai-reviews" in result.output
    row = one(database, "SELECT * FROM projects")
    assert (row["pay_paise"], row["status"], database["projects"].count) == (65, "live", 1)
    path.write_text(json.dumps({**FILE, "centre": "STP"}), encoding="utf-8")
    moved = runner.invoke(args=["create-project", "--update", str(path)])
    assert moved.exit_code != 0 and "cannot move to another centre" in moved.output
    assert one(database, "SELECT pay_paise FROM projects")["pay_paise"] == 65


def _record_form(**changes):
    return form(**{"task_type": "record", "label_0_value": None, "label_0_en": None,
                   "label_0_ta": None, "label_0_hi": None, "label_1_value": None,
                   "label_1_en": None, "label_1_ta": None, "label_1_hi": None,
                   "status": "draft", **changes})


def test_a_record_project_sets_its_length_listeners_and_transcribers_on_the_form(
        visitor, db, meena, make_project):
    listen = make_project(task_type="verify_recording", tasks=0, slug="listen")
    write_it = make_project(task_type="transcribe", tasks=0, slug="write-it")
    other = make_project(task_type="verify_recording", tasks=0, slug="far", centre="STP")
    visitor.login(meena, password="long-password")
    body = visitor.get("/supervisor/projects/new").get_data(as_text=True)
    assert f'<option value="{listen["id"]}">' in body and f'<option value="{other["id"]}"' not in body
    response = visitor.post("/supervisor/projects/new", _record_form(
        max_record_seconds="30", verified_by_project_id=str(listen["id"]),
        transcribed_by_project_id=str(write_it["id"])))
    assert response.status_code == 303
    project = one(db, "SELECT * FROM projects WHERE slug = 'kadai-reviews'")
    assert (project["max_record_seconds"], project["verified_by_project_id"],
            project["transcribed_by_project_id"]) == (30, listen["id"], write_it["id"])
    body = visitor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    assert f'<option value="{listen["id"]}" selected>' in body and 'value="30"' in body


def test_a_bad_length_or_link_is_refused_by_field_in_her_language(visitor, db, make_user,
                                                                  make_project):
    meena = make_user(role="supervisor", lang="ta", password="long-password")
    listen = make_project(task_type="verify_recording", tasks=0, slug="listen")
    far = make_project(task_type="transcribe", tasks=0, slug="far", centre="STP")
    visitor.login(meena, password="long-password")
    response = visitor.post("/supervisor/projects/new", _record_form(
        max_record_seconds="121", verified_by_project_id=str(far["id"]),
        transcribed_by_project_id=str(listen["id"])))
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and db["projects"].count == 2
    for field in ("max_record_seconds", "verified_by_project_id", "transcribed_by_project_id"):
        assert f'id="{field}-error"' in body, field
    assert "2 முதல் 120" in body
    # Only a project whose answers are recordings sends them anywhere.
    _, errors = projects.check_project(db, {**FILE, "verified_by_project_id": "listen"})
    assert set(errors) == {"verified_by_project_id"}


def test_the_project_file_names_its_listeners_by_slug(db, make_project):
    listen = make_project(task_type="verify_recording", tasks=0, slug="listen")
    project, _ = projects.save_project_file(db, {
        "slug": "read-aloud", "centre": "KRR", "task_type": "record",
        "name": {"en": "Read aloud"}, "pay_paise": 300, "max_record_seconds": 20,
        "verified_by_project_id": "listen"})
    assert (project["max_record_seconds"], project["verified_by_project_id"]) == (
        20, listen["id"])

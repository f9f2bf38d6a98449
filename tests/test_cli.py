"""The command line that scripts use: init-db, create-user, seed-demo, import-tasks,
export."""
import json

from core import content
from core import db as coredb
from core.db import one


def test_init_db_then_create_user_with_every_option(app, tmp_path):
    runner = app.test_cli_runner()
    assert "Database ready" in runner.invoke(args=["init-db"]).output
    result = runner.invoke(args=["create-user", "--login", "9000000001", "--password", "4739",
                                 "--role", "annotator", "--name", "Anitha", "--lang", "ta",
                                 "--centre", "MDU"])
    assert result.exit_code == 0, result.output
    db = coredb.connect(app.config["VELAI_DB"])
    user = one(db, "SELECT u.*, c.code FROM users u JOIN centres c ON c.id = u.centre_id")
    assert (user["login"], user["lang"], user["code"]) == ("9000000001", "ta", "MDU")
    assert "4739" not in user["password_hash"]
    assert one(db, "SELECT action FROM audit_log")["action"] == "user.create"


def test_create_user_refuses_a_taken_login_and_writes_nothing(app):
    runner = app.test_cli_runner()
    args = ["create-user", "--login", "sup1", "--password", "secret-long-1", "--role", "supervisor",
            "--name", "Meena"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "login_taken" in again.output
    assert coredb.connect(app.config["VELAI_DB"])["users"].count == 1


def test_seed_demo_loads_projects_in_three_languages_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "9876500001" in result.output
    db = coredb.connect(app.config["VELAI_DB"])
    slugs = {row["slug"]: row for row in db.query("SELECT * FROM projects")}
    assert {"tamil-review-sentiment", "hindi-headline-topic", "leaf-health-photos"} <= set(slugs)
    # Every project named in each of its languages: Tamil and Hindi, or Kannada or Telugu.
    assert all(set(content.langs_of(p)) <= set(content.project_texts(db, p["id"])["name"])
               for p in slugs.values())
    assert {"kn", "te"} <= {lang for p in slugs.values() for lang in content.langs_of(p)}
    images = list(db.query("SELECT width, length(data) AS size FROM media"))
    assert images and all(i["width"] <= 360 and i["size"] <= 40 * 1024 for i in images)
    assert "not loaded" in runner.invoke(args=["seed-demo", "--if-empty"]).output
    from core import demo
    assert db["users"].count == len(demo.ACCOUNTS) + len(demo.TRAINEES)  # loaded once
    # Answers wait for review, some against the majority, in both centres.
    waiting = {row["centre_id"]: row["n"] for row in db.query(
        "SELECT p.centre_id, count(*) AS n FROM assignments a JOIN projects p"
        " ON p.id = a.project_id WHERE a.review_state = 'pending' GROUP BY p.centre_id")}
    assert len(waiting) == 2 and all(waiting.values())


def _big_photo(path):
    import random

    from PIL import Image
    rng = random.Random(3)
    # noise: the hardest picture to shrink
    image = Image.frombytes("RGB", (2400, 1600), rng.randbytes(2400 * 1600 * 3))
    image.save(path, "JPEG", quality=95)


def test_import_shrinks_photos_for_phones(app, tmp_path, make_project):
    project = make_project(tasks=0)
    _big_photo(tmp_path / "photo.jpg")
    assert (tmp_path / "photo.jpg").stat().st_size > 1_000_000
    (tmp_path / "tasks.jsonl").write_text(
        '{"image": "photo.jpg", "gold": "pos"}\n{"text": "இது நல்ல கடை"}\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-tasks", project["slug"],
                                                str(tmp_path / "tasks.jsonl")])
    assert result.exit_code == 0, result.output
    db = coredb.connect(app.config["VELAI_DB"])
    media = one(db, "SELECT width, height, length(data) AS size FROM media")
    assert media["width"] == 360 and media["height"] == 240 and media["size"] <= 40 * 1024
    assert db["tasks"].count == 2


def test_a_bad_line_imports_nothing(app, tmp_path, make_project):
    project = make_project(tasks=0)
    (tmp_path / "tasks.jsonl").write_text('{"text": "ok"}\n{"image": "missing.jpg"}\n')
    result = app.test_cli_runner().invoke(args=["import-tasks", project["slug"],
                                                str(tmp_path / "tasks.jsonl")])
    assert result.exit_code != 0 and "line 2: missing_picture" in result.output
    assert coredb.connect(app.config["VELAI_DB"])["tasks"].count == 0


def test_import_csv_lists_every_bad_line_and_imports_nothing(app, tmp_path, make_project):
    project = make_project(tasks=0)
    (tmp_path / "tasks.csv").write_text(
        "id,text,gold\n1,ok,pos\n2,,\n3,fine,maybe\n1,again,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-tasks", project["slug"],
                                                str(tmp_path / "tasks.csv")])
    assert result.exit_code != 0
    for expected in ("line 3: empty_task", "line 4: unknown_gold", "line 5: duplicate_id"):
        assert expected in result.output
    assert "4 rows" in result.output
    assert coredb.connect(app.config["VELAI_DB"])["tasks"].count == 0


def test_import_skips_duplicates_when_asked_and_says_so(app, tmp_path, make_project):
    project = make_project(tasks=0)
    path = tmp_path / "tasks.csv"
    path.write_text("id,text\na,one\nb,two\n", encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-tasks", project["slug"], str(path)]).exit_code == 0
    path.write_text("id,text\na,one\nc,three\nc,again\n", encoding="utf-8")
    refused = runner.invoke(args=["import-tasks", project["slug"], str(path)])
    assert refused.exit_code != 0 and "existing_id" in refused.output
    skipped = runner.invoke(args=["import-tasks", project["slug"], str(path),
                                  "--skip-duplicates"])
    assert skipped.exit_code == 0, skipped.output
    assert "Imported 1 tasks" in skipped.output and "2 duplicates skipped" in skipped.output
    db = coredb.connect(app.config["VELAI_DB"])
    assert [r["client_id"] for r in db.query("SELECT client_id FROM tasks ORDER BY id")] == \
        ["a", "b", "c"]


def test_import_to_an_unknown_project_says_so(app, tmp_path):
    (tmp_path / "t.csv").write_text("text\nx\n")
    result = app.test_cli_runner().invoke(args=["import-tasks", "nope", str(tmp_path / "t.csv")])
    assert result.exit_code != 0 and "no_project" in result.output


def test_export_writes_csv_with_bom_to_a_file_and_jsonl_to_stdout(app, tmp_path, make_project):
    project = make_project(tasks=2)
    runner = app.test_cli_runner()
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", project["slug"], "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbftask_id,client_id,text")
    assert data.count(b"\r\n") == 3
    lines = runner.invoke(args=["export", project["slug"], "--format", "jsonl"]).output
    assert [json.loads(line)["text"] for line in lines.splitlines()] == ["Sentence 0",
                                                                         "Sentence 1"]


def test_backup_is_a_consistent_copy(app, tmp_path, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    assert coredb.connect(str(tmp_path / "copy.db"))["users"].count == 1

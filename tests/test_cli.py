"""The command line that scripts use: init-db, create-user, seed-demo."""
from core import db as coredb
from core.db import one


def test_init_db_then_create_user_with_every_option(app, tmp_path):
    runner = app.test_cli_runner()
    assert "Database ready" in runner.invoke(args=["init-db"]).output
    result = runner.invoke(args=["create-user", "--login", "9000000001", "--password", "4321",
                                 "--role", "annotator", "--name", "Anitha", "--lang", "ta",
                                 "--centre", "MDU"])
    assert result.exit_code == 0, result.output
    db = coredb.connect(app.config["VELAI_DB"])
    user = one(db, "SELECT u.*, c.code FROM users u JOIN centres c ON c.id = u.centre_id")
    assert (user["login"], user["lang"], user["code"]) == ("9000000001", "ta", "MDU")
    assert "4321" not in user["password_hash"]
    assert one(db, "SELECT action FROM audit_log")["action"] == "user.create"


def test_create_user_refuses_a_taken_login_and_writes_nothing(app):
    runner = app.test_cli_runner()
    args = ["create-user", "--login", "sup1", "--password", "secret1", "--role", "supervisor",
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
    assert all(p["name_ta"] and p["name_hi"] for p in slugs.values())
    images = list(db.query("SELECT width, length(data) AS size FROM media"))
    assert images and all(i["width"] <= 360 and i["size"] <= 40 * 1024 for i in images)
    assert "not loaded" in runner.invoke(args=["seed-demo", "--if-empty"]).output
    assert db["users"].count == 6

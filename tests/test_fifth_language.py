"""A language added as a catalog folder and content, with no code changed (#17): Marathi
(mr) lives only in this fixture, a tiny catalog compiled into a temporary folder named by
VELAI_TRANSLATIONS. The command line, project files, quiz files, people files, exports
and the language switch take it as they take Tamil."""
import json
import shutil

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from core import content, exporting, languages, migrations, people, projects, quiz_bank, tasks
from core import db as coredb

from tests.conftest import Visitor, app_for, user_maker

MARATHI = {"Skip": "वगळा", "How to answer": "उत्तर कसे द्यायचे", "Log in": "लॉग इन करा"}


@pytest.fixture
def marathi(tmp_path, monkeypatch):
    """translations/ plus a folder holding mr: its language.json and compiled catalog."""
    folder = tmp_path / "more" / "mr"
    (folder / "LC_MESSAGES").mkdir(parents=True)
    (folder / "language.json").write_text(json.dumps(
        {"name": "मराठी", "locale": "mr_IN", "order": 50}), encoding="utf-8")
    catalog = Catalog(locale="mr")
    for msgid, msgstr in MARATHI.items():
        catalog.add(msgid, msgstr)
    with open(folder / "LC_MESSAGES" / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    monkeypatch.setenv("VELAI_TRANSLATIONS", str(tmp_path / "more"))
    languages.use(languages.load())
    yield "mr"
    monkeypatch.delenv("VELAI_TRANSLATIONS")
    languages.use(languages.load())


@pytest.fixture
def mr_app(marathi, tmp_path, migrated_template):
    path = tmp_path / "velai.db"
    shutil.copyfile(migrated_template, path)
    database = coredb.connect(path)
    migrations.migrate(database)  # as `flask init-db` does after a deploy: it learns mr
    database.close()
    return app_for(path)


@pytest.fixture
def mr_db(mr_app):
    database = coredb.connect(mr_app.config["VELAI_DB"])
    yield database
    database.close()


FILE = {"slug": "marathi-reviews", "centre": "PUN", "task_type": "single_choice",
        "languages": ["mr", "en"], "status": "live",
        "name": {"mr": "दुकानाचे अभिप्राय", "en": "Shop reviews"},
        "instructions": {"mr": "चांगला की वाईट?", "en": "Good or bad?"},
        "labels": [{"value": "pos", "mr": "चांगला", "en": "Good"},
                   {"value": "neg", "mr": "वाईट", "en": "Bad"}],
        "pay_paise": 50}


def test_the_list_takes_a_language_from_its_folder(marathi):
    assert "mr" in languages.CODES and languages.name("mr") == "मराठी"
    assert languages.locale("mr") == "mr_IN"


def test_the_command_line_creates_a_marathi_annotator(mr_app, mr_db):
    result = mr_app.test_cli_runner().invoke(args=[
        "create-user", "--login", "9876511111", "--password", "3917", "--role", "annotator",
        "--name", "Sayali", "--lang", "mr", "--centre", "PUN"])
    assert result.exit_code == 0, result.output
    assert coredb.one(mr_db, "SELECT lang FROM users WHERE login = '9876511111'")["lang"] == "mr"
    refused = mr_app.test_cli_runner().invoke(args=[
        "create-user", "--login", "9876511112", "--password", "3917", "--role", "annotator",
        "--name", "X", "--lang", "xx"])
    assert refused.exit_code != 0 and "xx" in refused.output


def test_a_project_file_quiz_file_people_file_and_export_take_marathi(mr_app, mr_db):
    centre = people.create_centre(mr_db, {"id": None, "role": "admin"}, code="PUN", name="Pune")
    projects.set_centre_languages(mr_db, centre["id"], ["mr", "en"])
    project, created = projects.save_project_file(mr_db, FILE)
    assert created and project["status"] == "live"
    texts = content.project_texts(mr_db, project["id"])
    assert texts["name"]["mr"] == "दुकानाचे अभिप्राय"
    assert [label["text"]["mr"] for label in texts["labels"]] == ["चांगला", "वाईट"]

    bank = ("prompt_mr,prompt_en,answer,explanation_mr,explanation_en\n"
            "हे चांगले आहे?,Is it good?,pos,हसत आहे.,It smiles.\n").encode()
    assert quiz_bank.import_bank(mr_db, project, "bank.csv", bank, None) == 1
    question = quiz_bank.list_questions(mr_db, project["id"])[0][0]
    assert question["prompt"] == {"mr": "हे चांगले आहे?", "en": "Is it good?"}

    added = people.add_many(mr_db, {"id": None, "role": "admin"}, centre["id"],
                            "name,phone,lang\nSayali,9876522222,mr\n".encode(),
                            hash_method="pbkdf2:sha256:1000")
    worker = coredb.one(mr_db, "SELECT * FROM users WHERE id = ?", (added[0]["id"],))
    assert worker["lang"] == "mr"
    projects.add_tasks(mr_db, project["id"], [{"text": "छान दुकान"}])
    assignment = tasks.claim_next(mr_db, worker["id"], project)
    tasks.record_answer(mr_db, assignment["id"], worker["id"], "pos")
    exported = list(exporting.tasks_with_answers(mr_db, project["id"], b"secret"))
    assert "छान दुकान" in json.dumps(exported, ensure_ascii=False, default=str)
    assert "pos" in json.dumps(exported, default=str)


def test_the_language_switch_and_the_task_card_speak_marathi(mr_app, mr_db):
    centre = people.create_centre(mr_db, {"id": None, "role": "admin"}, code="PUN", name="Pune")
    projects.set_centre_languages(mr_db, centre["id"], ["mr", "en"])
    projects.save_project_file(mr_db, FILE)
    visitor = Visitor(mr_app.test_client())
    body = visitor.get("/login").get_data(as_text=True)
    assert 'value="mr"' in body and "मराठी" in body  # a button of the switch
    switched = visitor.post("/lang", {"lang": "mr"}, follow_redirects=True)
    assert '<html lang="mr">' in switched.get_data(as_text=True)
    assert "लॉग इन करा" in switched.get_data(as_text=True)
    worker = user_maker(mr_db)(lang="mr", centre="PUN")
    visitor.login(worker)
    projects.add_tasks(mr_db, coredb.one(mr_db, "SELECT id FROM projects")["id"],
                       [{"text": "छान"}])
    card = visitor.get("/tasks/marathi-reviews/next").get_data(as_text=True)
    assert "चांगला" in card and "वाईट" in card and "वगळा" in card
    assert "दुकानाचे अभिप्राय" in card

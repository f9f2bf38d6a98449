"""Content in any language as rows (#17): the migration keeps every text, the database
knows the languages, the task card's content is cached and its fallback is said."""
import importlib
import pkgutil
import sqlite3

import pytest
from sqlite_utils.migrations import Migrations

from core import content, migrations, projects, quiz_bank, tasks, users
from core import db as coredb
from core.errors import Invalid
from core.projects import SYSTEM

OLD = ("en", "ta", "hi")


def _migrated_up_to(path, last: str):
    """A database built by the migrations up to `last` (as today's code was before rows)."""
    database = coredb.connect(path)
    steps = Migrations("velai")
    names = sorted(m.name for m in pkgutil.iter_modules(migrations.__path__)
                   if migrations.NAME.fullmatch(m.name) and m.name <= last)
    for name in names:
        steps(name=name)(importlib.import_module(f"core.migrations.{name}").apply)
    database.execute("PRAGMA foreign_keys = OFF")
    steps.apply(database)
    database.execute("PRAGMA foreign_keys = ON")
    return database


def test_migrating_keeps_every_text_in_every_language_and_drops_the_columns(tmp_path):
    db = _migrated_up_to(tmp_path / "old.db", "0012_answers_by_day")
    db.execute("INSERT INTO centres (id, code, name) VALUES (1, 'KRR', 'Karur'),"
               " (2, 'STP', 'Sitapur')")
    for n, (lang, centre) in enumerate((("ta", 1), ("en", 1), ("hi", 2)), 1):
        db.execute("INSERT INTO users (id, login, name, role, centre_id, password_hash, lang,"
                   " created_at) VALUES (?, ?, 'W', 'annotator', ?, 'x', ?, 't')",
                   (n, f"u{n}", centre, lang))
    expected = {}
    for pid in (1, 2):
        db.execute(
            "INSERT INTO projects (id, centre_id, slug, task_type, name_en, name_ta, name_hi,"
            " instructions_en, instructions_ta, instructions_hi, pay_paise, created_at)"
            " VALUES (?, 1, ?, 'single_choice', ?, ?, ?, ?, ?, ?, 50, 't')",
            (pid, f"p{pid}", *(f"name {pid} {lang} பெயர்" for lang in OLD),
             *(f"how {pid} {lang} எப்படி" for lang in OLD)))
        for lang in OLD:
            expected[("project", pid, "name", lang)] = f"name {pid} {lang} பெயர்"
            expected[("project", pid, "instructions", lang)] = f"how {pid} {lang} எப்படி"
        for position, value in enumerate(("pos", "neg")):
            label_id = db.execute(
                "INSERT INTO labels (project_id, value, text_en, text_ta, text_hi, position)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (pid, value, *(f"{value} {pid} {lang} लेबल" for lang in OLD), position)).lastrowid
            for lang in OLD:
                expected[("label", label_id, "text", lang)] = f"{value} {pid} {lang} लेबल"
        question_id = db.execute(
            "INSERT INTO quiz_questions (project_id, prompt_en, prompt_ta, prompt_hi, answers,"
            " explanation_en, explanation_ta, explanation_hi, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '[\"pos\"]', ?, ?, ?, 't', 't')",
            (pid, *(f"q {pid} {lang} கேள்வி" for lang in OLD),
             *(f"why {pid} {lang} क्यों" for lang in OLD))).lastrowid
        for lang in OLD:
            expected[("question", question_id, "prompt", lang)] = f"q {pid} {lang} கேள்வி"
            expected[("question", question_id, "explanation", lang)] = f"why {pid} {lang} क्यों"
    # A project with English alone keeps English alone (empty texts are not rows).
    db.execute("INSERT INTO projects (id, centre_id, slug, task_type, name_en, pay_paise,"
               " created_at) VALUES (3, 2, 'p3', 'yes_no', 'Only English', 50, 't')")
    expected[("project", 3, "name", "en")] = "Only English"

    migrations.migrate(db)

    found = {(r["kind"], r["owner_id"], r["field"], r["lang"]): r["text"]
             for r in db.query("SELECT * FROM texts")}
    assert found == expected
    for table in ("projects", "labels", "quiz_questions"):
        columns = {c.name for c in db[table].columns}
        assert not {c for c in columns if c.endswith(("_en", "_ta", "_hi"))}, table
    langs = {r["slug"]: r["languages"] for r in db.query("SELECT slug, languages FROM projects")}
    assert langs == {"p1": '["en", "ta", "hi"]', "p2": '["en", "ta", "hi"]', "p3": '["en"]'}
    centres = {r["code"]: r["languages"] for r in db.query("SELECT code, languages FROM centres")}
    assert centres == {"KRR": '["ta", "en"]', "STP": '["hi", "en"]'}
    assert [r["lang"] for r in db.query("SELECT lang FROM users ORDER BY id")] == ["ta", "en", "hi"]


def test_the_database_refuses_a_language_not_in_the_list(db, make_user):
    worker = make_user(lang="ta")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE users SET lang = 'xx' WHERE id = ?", (worker["id"],))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO users (login, name, role, centre_id, password_hash, lang,"
                   " created_at) VALUES ('x1', 'X', 'annotator', ?, 'h', 'zz', 't')",
                   (worker["centre_id"],))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO texts (kind, owner_id, field, lang, text)"
                   " VALUES ('project', 1, 'name', 'xx', 'x')")
    with pytest.raises(sqlite3.IntegrityError, match="unknown language"):
        db.execute("UPDATE centres SET languages = '[\"ta\", \"xx\"]'")
    assert db.execute("SELECT lang FROM users WHERE id = ?", (worker["id"],)).fetchone() == ("ta",)


def test_the_task_card_reads_its_content_once_per_process_until_it_changes(db, make_project):
    project = make_project()
    project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
    first = content.card(db, project, "ta")
    assert [label["text"] for label in first["labels"]] == ["மகிழ்ச்சி", "வருத்தம்"]
    statements = []
    db.conn.set_trace_callback(statements.append)
    assert content.card(db, project, "ta") is first
    db.conn.set_trace_callback(None)
    assert statements == []  # the row the cycle read carries the version: no query
    saved = projects.save_project(db, SYSTEM, {"labels": [
        {"value": "pos", "en": "Happy", "ta": "சந்தோஷம்"},
        {"value": "neg", "en": "Unhappy", "ta": "வருத்தம்"}]}, project["id"])
    assert saved["content_version"] > project["content_version"]
    again = content.card(db, saved, "ta")
    assert [label["text"] for label in again["labels"]] == ["சந்தோஷம்", "வருத்தம்"]


def test_a_direct_write_of_a_text_moves_the_version(db, make_project):
    project = make_project()
    before = coredb.one(db, "SELECT content_version FROM projects WHERE id = ?",
                        (project["id"],))["content_version"]
    db.execute("UPDATE texts SET text = 'Glad' WHERE kind = 'label' AND lang = 'en'"
               " AND owner_id = (SELECT id FROM labels WHERE project_id = ? AND value = 'pos')",
               (project["id"],))
    after = coredb.one(db, "SELECT content_version FROM projects WHERE id = ?",
                       (project["id"],))["content_version"]
    assert after > before


def test_her_language_missing_shows_the_first_language_with_a_note(
        visitor, db, make_user, make_project):
    project = make_project()
    projects.save_project(db, SYSTEM, {"languages": ["ta", "en"]}, project["id"])
    worker = make_user(lang="kn")
    visitor.login(worker)
    body = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert "மகிழ்ச்சி" in body and "வருத்தம்" in body  # Tamil: the project's first
    assert "ತಮಿಳು" in body or "தமிழ்" in body  # the note names the language shown
    assert "ನಿಮ್ಮ ಭಾಷೆಯಲ್ಲಿ ಬರೆದಿಲ್ಲ" in body
    kavitha = make_user(lang="ta")
    visitor.post("/logout")
    visitor.login(kavitha)
    body = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    assert "மகிழ்ச்சி" in body and "உங்கள் மொழியில் எழுதப்படவில்லை" not in body


def test_no_label_is_ever_empty_even_with_no_text_in_any_reader_language(db, make_project):
    project = make_project()
    db.execute("DELETE FROM texts WHERE kind = 'label'")
    project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
    shown = content.card(db, project, "kn")
    assert [label["text"] for label in shown["labels"]] == ["pos", "neg"]


def test_a_project_goes_live_only_with_its_labels_in_every_language_of_its_centre(
        db, make_project):
    project = make_project()
    centre = users.get_centre(db, "KRR")
    projects.set_centre_languages(db, centre["id"], ["kn", "en"])
    labels = [{"value": "pos", "en": "Happy"}, {"value": "neg", "en": "Unhappy"}]
    with pytest.raises(Invalid) as refused:
        projects.save_project(db, SYSTEM, {"status": "live", "labels": labels}, project["id"])
    errors = refused.value.detail["errors"]
    assert errors["status"].code == "incomplete_for_live"
    assert errors["status"].detail["languages"] == "ಕನ್ನಡ"
    assert coredb.one(db, "SELECT status FROM projects WHERE id = ?",
                      (project["id"],))["status"] == "live"  # as made, untouched
    labels = [{**labels[0], "kn": "ಖುಷಿ"}, {**labels[1], "kn": "ಬೇಸರ"}]
    saved = projects.save_project(db, SYSTEM, {"status": "live", "labels": labels,
                                               "name": {"en": "Reviews", "kn": "ವಿಮರ್ಶೆಗಳು"}},
                                  project["id"])
    assert saved["status"] == "live"


def test_the_project_form_lists_the_languages_still_to_write(visitor, db, make_user,
                                                             make_project):
    project = make_project()
    projects.set_centre_languages(db, users.get_centre(db, "KRR")["id"], ["te", "ta", "en"])
    visitor.login(make_user(role="supervisor", lang="en"))
    body = visitor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    assert "Not yet written:" in body
    written = body.split("Not yet written:")[1].split("</p>")[0]
    assert "తెలుగు" in written and "தமிழ்" not in written


def test_a_new_language_leaves_old_questions_valid(db, make_project):
    project = make_project()
    question = {"prompt": {"en": "Happy?"}, "answers": ["pos"],
                "explanation": {"en": "It smiles.", "ta": "சிரிக்கிறது.", "hi": "मुस्कुराता है।"}}
    clean, errors = quiz_bank.check_question(db, project, question)
    assert errors == {}
    assert {"kn", "te"} <= set(clean["explanation"])  # known languages, left empty
    with pytest.raises(Invalid):  # the project's own languages still need it
        quiz_bank.save_question(db, project, {**question, "explanation": {"en": "x"}},
                                actor_id=None)


def test_answers_keep_flowing_through_the_cached_card(db, make_user, make_project):
    project = make_project(tasks=2)
    worker = make_user()
    project = coredb.one(db, "SELECT * FROM projects WHERE id = ?", (project["id"],))
    assignment = tasks.claim_next(db, worker["id"], project)
    tasks.record_answer(db, assignment["id"], worker["id"], "pos")
    assert content.card(db, project, "en")["labels"][0] == {"value": "pos", "text": "Happy"}


def test_the_demo_speaks_kannada_in_hubballi_and_telugu_in_vijayawada(visitor, db):
    from core import demo

    demo.seed(db, hash_method="pbkdf2:sha256:1000")
    savitri = coredb.one(db, "SELECT * FROM users WHERE login = '9876500031'")
    visitor.login(savitri)
    home = visitor.get("/home").get_data(as_text=True)
    assert "ಗ್ರಾಹಕರ ಅಭಿಪ್ರಾಯ (ಕನ್ನಡ)" in home and "ಬೆಳೆ ಎಲೆಗಳ ಫೋಟೋಗಳು" in home
    card = visitor.get("/tasks/kannada-review-sentiment/next").get_data(as_text=True)
    assert '<html lang="kn">' in card and "ಒಳ್ಳೆಯದು" in card and "ಎರಡೂ ಅಲ್ಲ" in card
    assert "ನಿಮ್ಮ ಭಾಷೆಯಲ್ಲಿ ಬರೆದಿಲ್ಲ" not in card  # all of it is in Kannada
    visitor.post("/logout")
    roopa = coredb.one(db, "SELECT * FROM users WHERE login = '9876500014'")
    visitor.login(roopa)
    quiz = visitor.get("/quiz/kannada-review-sentiment/practice/1").get_data(as_text=True)
    assert "ಅಂಗಡಿಯಲ್ಲಿ ಎಲ್ಲಾ ಸಾಮಾನುಗಳೂ" in quiz and "ಒಳ್ಳೆಯದು" in quiz
    visitor.post("/logout")
    prasanna = coredb.one(db, "SELECT * FROM users WHERE login = '9876500041'")
    visitor.login(prasanna)
    card = visitor.get("/tasks/telugu-is-it-a-question/next").get_data(as_text=True)
    assert '<html lang="te">' in card and "తెలుగు వాక్యం చదవండి" in card
    assert any(sentence in card for sentence, _ in demo.data.TELUGU_QUESTIONS)


def test_an_admin_sets_the_languages_a_centre_works_in(visitor, db, make_user):
    admin = make_user(role="admin")
    centre = users.get_centre(db, "KRR")
    visitor.login(admin)
    page = visitor.get("/supervisor/centres").get_data(as_text=True)
    assert "Languages the centre works in" in page and 'value="kn"' in page
    saved = visitor.post(f"/supervisor/centres/{centre['id']}/languages",
                         {"languages": ["kn", "en"]})
    assert saved.status_code == 303
    assert users.get_centre(db, "KRR")["languages"] == '["kn", "en"]'
    refused = visitor.post(f"/supervisor/centres/{centre['id']}/languages", {})
    assert refused.status_code == 400 and "Tick at least one language." in refused.get_data(
        as_text=True)
    assert users.get_centre(db, "KRR")["languages"] == '["kn", "en"]'


def test_a_quiz_question_missing_in_her_language_says_so(visitor, db, make_user, make_project):
    from tests.quiz_helpers import add_quiz

    project = add_quiz(db, make_project(), questions=3)
    visitor.login(make_user(lang="kn"))
    page = visitor.get(f"/quiz/{project['slug']}/practice/1").get_data(as_text=True)
    assert "ನಿಮ್ಮ ಭಾಷೆಯಲ್ಲಿ ಬರೆದಿಲ್ಲ" in page
    visitor.post("/logout")
    visitor.login(make_user(lang="ta"))
    page = visitor.get(f"/quiz/{project['slug']}/practice/1").get_data(as_text=True)
    assert "உங்கள் மொழியில் எழுதப்படவில்லை" not in page

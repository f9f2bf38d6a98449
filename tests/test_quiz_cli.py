"""Scripts and the demo: create-user --qualified-for, seed-demo's quizzes and trainees."""
from core import db as coredb
from core import demo, demo_media, projects, tasks, users
from core.db import one
from tests.conftest import PIN


# Karur's projects with no quiz, open to every annotator of the centre: reading aloud and
# listening have no right answer to quiz on, and no quiz asks for a transcript or a photo.
SPEECH = ("tamil-read-aloud", "tamil-recording-check")
COLLECTION = (demo_media.TRANSCRIBE["slug"], demo_media.PHOTO["slug"])
UNQUIZZED = (*SPEECH, *COLLECTION)


def _quizzed(db, user) -> list[dict]:
    """Her projects, those without a quiz aside."""
    return [p for p in tasks.worker_projects(db, user) if p["slug"] not in UNQUIZZED]


def _seeded(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return coredb.connect(app.config["VELAI_DB"])


def test_seed_demo_puts_a_quiz_on_every_project_and_keeps_demo_annotators_at_work(app):
    db = _seeded(app)
    quizzes_on = one(db, "SELECT count(*) AS n FROM quizzes WHERE active = 1")["n"]
    # Karur's speech, transcription and photo projects have none.
    assert quizzes_on == one(db, "SELECT count(*) AS n FROM projects WHERE slug NOT IN"
                             " (?, ?, ?, ?)", UNQUIZZED)["n"] == 8
    # Listeners accepted one of the demo's recordings: the home page has speech to show.
    assert [line["language"] for line in projects.accepted_speech(db, None)] == ["ta"]
    # Every question explained in each of its project's languages.
    assert one(db, "SELECT count(*) AS n FROM quiz_questions q JOIN projects p"
                   " ON p.id = q.project_id, json_each(p.languages) l WHERE NOT EXISTS"
                   " (SELECT 1 FROM texts WHERE kind = 'question' AND owner_id = q.id"
                   " AND field = 'explanation' AND lang = l.value)")["n"] == 0
    assert one(db, "SELECT count(*) AS n FROM quiz_questions WHERE media_id IS NOT NULL")["n"]
    for login, *_rest in demo.ACCOUNTS[:3]:
        user = one(db, "SELECT * FROM users WHERE login = ?", (login,))
        assert len(_quizzed(db, user)) in (2, 3), login
    for login, _pin, _role, _name, lang, centre in demo.TRAINEES:
        user = one(db, "SELECT * FROM users WHERE login = ?", (login,))
        assert user["lang"] == lang and _quizzed(db, user) == []
        assert {p["slug"] for p in tasks.worker_projects(db, user)} <= set(
            UNQUIZZED if centre == "KRR" else ())


def _create(app, *extra):
    return app.test_cli_runner().invoke(args=[
        "create-user", "--login", "9000000009", "--password", PIN, "--role", "annotator",
        "--name", "Revathi", "--centre", "KRR", *extra])


def test_create_user_qualified_for_named_projects_or_all_of_her_centre(app):
    db = _seeded(app)
    result = _create(app, "--qualified-for", "leaf-health-photos",
                     "--qualified-for", "english-to-tamil")
    assert result.exit_code == 0, result.output
    user = users.get_user(db, one(db, "SELECT id FROM users WHERE login = '9000000009'")["id"])
    assert {p["slug"] for p in _quizzed(db, user)} == {
        "leaf-health-photos", "english-to-tamil"}
    other = app.test_cli_runner().invoke(args=[
        "create-user", "--login", "9000000010", "--password", PIN, "--role", "annotator",
        "--name", "Selvi", "--centre", "KRR", "--qualified-for", "all"])
    assert other.exit_code == 0, other.output
    selvi = one(db, "SELECT * FROM users WHERE login = '9000000010'")
    assert len(_quizzed(db, selvi)) == 3


def test_create_user_without_qualified_for_is_a_trainee_where_a_quiz_is_on(app):
    db = _seeded(app)
    assert _create(app).exit_code == 0
    user = one(db, "SELECT * FROM users WHERE login = '9000000009'")
    assert _quizzed(db, user) == []
    assert {p["slug"] for p in tasks.worker_projects(db, user)} == set(UNQUIZZED)


def test_create_user_refuses_a_project_of_another_centre_and_writes_nothing(app):
    db = _seeded(app)
    users_before = db["users"].count
    result = _create(app, "--qualified-for", "hindi-headline-topic")
    assert result.exit_code != 0 and "no_project hindi-headline-topic" in result.output
    assert db["users"].count == users_before

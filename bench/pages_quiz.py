"""Quiz pages for `make bench`: the trainees' (each in her language) and the supervisor's.

Prepares state through core on the seeded database: an exam under way for the Hindi
trainee, a failed attempt (every answer wrong, so the result explains them all) for the
English one."""
from core import db as coredb
from core import demo, quiz_attempts, quiz_bank

TRAINEES = {lang: login for login, _pin, _role, _name, lang, _centre in demo.TRAINEES}
PIN = demo.TRAINEES[0][1]
MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}


def _project(db, slug):
    row = coredb.one(db, "SELECT id FROM projects WHERE slug = ?", (slug,))
    return quiz_bank.get_training_project_by_id(db, row["id"])


def _user(db, login):
    return coredb.one(db, "SELECT * FROM users WHERE login = ?", (login,))


def pages(db_path):
    db = coredb.connect(db_path)
    try:
        hindi = _project(db, "hindi-is-it-a-question")
        quiz_attempts.start_attempt(db, _user(db, TRAINEES["hi"]), hindi)
        leaf = _project(db, "leaf-health-photos")
        anita = _user(db, TRAINEES["en"])
        attempt = quiz_attempts.start_attempt(db, anita, leaf)
        for position in range(1, attempt["total"] + 1):
            quiz_attempts.answer(db, anita, leaf, attempt["id"], position, "not_leaf"
                           if position % 2 else "healthy")
        sentiment = _project(db, "tamil-review-sentiment")
    finally:
        db.conn.close()
    ta = {"login": TRAINEES["ta"], "password": PIN, "lang": "ta"}
    hi = {"login": TRAINEES["hi"], "password": PIN, "lang": "hi"}
    en = {"login": TRAINEES["en"], "password": PIN, "lang": "en"}
    base = f"/supervisor/quiz/{sentiment['id']}"
    return [
        {"name": "quiz_trainee_home", "path": "/home", **ta},
        {"name": "quiz_overview", "path": "/quiz/tamil-review-sentiment", **ta},
        {"name": "quiz_practice", "path": "/quiz/leaf-health-photos/practice/1", **ta},
        {"name": "quiz_exam", "path": "/quiz/hindi-is-it-a-question/exam", **hi},
        {"name": "quiz_result", "path": f"/quiz/leaf-health-photos/result/{attempt['id']}",
         **en},
        {"name": "sup_quizzes", "path": "/supervisor/quiz/", **MEENA},
        {"name": "sup_quiz_project", "path": base, **MEENA},
        {"name": "sup_quiz_question", "path": f"{base}/questions/new", **MEENA},
        {"name": "sup_quiz_trainees", "path": f"{base}/trainees", **MEENA},
    ]

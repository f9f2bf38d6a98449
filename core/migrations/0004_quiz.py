"""Onboarding quizzes (#6): a quiz's settings per project, its question bank, and each
attempt with the questions it drew. A project with an active quiz is closed to an
annotator with no qualification row until she passes (see core.projects.WORKER_PROJECTS).
"""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("""
        CREATE TABLE quizzes (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id),
            active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
            questions_per_attempt INTEGER NOT NULL DEFAULT 10
                CHECK (questions_per_attempt BETWEEN 1 AND 100),
            pass_percent INTEGER NOT NULL DEFAULT 80 CHECK (pass_percent BETWEEN 1 AND 100),
            cooldown_hours INTEGER NOT NULL DEFAULT 24 CHECK (cooldown_hours BETWEEN 0 AND 720),
            max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
            attempt_minutes INTEGER NOT NULL DEFAULT 60 CHECK (attempt_minutes BETWEEN 5 AND 1440),
            updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE quiz_questions (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            prompt_en TEXT NOT NULL, prompt_ta TEXT NOT NULL DEFAULT '',
            prompt_hi TEXT NOT NULL DEFAULT '',
            media_id INTEGER REFERENCES media(id),
            answers TEXT NOT NULL CHECK (json_valid(answers) AND json_array_length(answers) >= 1),
            explanation_en TEXT NOT NULL, explanation_ta TEXT NOT NULL,
            explanation_hi TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX quiz_questions_project ON quiz_questions(project_id, id)")
    # counted = 0: a supervisor reset it; it no longer counts towards the limit or cooldown.
    db.execute("""
        CREATE TABLE quiz_attempts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            project_id INTEGER NOT NULL REFERENCES projects(id),
            started_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            finished_at TEXT,
            total INTEGER NOT NULL CHECK (total >= 1),
            correct INTEGER,
            passed INTEGER CHECK (passed IN (0, 1)),
            pass_percent INTEGER NOT NULL,
            counted INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1))
        )""")
    db.execute("CREATE INDEX quiz_attempts_user ON quiz_attempts(user_id, project_id, id)")
    # At most one unfinished attempt per person and project: no second draw beside it.
    db.execute("CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts(user_id, project_id)"
               " WHERE finished_at IS NULL")
    db.execute("""
        CREATE TABLE quiz_attempt_questions (
            attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id),
            position INTEGER NOT NULL CHECK (position >= 1),
            question_id INTEGER NOT NULL REFERENCES quiz_questions(id),
            answer TEXT,
            correct INTEGER CHECK (correct IN (0, 1)),
            answered_at TEXT,
            PRIMARY KEY (attempt_id, position)
        )""")
    # An answer, once given, stands: no second try at the same question of an attempt.
    db.execute("""
        CREATE TRIGGER quiz_answer_stands BEFORE UPDATE OF answer, correct
        ON quiz_attempt_questions WHEN OLD.answer IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'quiz answer already given'); END""")

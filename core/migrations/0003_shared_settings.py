"""Settings the later capabilities share, laid down together so that each fits the next:
project status and check-task share (supervisors, #7), quiz and gold rules (#6),
aggregation and review windows (#8), the centre's minimum wage (#9); the client's own
task id (#7 import) and a task's aggregate confidence (#8). Tasks are rebuilt to allow
the status 'removed' (a supervisor takes a broken task out; its answers stay).
"""
from sqlite_utils import Database


def apply(db: Database) -> None:
    for column in (
        "status TEXT NOT NULL DEFAULT 'live'"
        " CHECK (status IN ('draft', 'live', 'paused', 'closed'))",
        "gold_share REAL NOT NULL DEFAULT 0.1 CHECK (gold_share >= 0 AND gold_share <= 1)",
        "min_gold_accuracy REAL NOT NULL DEFAULT 0.7"
        " CHECK (min_gold_accuracy >= 0 AND min_gold_accuracy <= 1)",
        "gold_min_answers INTEGER NOT NULL DEFAULT 10 CHECK (gold_min_answers >= 1)",
        "max_answers INTEGER NOT NULL DEFAULT 5 CHECK (max_answers >= 1)",
        "agreement_threshold REAL NOT NULL DEFAULT 0.6"
        " CHECK (agreement_threshold > 0 AND agreement_threshold <= 1)",
        "min_seconds INTEGER NOT NULL DEFAULT 2 CHECK (min_seconds >= 0)",
        "review_window_days INTEGER NOT NULL DEFAULT 3 CHECK (review_window_days >= 1)",
        "appeal_window_days INTEGER NOT NULL DEFAULT 7 CHECK (appeal_window_days >= 1)",
    ):
        db.execute(f"ALTER TABLE projects ADD COLUMN {column}")
    db.execute("UPDATE projects SET status = CASE WHEN active = 1 THEN 'live' ELSE 'closed' END")
    # Paise per hour; 0: no minimum set for this centre.
    db.execute("ALTER TABLE centres ADD COLUMN min_wage_paise_per_hour INTEGER NOT NULL"
               " DEFAULT 0 CHECK (min_wage_paise_per_hour >= 0)")
    db.execute("""
        CREATE TABLE tasks_new (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            client_id TEXT,
            payload_text TEXT,
            media_id INTEGER REFERENCES media(id),
            gold_answer TEXT,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'done', 'held', 'removed')),
            answers_count INTEGER NOT NULL DEFAULT 0,
            reports_count INTEGER NOT NULL DEFAULT 0,
            aggregate TEXT,
            confidence REAL,
            created_at TEXT NOT NULL,
            CHECK (payload_text IS NOT NULL OR media_id IS NOT NULL)
        )""")
    db.execute("INSERT INTO tasks_new (id, project_id, payload_text, media_id, gold_answer,"
               " status, answers_count, reports_count, aggregate, created_at)"
               " SELECT id, project_id, payload_text, media_id, gold_answer, status,"
               " answers_count, reports_count, aggregate, created_at FROM tasks")
    db.execute("DROP TABLE tasks")
    db.execute("ALTER TABLE tasks_new RENAME TO tasks")
    db.execute("CREATE INDEX tasks_open ON tasks(project_id, status, id)")
    db.execute("CREATE UNIQUE INDEX tasks_client_id ON tasks(project_id, client_id)"
               " WHERE client_id IS NOT NULL")
    # Who changed a qualification and why (a gold pause, a supervisor's reinstatement).
    db.execute("ALTER TABLE qualifications ADD COLUMN reason TEXT")
    db.execute("ALTER TABLE qualifications ADD COLUMN changed_by INTEGER REFERENCES users(id)")
    db.execute("CREATE INDEX audit_log_at ON audit_log(at)")

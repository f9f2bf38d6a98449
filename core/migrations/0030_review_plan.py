"""Review by sample and by rule (#15): each project's review plan, the reason an answer
was drawn for review, and the annotators under watch (core/review_plan.py).

A project keeps today's behaviour until its supervisor sets a plan: nothing drawn at
random, no first answers, no "too fast" rule; disagreement and missed check tasks go to
review, as they did."""
from sqlite_utils import Database

REASONS = "('sample', 'disagree', 'check', 'fast', 'first', 'watch')"


def apply(db: Database) -> None:
    for column in (
            # The share of ordinary answers drawn at random (0-1).
            "review_share REAL NOT NULL DEFAULT 0"
            " CHECK (review_share >= 0 AND review_share <= 1)",
            # Each annotator's first N answers in the project go to review.
            "review_first INTEGER NOT NULL DEFAULT 0"
            " CHECK (review_first >= 0 AND review_first <= 1000)",
            "review_disagree INTEGER NOT NULL DEFAULT 1 CHECK (review_disagree IN (0, 1))",
            "review_check INTEGER NOT NULL DEFAULT 1 CHECK (review_check IN (0, 1))",
            "review_fast INTEGER NOT NULL DEFAULT 0 CHECK (review_fast IN (0, 1))",
            # Under watch when the lower end of her error rate's 95% interval is above it.
            "watch_above REAL NOT NULL DEFAULT 0.25"
            " CHECK (watch_above > 0 AND watch_above < 1)",
            # The random draw's seed: a hash of it and the answer's id decides, so a
            # draw can be told again (and a test can predict it).
            "review_seed INTEGER NOT NULL DEFAULT 0"):
        db.execute(f"ALTER TABLE projects ADD COLUMN {column}")
    db.execute("UPDATE projects SET review_seed = abs(random() % 2147483647) + 1")
    db.execute("""
        CREATE TRIGGER projects_review_seed AFTER INSERT ON projects WHEN NEW.review_seed = 0
        BEGIN UPDATE projects SET review_seed = abs(random() % 2147483647) + 1
        WHERE id = NEW.id; END""")
    db.execute(f"ALTER TABLE assignments ADD COLUMN review_reason TEXT"
               f" CHECK (review_reason IS NULL OR review_reason IN {REASONS})")
    # Answers waiting today were drawn by the rules of before: a pending answer on a
    # settled task did not agree with a confident majority; a wrong check answer nobody
    # looked at is a missed check task. Those on unsettled tasks are decided when it settles.
    db.execute("UPDATE assignments SET review_reason = 'disagree' WHERE review_state = 'pending'"
               " AND task_id IN (SELECT id FROM tasks WHERE status = 'done')")
    db.execute("UPDATE assignments SET review_reason = 'check' WHERE review_state = 'rejected'"
               " AND reviewed_by IS NULL AND task_id IN"
               " (SELECT id FROM tasks WHERE gold_answer IS NOT NULL)")
    # The queue's drawn answers, oldest first, counted from the index alone.
    db.execute("CREATE INDEX assignments_drawn ON assignments(submitted_at, project_id,"
               " user_id, review_reason, seconds_spent) WHERE review_state = 'pending'"
               " AND review_reason IS NOT NULL")
    # Her error rate: answers drawn without a look at them (sample, first, watch) that a
    # supervisor decided; a few per person, read per project.
    db.execute("CREATE INDEX assignments_checked ON assignments(project_id, user_id,"
               " reviewed_at, review_state) WHERE review_reason IN ('sample', 'first', 'watch')"
               " AND reviewed_by IS NOT NULL")
    # Per annotator and project: her watch, and how many answers she has given there at
    # least (kept once she passes the plan's first N, so later answers read this row alone).
    db.execute("""
        CREATE TABLE review_people (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            watched INTEGER NOT NULL DEFAULT 0 CHECK (watched IN (0, 1)),
            since TEXT,  -- when the watch began
            by INTEGER REFERENCES users(id),  -- who put it; NULL: her error rate
            lifted_at TEXT,  -- the last lift; her error rate counts from it
            lifted_by INTEGER REFERENCES users(id),
            answered_at_least INTEGER NOT NULL DEFAULT 0 CHECK (answered_at_least >= 0),
            CHECK (watched = 0 OR since IS NOT NULL),
            PRIMARY KEY (project_id, user_id)
        ) WITHOUT ROWID""")

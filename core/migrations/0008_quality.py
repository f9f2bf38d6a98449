"""Quality (#8): dynamic overlap, review decisions, appeals.
tasks.wanted: answers this task asks for now (NULL: the project's redundancy); a tie or
weak agreement raises it by one, up to the project's max_answers.
assignments.reviewed_by/at, reject_reason (a code of core.review.REJECT_REASONS) and
review_note (the supervisor's own words, shown to her as written). review_state stays
the one truth payouts read: pending, accepted or rejected.
"""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("ALTER TABLE tasks ADD COLUMN wanted INTEGER CHECK (wanted IS NULL OR wanted >= 1)")
    for column in ("reviewed_by INTEGER REFERENCES users(id)", "reviewed_at TEXT",
                   "reject_reason TEXT", "review_note TEXT"):
        db.execute(f"ALTER TABLE assignments ADD COLUMN {column}")
    # The review queue and auto-accept read pending answers per project, oldest first.
    db.execute("CREATE INDEX assignments_pending ON assignments(project_id, submitted_at)"
               " WHERE review_state = 'pending'")
    # Dashboards read a project's answers by day through assignments_project (0006).
    db.execute("""
        CREATE TABLE appeals (
            id INTEGER PRIMARY KEY,
            assignment_id INTEGER NOT NULL UNIQUE REFERENCES assignments(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            rejected_by INTEGER REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'upheld', 'overturned')),
            decided_by INTEGER REFERENCES users(id),
            decided_at TEXT,
            decision_note TEXT
        )""")
    db.execute("CREATE INDEX appeals_open ON appeals(status, created_at)")
    db.execute("CREATE INDEX appeals_user ON appeals(user_id)")
    # A task never has more live leases plus answers than it wants.
    db.execute("""
        CREATE TRIGGER assignments_within_wanted BEFORE INSERT ON assignments
        WHEN (SELECT t.answers_count FROM tasks t WHERE t.id = NEW.task_id)
           + (SELECT count(*) FROM assignments a WHERE a.task_id = NEW.task_id
              AND a.state = 'active' AND a.lease_expires_at > NEW.claimed_at)
           >= (SELECT coalesce(t.wanted, p.redundancy) FROM tasks t
               JOIN projects p ON p.id = t.project_id WHERE t.id = NEW.task_id)
        BEGIN SELECT RAISE(ABORT, 'task_full: the task has all the answers and leases it wants');
        END""")
    # An appeal is decided once, and not by the supervisor who rejected the answer while
    # her centre has another active supervisor.
    db.execute("""
        CREATE TRIGGER appeals_decided_once BEFORE UPDATE ON appeals
        WHEN OLD.status != 'open'
        BEGIN SELECT RAISE(ABORT, 'appeal_decided: a decided appeal does not change'); END""")
    db.execute("""
        CREATE TRIGGER appeals_not_by_rejecter BEFORE UPDATE OF decided_by ON appeals
        WHEN NEW.decided_by = OLD.rejected_by AND EXISTS (
            SELECT 1 FROM users s JOIN users r ON r.id = OLD.rejected_by
            WHERE s.role = 'supervisor' AND s.active = 1 AND s.centre_id = r.centre_id
              AND s.id != r.id)
        BEGIN SELECT RAISE(ABORT, 'appeal_needs_other: another supervisor decides this appeal');
        END""")

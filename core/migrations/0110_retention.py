"""Retention and provable deletion (#19): how long a project's content is kept once it is
closed, and purges that two people agree to, like payouts (0009, 0017).

A purge is asked by one supervisor and approved by another; the database refuses an
approval by the asker and any change to a finished purge. The finished row is the
deletion record a client is given: counts, who asked and approved, when, and a SHA-256
over the deleted content taken before it was deleted. Pay and audit rows stay.
"""
from importlib import import_module

from sqlite_utils import Database

_statements = import_module(f"{__package__}.0009_payouts")._statements

SCHEMA = """
ALTER TABLE projects ADD COLUMN retention_days INTEGER
    CHECK (retention_days IS NULL OR retention_days BETWEEN 0 AND 3650);
ALTER TABLE projects ADD COLUMN closed_at TEXT;
ALTER TABLE projects ADD COLUMN purged_at TEXT;
CREATE TABLE purges (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    slug TEXT NOT NULL,  -- the project's, kept in the record whatever becomes of it
    status TEXT NOT NULL DEFAULT 'asked'
        CHECK (status IN ('asked', 'approved', 'done', 'cancelled')),
    asked_by INTEGER NOT NULL REFERENCES users(id),
    asked_at TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT,
    done_at TEXT,
    tasks INTEGER, answers INTEGER, media INTEGER, texts INTEGER,
    content_bytes INTEGER,
    sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
    CHECK (status IN ('asked', 'cancelled') OR (approved_by IS NOT NULL
        AND approved_by <> asked_by AND approved_at IS NOT NULL)),
    CHECK (status <> 'done' OR (done_at IS NOT NULL AND sha256 IS NOT NULL))
);
CREATE UNIQUE INDEX purges_one_open ON purges (project_id)
    WHERE status IN ('asked', 'approved');
CREATE TRIGGER purges_approved_by_another BEFORE UPDATE OF status ON purges
WHEN NEW.status = 'approved' AND (OLD.status <> 'asked' OR NEW.approved_by IS OLD.asked_by
    OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.approved_by AND u.active = 1
                   AND u.role IN ('supervisor', 'admin')))
BEGIN SELECT RAISE(ABORT, 'a purge is approved by another supervisor'); END;
CREATE TRIGGER purges_done_after_approval BEFORE UPDATE OF status ON purges
WHEN NEW.status = 'done' AND OLD.status <> 'approved'
BEGIN SELECT RAISE(ABORT, 'only an approved purge is carried out'); END;
CREATE TRIGGER purges_final BEFORE UPDATE ON purges
WHEN OLD.status IN ('done', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'a deletion record is final'); END;
CREATE TRIGGER purges_keep BEFORE DELETE ON purges
BEGIN SELECT RAISE(ABORT, 'deletion records are never deleted'); END;
CREATE TRIGGER projects_purged_only_by_purge BEFORE UPDATE OF purged_at ON projects
WHEN NEW.purged_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM purges p
    WHERE p.project_id = NEW.id AND p.status = 'approved')
BEGIN SELECT RAISE(ABORT, 'a project is purged only by an approved purge'); END;
CREATE TRIGGER projects_closed_at AFTER UPDATE OF status ON projects
WHEN NEW.status = 'closed' AND OLD.status <> 'closed'
BEGIN UPDATE projects SET closed_at = datetime('now') WHERE id = NEW.id; END;
CREATE TRIGGER projects_reopened AFTER UPDATE OF status ON projects
WHEN NEW.status <> 'closed' AND OLD.status = 'closed'
BEGIN UPDATE projects SET closed_at = NULL WHERE id = NEW.id; END;
"""


def apply(db: Database) -> None:
    for statement in _statements(SCHEMA):
        db.execute(statement)

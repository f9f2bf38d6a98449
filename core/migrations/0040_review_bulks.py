"""Bulk review decisions that can be undone (#15): each "accept all" is a row with its
count and money and the answers it took, so that it can be undone as one until any of
them enters a payout; and a paid answer's review (who, when, why) stands as its state
already does (assignments_paid_answer_stands, 0009)."""
from sqlite_utils import Database

_IN_A_PAYOUT = ("EXISTS (SELECT 1 FROM payout_items WHERE assignment_id = {row}.id"
                " AND live = 1)")


def apply(db: Database) -> None:
    db.executescript(f"""
CREATE TABLE review_bulks (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES users(id),
    centre_id INTEGER REFERENCES centres(id),
    at TEXT NOT NULL,
    answers INTEGER NOT NULL CHECK (answers > 0),
    paise INTEGER NOT NULL CHECK (paise >= 0),
    too_fast INTEGER NOT NULL DEFAULT 0 CHECK (too_fast BETWEEN 0 AND answers),
    filters TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(filters)),
    undone_at TEXT,
    undone_by INTEGER REFERENCES users(id),
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
CREATE INDEX review_bulks_centre ON review_bulks(centre_id, at);
CREATE TABLE review_bulk_items (
    bulk_id INTEGER NOT NULL REFERENCES review_bulks(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    PRIMARY KEY (bulk_id, assignment_id)
) WITHOUT ROWID;

-- A bulk decision is undone once, and never once one of its answers is in a payout.
CREATE TRIGGER review_bulks_undone_once BEFORE UPDATE ON review_bulks
WHEN OLD.undone_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a bulk decision is undone once'); END;
CREATE TRIGGER review_bulks_undo_before_payout BEFORE UPDATE OF undone_at ON review_bulks
WHEN NEW.undone_at IS NOT NULL AND EXISTS (SELECT 1 FROM review_bulk_items b
    JOIN payout_items i ON i.assignment_id = b.assignment_id AND i.live = 1
    WHERE b.bulk_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'an answer of this bulk decision is in a payout'); END;

-- Who reviewed a paid answer, when and why, stays as the payout read it.
CREATE TRIGGER assignments_paid_review_stands
BEFORE UPDATE OF reviewed_by, reviewed_at, reject_reason, review_note ON assignments
WHEN (NEW.reviewed_by IS NOT OLD.reviewed_by OR NEW.reviewed_at IS NOT OLD.reviewed_at
    OR NEW.reject_reason IS NOT OLD.reject_reason OR NEW.review_note IS NOT OLD.review_note)
    AND {_IN_A_PAYOUT.format(row="OLD")}
BEGIN SELECT RAISE(ABORT, 'an answer in a payout keeps its review and pay'); END;
""")

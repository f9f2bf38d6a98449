"""Who decides an appeal, held by the database (#15)."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    # The supervisor an admin names to decide a centre's appeals (none: the rule below).
    db.execute("ALTER TABLE centres ADD COLUMN appeals_by INTEGER REFERENCES users(id)")
    # Who may decide the appeal of a rejected answer: never the one who rejected it. The
    # supervisor named for the centre, when she is one of its active supervisors; else
    # any other active supervisor of the centre; an admin always. In a centre with one
    # supervisor (Sitapur) her own rejections go to an admin. The rejecter is the one the
    # appeal recorded, or before an appeal the answer's reviewer (none: a check task).
    # One definition for the trigger below, her home's count, the appeals page and the
    # sentence that says who will decide.
    db.execute("""
        CREATE VIEW appeal_deciders AS
        SELECT a.id AS assignment_id, u.id AS user_id, u.role, u.name
        FROM assignments a JOIN projects p ON p.id = a.project_id
        JOIN centres c ON c.id = p.centre_id
        LEFT JOIN appeals ap ON ap.assignment_id = a.id
        JOIN users u ON u.active = 1 AND u.role IN ('admin', 'supervisor')
        WHERE u.id IS NOT (CASE WHEN ap.id IS NULL THEN a.reviewed_by ELSE ap.rejected_by END)
          AND (u.role = 'admin' OR (u.centre_id = p.centre_id AND (
            u.id = c.appeals_by
            OR c.appeals_by IS NULL
            OR c.appeals_by IS (CASE WHEN ap.id IS NULL THEN a.reviewed_by
                                ELSE ap.rejected_by END)
            OR NOT EXISTS (SELECT 1 FROM users n WHERE n.id = c.appeals_by AND n.active = 1
                           AND n.role = 'supervisor' AND n.centre_id = c.id))))
    """)
    db.execute("DROP TRIGGER appeals_not_by_rejecter")
    db.execute("""
        CREATE TRIGGER appeals_decided_by_a_decider BEFORE UPDATE OF decided_by ON appeals
        WHEN NEW.decided_by IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM appeal_deciders d
            WHERE d.assignment_id = OLD.assignment_id AND d.user_id = NEW.decided_by)
        BEGIN SELECT RAISE(ABORT, 'appeal_needs_other: this person may not decide this appeal');
        END
    """)

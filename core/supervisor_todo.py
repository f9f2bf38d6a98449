"""What waits for a supervisor today: answers to review, appeals to decide, payment
details to confirm, payouts that need her as second approver, reported or held tasks.
One query of indexed counts, her centre only (admin: every centre, or the one chosen)."""
import datetime as dt

from . import scope
from .db import one
from . import review
from .review import auto_accept

# The order of the lines on her home (each a count; zero ones are not shown).
KINDS = ("answers", "appeals", "payment_changes", "payouts", "tasks")


def waiting(db, viewer: dict, centre_id: int | None = None,
            now: dt.datetime | None = None) -> dict:
    """{kind: count} for the viewer's centre. A supervisor always her own; an admin the
    centre_id given, or every centre when None. Payouts count only drafts another person
    drafted (she may approve those), appeals only those she may decide (never the ones
    she rejected). Answers are those the review plans drew (core.review_plan), and those
    past their review window are accepted first, as the review queue does by default, so
    both show the same number."""
    centre_id = scope.centre_for(viewer, centre_id)
    auto_accept(db, now)
    return one(db, f"""
        SELECT
          (SELECT count(*) FROM assignments a JOIN projects p ON p.id = a.project_id
            WHERE a.review_state = 'pending' AND a.review_reason IS NOT NULL
              AND {scope.project_sql('p')}) AS answers,
          (SELECT count(*) FROM appeals ap JOIN assignments a ON a.id = ap.assignment_id
            JOIN projects p ON p.id = a.project_id
            WHERE ap.status = 'open' AND {scope.project_sql('p')}
              AND {review.MAY_DECIDE}) AS appeals,
          (SELECT count(*) FROM payment_details d JOIN users u ON u.id = d.user_id
            WHERE d.confirmed_by IS NULL AND d.refused_by IS NULL
              AND (:centre IS NULL OR u.centre_id = :centre)
              AND d.id = (SELECT max(id) FROM payment_details WHERE user_id = d.user_id)
          ) AS payment_changes,
          (SELECT count(*) FROM payouts o WHERE o.status = 'draft' AND o.drafted_by <> :viewer
            AND (:centre IS NULL OR o.centre_id = :centre)) AS payouts,
          (SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id
            WHERE t.status <> 'removed' AND (t.status = 'held' OR t.reports_count > 0)
              AND {scope.project_sql('p')}) AS tasks
        """, {**scope.bind(centre_id, viewer), "viewer": viewer["id"]})

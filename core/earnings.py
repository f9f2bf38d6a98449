"""What an annotator has earned: today, per day and in total (money in integer paise)."""
import datetime as dt

from . import paging
from .clock import india_day
from .db import one

_SUMS = """
count(*) AS answers,
coalesce(sum(CASE WHEN review_state = 'accepted' THEN pay_paise END), 0) AS accepted_paise,
coalesce(sum(CASE WHEN review_state = 'pending' THEN pay_paise END), 0) AS pending_paise,
coalesce(sum(review_state = 'pending'), 0) AS pending,
coalesce(sum(review_state = 'accepted'), 0) AS accepted,
coalesce(sum(review_state = 'rejected'), 0) AS rejected
"""
# Days are India's days: shift UTC by +5:30 before taking the date.
_DAY = "date(submitted_at, '+330 minutes')"


def today(db, user_id: int, now: dt.datetime | None = None) -> dict:
    """Her answers since midnight in India, what they earn unless rejected, how many wait
    for review and how many are accepted, with their pay (kept by the database's
    triggers in answers_by_day: one row, however many answers)."""
    row = one(db, "SELECT answers, earned_paise, pending, accepted, accepted_paise"
                  " FROM answers_by_day WHERE user_id = ? AND day = ?",
              (user_id, india_day(now)))
    return row or {"answers": 0, "earned_paise": 0, "pending": 0, "accepted": 0,
                   "accepted_paise": 0}


def totals(db, user_id: int) -> dict:
    return one(db, f"SELECT {_SUMS} FROM assignments WHERE user_id = ? AND state = 'submitted'",
               (user_id,))


def by_day(db, user_id: int, page: int = 1, per_page: int = 14) -> tuple[list[dict], bool]:
    """One row per day she answered, newest first; and whether an older page exists."""
    rows = list(db.query(
        f"SELECT {_DAY} AS day, {_SUMS} FROM assignments WHERE user_id = :user"
        f" AND state = 'submitted' GROUP BY day ORDER BY day DESC LIMIT :limit OFFSET :offset",
        {"user": user_id, **paging.window(page, per_page)}))
    for row in rows:
        row["day"] = dt.date.fromisoformat(row["day"])
    return paging.split(rows, per_page)


def payouts_part(db, user_id: int, page: int = 1) -> dict:
    """Her money by payout stage and her payouts, for the earnings page's payout part."""
    from . import payouts

    lines, more = payouts.her_lines(db, user_id, page)
    return {"ledger": payouts.ledger(db, user_id), "lines": lines, "more": more, "page": page}

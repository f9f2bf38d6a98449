"""What an annotator has earned: today, per day and in total (money in integer paise)."""
import datetime as dt

from .db import ist_day_start, one, stamp, utcnow

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
    """Her answers since midnight in India, and what they earn unless rejected."""
    start = ist_day_start(now or utcnow())
    row = one(db, f"SELECT {_SUMS} FROM assignments WHERE user_id = ?"
                  " AND state = 'submitted' AND submitted_at >= ?", (user_id, stamp(start)))
    row["earned_paise"] = row["accepted_paise"] + row["pending_paise"]
    return row


def totals(db, user_id: int) -> dict:
    return one(db, f"SELECT {_SUMS} FROM assignments WHERE user_id = ? AND state = 'submitted'",
               (user_id,))


def by_day(db, user_id: int, page: int = 1, per_page: int = 14) -> tuple[list[dict], bool]:
    """One row per day she answered, newest first; and whether an older page exists."""
    page = min(max(page, 1), 10**9)  # far past any real page; keeps OFFSET in range
    rows = list(db.query(
        f"SELECT {_DAY} AS day, {_SUMS} FROM assignments WHERE user_id = ?"
        f" AND state = 'submitted' GROUP BY day ORDER BY day DESC LIMIT ? OFFSET ?",
        (user_id, per_page + 1, (page - 1) * per_page)))
    for row in rows:
        row["day"] = dt.date.fromisoformat(row["day"])
    return rows[:per_page], len(rows) > per_page

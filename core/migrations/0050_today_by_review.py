"""Her day's answers by review state, kept by the database: the card's "Today" line says
what waits for review and what is accepted (#15)."""
from sqlite_utils import Database

# An answer's part in her day's figures: one answer, its pay while accepted or pending,
# one pending or one accepted, and its pay once accepted; on India's day of submitted_at.
_DAY_OF = "date({row}.submitted_at, '+330 minutes')"
_PARTS = {
    "answers": "1",
    "earned_paise": "CASE WHEN {row}.review_state IN ('accepted', 'pending')"
                    " THEN {row}.pay_paise ELSE 0 END",
    "pending": "({row}.review_state = 'pending')",
    "accepted": "({row}.review_state = 'accepted')",
    "accepted_paise": "CASE WHEN {row}.review_state = 'accepted' THEN {row}.pay_paise ELSE 0 END",
}
_COLUMNS = ", ".join(_PARTS)


def _day_change(row: str, sign: int) -> str:
    values = ", ".join(f"{sign} * ({part.format(row=row)})" for part in _PARTS.values())
    sums = ", ".join(f"{name} = {name} + excluded.{name}" for name in _PARTS)
    return (f"INSERT INTO answers_by_day (user_id, day, {_COLUMNS})"
            f" SELECT {row}.user_id, {_DAY_OF.format(row=row)}, {values}"
            f" WHERE {row}.state = 'submitted'"
            f" ON CONFLICT (user_id, day) DO UPDATE SET {sums};")


def apply(db: Database) -> None:
    for name in ("pending", "accepted", "accepted_paise"):
        db.execute(f"ALTER TABLE answers_by_day ADD COLUMN {name} INTEGER NOT NULL DEFAULT 0")
    db.execute("""
        UPDATE answers_by_day SET pending = s.pending, accepted = s.accepted,
            accepted_paise = s.accepted_paise
        FROM (SELECT user_id, date(submitted_at, '+330 minutes') AS day,
                     sum(review_state = 'pending') AS pending,
                     sum(review_state = 'accepted') AS accepted,
                     sum(CASE WHEN review_state = 'accepted' THEN pay_paise ELSE 0 END)
                         AS accepted_paise
              FROM assignments WHERE state = 'submitted' GROUP BY 1, 2) AS s
        WHERE answers_by_day.user_id = s.user_id AND answers_by_day.day = s.day""")
    for name in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER IF EXISTS answers_by_day_{name}")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_insert AFTER INSERT ON assignments
        WHEN NEW.state = 'submitted' BEGIN {_day_change("NEW", 1)} END""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_delete AFTER DELETE ON assignments
        WHEN OLD.state = 'submitted' BEGIN {_day_change("OLD", -1)} END""")
    # A review that accepts a pending answer leaves its pay as it was, but moves it
    # from "waiting" to "accepted": the review state itself is watched now.
    db.execute(f"""
        CREATE TRIGGER answers_by_day_update
        AFTER UPDATE OF state, review_state, pay_paise, submitted_at, user_id ON assignments
        WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
            OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id
            OR OLD.submitted_at IS NOT NEW.submitted_at
            OR OLD.review_state IS NOT NEW.review_state OR OLD.pay_paise IS NOT NEW.pay_paise)
        BEGIN {_day_change("OLD", -1)} {_day_change("NEW", 1)} END""")

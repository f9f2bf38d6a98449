"""Her day's answers and earnings, kept by the database (#10)."""
from sqlite_utils import Database

# An answer's part in her day's figures (answers_by_day): one if submitted, and its pay
# while accepted or pending, on India's day of submitted_at.
_DAY_OF = "date({row}.submitted_at, '+330 minutes')"
_EARNED = ("CASE WHEN {row}.review_state IN ('accepted', 'pending') THEN {row}.pay_paise"
           " ELSE 0 END")
_ADD_DAY = """INSERT INTO answers_by_day (user_id, day, answers, earned_paise)
    SELECT {row}.user_id, {day}, {sign}, {sign} * {earned} WHERE {row}.state = 'submitted'
    ON CONFLICT (user_id, day) DO UPDATE SET answers = answers + excluded.answers,
        earned_paise = earned_paise + excluded.earned_paise;"""


def _day_change(row: str, sign: int) -> str:
    return _ADD_DAY.format(row=row, sign=sign, day=_DAY_OF.format(row=row),
                           earned=_EARNED.format(row=row))


def apply(db: Database) -> None:
    # Her card shows today's answers and earnings on every task: summed over her answers
    # of the day that was 0.5 ms by evening (1,600 answers). The database keeps the sums
    # by triggers, for every way an answer changes, so they cannot drift from the rows.
    db.execute("""
        CREATE TABLE answers_by_day (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,  -- India's day, YYYY-MM-DD
            answers INTEGER NOT NULL,
            earned_paise INTEGER NOT NULL,  -- pay of the answers not rejected
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID""")
    db.execute(f"""
        INSERT INTO answers_by_day (user_id, day, answers, earned_paise)
        SELECT a.user_id, {_DAY_OF.format(row="a")}, count(*), sum({_EARNED.format(row="a")})
        FROM assignments a WHERE a.state = 'submitted' GROUP BY 1, 2""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_insert AFTER INSERT ON assignments
        WHEN NEW.state = 'submitted' BEGIN {_day_change("NEW", 1)} END""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_delete AFTER DELETE ON assignments
        WHEN OLD.state = 'submitted' BEGIN {_day_change("OLD", -1)} END""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_update
        AFTER UPDATE OF state, review_state, pay_paise, submitted_at, user_id ON assignments
        WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
            OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id
            OR OLD.submitted_at IS NOT NEW.submitted_at
            OR ({_EARNED.format(row="OLD")}) IS NOT ({_EARNED.format(row="NEW")}))
        BEGIN {_day_change("OLD", -1)} {_day_change("NEW", 1)} END""")

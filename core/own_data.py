"""Her own data (DPDP: her right to see what is kept about her): her answers, her pay
and her logins, as rows for a page or a streamed CSV / JSON download. Every query is
bound to her user id, and nothing else can be passed in."""
from .db import rows

ANSWERS = ("SELECT a.id, p.slug AS project, a.task_id, a.answer, a.submitted_at, a.state,"
           " a.review_state, a.pay_paise FROM assignments a"
           " JOIN projects p ON p.id = a.project_id"
           " WHERE a.user_id = ? AND a.id > ? ORDER BY a.id LIMIT ?")
PAY = ("SELECT l.payout_id, o.period_start, o.period_end, o.status, l.answers,"
       " l.amount_paise, r.status AS result, r.recorded_at AS paid_at"
       " FROM payout_lines l JOIN payouts o ON o.id = l.payout_id"
       " LEFT JOIN payout_results r ON r.line_id = l.id"
       " WHERE l.user_id = ? ORDER BY l.id")
LOGINS = ("SELECT created_at AS logged_in_at, last_seen, ended_at, device FROM sessions"
          " WHERE user_id = ? ORDER BY created_at")
CONSENTS = "SELECT version, at FROM consents WHERE user_id = ? ORDER BY id"
BATCH = 500


def answers(db, user_id: int):
    """Her answers, a batch at a time (a long-serving annotator has tens of thousands)."""
    after = 0
    while True:
        batch = db.conn.execute(ANSWERS, (user_id, after, BATCH)).fetchall()
        if not batch:
            return
        for row in batch:
            yield dict(zip(("project", "task_id", "answer", "submitted_at", "state",
                            "review_state", "pay_paise"), row[1:]))
        after = batch[-1][0]


def recent_answers(db, user_id: int, limit: int = 20) -> list[dict]:
    """Her latest answers, newest first, for her page."""
    return rows(db, "SELECT p.slug AS project, a.task_id, a.answer, a.submitted_at, a.state,"
                    " a.review_state, a.pay_paise FROM assignments a"
                    " JOIN projects p ON p.id = a.project_id"
                    " WHERE a.user_id = ? ORDER BY a.id DESC LIMIT ?", (user_id, limit))


def answer_count(db, user_id: int) -> int:
    return rows(db, "SELECT count(*) AS n FROM assignments WHERE user_id = ?", (user_id,))[0]["n"]


def pay(db, user_id: int) -> list[dict]:
    return rows(db, PAY, (user_id,))


def logins(db, user_id: int) -> list[dict]:
    return rows(db, LOGINS, (user_id,))


def consents(db, user_id: int) -> list[dict]:
    return rows(db, CONSENTS, (user_id,))


def sections(db, user_id: int):
    """(name, columns, rows) of each part of her data, in download order."""
    yield ("answers", ("project", "task_id", "answer", "submitted_at", "state",
                       "review_state", "pay_paise"), answers(db, user_id))
    yield ("pay", ("payout_id", "period_start", "period_end", "status", "answers",
                   "amount_paise", "result", "paid_at"), pay(db, user_id))
    yield ("logins", ("logged_in_at", "last_seen", "ended_at", "device"),
           logins(db, user_id))
    yield ("consents", ("version", "at"), consents(db, user_id))

"""Answers, reviews and payment details for payout tests, straight into the database.

Review is another module's work (#8); here review_state is set by SQL, as the contract
between the two says: 'accepted' answers earn their assignments.pay_paise."""
import datetime as dt

from core import clock, payment_details
from core import db as coredb

LAST_WEEK_WED = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.timezone.utc)  # Wed, IST 11:30
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.timezone.utc)  # Tue after that week
PERIOD = ("2026-11-23", "2026-11-29")


def answers(db, user, project, n, pay_paise=None, at=LAST_WEEK_WED, review="accepted",
            seconds=30):
    """n submitted answers by `user` on new tasks of `project`; their ids."""
    pay = project["pay_paise"] if pay_paise is None else pay_paise
    ids = []
    with coredb.write(db):
        for i in range(n):
            task = db.execute("INSERT INTO tasks (project_id, payload_text, created_at)"
                              " VALUES (?, ?, ?)", (project["id"], f"t{i}", clock.stamp(at))
                              ).lastrowid
            ids.append(db.execute(
                "INSERT INTO assignments (task_id, user_id, project_id, state, claimed_at,"
                " lease_expires_at, answer, submitted_at, seconds_spent, review_state,"
                " pay_paise) VALUES (?, ?, ?, 'submitted', ?, ?, 'pos', ?, ?, ?, ?)",
                (task, user["id"], project["id"], clock.stamp(at), clock.stamp(at),
                 clock.stamp(at), seconds, review, pay)).lastrowid)
    return ids


def review(db, ids, state="accepted"):
    db.execute(f"UPDATE assignments SET review_state = ? WHERE id IN ({','.join('?' * len(ids))})",
               (state, *ids))


def paid_to(db, user, confirmer, upi="kavitha@okaxis", account=None, ifsc=None,
            name="KAVITHA M"):
    """Her payment details, confirmed by `confirmer`."""
    if account:
        row = payment_details.change(db, user, "bank_account", account_number=account, ifsc=ifsc,
                                     account_name=name)
    else:
        row = payment_details.change(db, user, "vpa", upi_id=upi, account_name=name)
    return payment_details.confirm(db, row["id"], confirmer)


def value(db, sql, params=()):
    row = coredb.one(db, sql, params)
    return next(iter(row.values())) if row else None

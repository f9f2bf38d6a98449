"""Fair pay: what an hour of her work earns at each project, against the centre's minimum
wage, which a supervisor or admin sets (#9)."""
import datetime as dt

from . import audit, paging
from .clock import stamp, utcnow
from .db import one, write
from .payouts import centre_for, parse_rupees


def fair_pay(db, actor: dict, centre_id=None, days: int = 28, page: int = 1,
             per_page: int = 20, now=None) -> dict:
    """Effective pay per hour, from the seconds spent on each answer, per annotator and
    project over the last `days`; flagged when under the centre's minimum wage.

    Earned: answers not rejected, at each one's pay; time: every answer she gave."""
    centre = one(db, "SELECT * FROM centres WHERE id = ?", (centre_for(db, actor, centre_id),))
    since = stamp((now or utcnow()) - dt.timedelta(days=days))
    select = """
        SELECT p.id AS project_id, p.name_en, p.name_ta, p.name_hi, p.pay_paise,
               count(*) AS answers, coalesce(sum(a.seconds_spent), 0) AS seconds,
               coalesce(sum(CASE WHEN a.review_state <> 'rejected' THEN a.pay_paise END), 0)
                 AS earned_paise {extra}
        FROM assignments a JOIN projects p ON p.id = a.project_id {join}
        WHERE p.centre_id = :centre AND a.state = 'submitted' AND a.submitted_at >= :since
        GROUP BY {group} ORDER BY {order} LIMIT :limit OFFSET :offset"""
    params = {"centre": centre["id"], "since": since}
    project_rows = list(db.query(select.format(extra="", join="", group="p.id",
                                               order="p.id"),
                                 {**params, "limit": 100, "offset": 0}))
    people = list(db.query(select.format(
        extra=", u.id AS user_id, u.name", join="JOIN users u ON u.id = a.user_id",
        group="u.id, p.id", order="u.name, u.id, p.id"),
        {**params, **paging.window(page, per_page)}))
    minimum = centre["min_wage_paise_per_hour"]
    for row in project_rows + people:
        row["per_hour_paise"] = row["earned_paise"] * 3600 // row["seconds"] \
            if row["seconds"] else None
        row["below"] = bool(minimum and row["per_hour_paise"] is not None
                            and row["per_hour_paise"] < minimum)
    people, more = paging.split(people, per_page)
    return {"centre": centre, "projects": project_rows, "people": people, "more": more,
            "days": days}


def set_min_wage(db, actor: dict, amount, centre_id=None) -> None:
    """The centre's minimum wage per hour (₹, with paise), audited; 0 means none set."""
    paise = parse_rupees(amount, "min_wage")
    with write(db):
        centre_id = centre_for(db, actor, centre_id)
        before = one(db, "SELECT min_wage_paise_per_hour AS p FROM centres WHERE id = ?",
                     (centre_id,))["p"]
        db.execute("UPDATE centres SET min_wage_paise_per_hour = ? WHERE id = ?",
                   (paise, centre_id))
        audit.record(db, actor["id"], "centre.min_wage", f"centre:{centre_id}",
                     paise_per_hour=paise, was=before)

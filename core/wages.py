"""Fair pay: what an hour of her work earns at each project, against the centre's minimum
wage, which a supervisor or admin sets (#9)."""
import datetime as dt

from . import audit, content, paging, scope
from .clock import india_day, utcnow
from .db import one, write
from .payouts import centre_for, parse_rupees


def fair_pay(db, actor: dict, centre_id=None, days: int = 28, page: int = 1,
             per_page: int = 20, now=None) -> dict:
    """Effective pay per hour, from the seconds spent on each answer, per annotator and
    project over the last `days` days in India (today included); flagged when under the
    centre's minimum wage.

    Earned: answers not rejected, at each one's pay; time: every answer she gave. Read
    from work_by_day (a row per person, project and day, kept by triggers), not from
    every answer of the weeks (#15); projects first (CROSS JOIN keeps the order), so
    each reads a range of its key."""
    centre = one(db, "SELECT * FROM centres WHERE id = ?", (centre_for(db, actor, centre_id),))
    since = india_day((now or utcnow()) - dt.timedelta(days=days - 1))
    select = """
        SELECT p.id AS project_id, """ + content.project_name() + """, p.pay_paise,
               sum(w.answers) AS answers, sum(w.seconds) AS seconds,
               sum(w.earned_paise) AS earned_paise {extra}
        FROM projects p CROSS JOIN work_by_day w ON w.project_id = p.id {join}
        WHERE """ + scope.project_sql("p") + """ AND w.day >= :since
        GROUP BY {group} HAVING sum(w.answers) > 0 ORDER BY {order}
        LIMIT :limit OFFSET :offset"""
    params = {**scope.bind(centre["id"], actor), "since": since}
    project_rows = list(db.query(select.format(extra="", join="", group="p.id",
                                               order="p.id"),
                                 {**params, "limit": 100, "offset": 0}))
    people = list(db.query(select.format(
        extra=", u.id AS user_id, u.name", join="JOIN users u ON u.id = w.user_id",
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

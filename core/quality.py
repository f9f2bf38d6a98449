"""Quality: comparing answers, settling a task by majority with dynamic overlap,
agreement (Krippendorff's alpha), per-annotator figures and the dashboard's series.

Pure Python over the database; nothing here imports Flask or core.tasks.
"""
import datetime as dt
import statistics
from collections import Counter, defaultdict

from . import paging, room, tasktypes
from .clock import IST, stamp, utcnow
from .db import rows as all_rows
# When two answers are the same: the one rule, kept with the task types.
from .tasktypes import normalise, same


def settle_task(db, task_id: int, project: dict, now: dt.datetime) -> list[int]:
    """After an answer: aggregate the task once it has the answers it wants.

    Runs inside record_answer's transaction (one read, at most two writes). A tie or an
    agreement under the project's threshold asks for one more answer (tasks.wanted + 1),
    up to max_answers; then the task is done with the majority (none on a tie) and its
    confidence. Only with a confident majority are the agreeing pending answers accepted
    automatically; every other pending answer waits for a supervisor (core.review).
    Returns the ids of the answers it accepted."""
    rows = all_rows(
        db, "SELECT a.id, a.answer, a.review_state, t.wanted FROM assignments a"
        " JOIN tasks t ON t.id = a.task_id WHERE a.task_id = ? AND a.state = 'submitted'",
        (task_id,))
    if len(rows) < room.wanted(rows[0], project):
        return []
    task_type = tasktypes.of(project)
    result = task_type.settle([row["answer"] for row in rows])
    confident = not result["tie"] and result["agreement"] >= project["agreement_threshold"]
    if not confident and result["n"] < max(project["max_answers"], project["redundancy"]):
        # One more answer, please: the task goes (back) to the pool.
        db.execute("UPDATE tasks SET wanted = ?, aggregate = NULL, confidence = ?,"
                   " status = CASE status WHEN 'done' THEN 'open' ELSE status END WHERE id = ?",
                   (result["n"] + 1, result["agreement"], task_id))
        return []
    db.execute("UPDATE tasks SET aggregate = ?, confidence = ?,"
               " status = CASE status WHEN 'open' THEN 'done' ELSE status END WHERE id = ?",
               (None if result["tie"] else result["top"], result["agreement"], task_id))
    agreeing = [row["id"] for row in rows if confident and row["review_state"] == "pending"
                and task_type.same(row["answer"], result["top"])]
    if agreeing:
        db.execute(f"UPDATE assignments SET review_state = 'accepted', reviewed_at = ?"
                   f" WHERE review_state = 'pending' AND id IN"
                   f" ({','.join('?' * len(agreeing))})", (stamp(now), *agreeing))
    return agreeing


# -- agreement -------------------------------------------------------------------------

def krippendorff_alpha(units) -> float | None:
    """Krippendorff's alpha for nominal data. `units`: for each unit (task) the values
    given to it (missing ones left out). Units with fewer than two values are not
    pairable and count for nothing. None when there is nothing to measure: no pairable
    unit, or every value the same (no disagreement could be expected).

    Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": coincidences
    o_ck = sum over units of (pairs c-k in the unit) / (m_u - 1); n_c = sum_k o_ck;
    alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k."""
    n_c = Counter()
    disagreeing = 0.0
    for values in units:
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for value, count in counts.items():
            n_c[value] += count  # sum over k of o_ck is the value's count in pairable units
            disagreeing += count * (m - count) / (m - 1)
    n = sum(n_c.values())
    expected = n * n - sum(c * c for c in n_c.values())
    if n < 2 or expected == 0:
        return None
    return 1 - (n - 1) * disagreeing / expected


# Krippendorff's own guide: >= 0.8 reliable; 0.667 to 0.8 for tentative conclusions only.
def agreement_band(alpha: float | None) -> str:
    """'none' (not enough answers), 'low' (< 0.667), 'fair' (< 0.8) or 'good'."""
    if alpha is None:
        return "none"
    return "low" if alpha < 0.667 else "fair" if alpha < 0.8 else "good"


def _units(rows) -> list[list[str]]:
    by_task = defaultdict(list)
    for row in rows:
        by_task[row["task_id"]].append(normalise(row["answer"]))
    return list(by_task.values())


def project_agreement(db, project_id: int) -> dict:
    """Alpha over every task of the project, with its band and the tasks counted."""
    rows = list(db.query("SELECT task_id, answer FROM assignments WHERE project_id = ?"
                         " AND state = 'submitted'", (project_id,)))
    units = _units(rows)
    alpha = krippendorff_alpha(units)
    return {"alpha": alpha, "band": agreement_band(alpha),
            "tasks": sum(1 for u in units if len(u) > 1)}


# -- per annotator -----------------------------------------------------------------------

def _people(rows, same_rule=same) -> dict:
    """Per user: figures over her assignments (rows with state, answer, seconds_spent,
    aggregate, gold_answer, review_state); `same_rule`: the project's type's."""
    people = defaultdict(lambda: {"answers": 0, "skips": 0, "agree": 0, "compared": 0,
                                  "gold_right": 0, "gold": 0, "seconds": [], "fast": 0,
                                  "accepted": 0, "judged": 0})
    for row in rows:
        person = people[row["user_id"]]
        if row["state"] in ("skipped", "reported"):
            person["skips"] += 1
            continue
        person["answers"] += 1
        # Reviewed or verified: for a photo or a recording, the measure of her work.
        if row["review_state"] in ("accepted", "rejected"):
            person["judged"] += 1
            person["accepted"] += row["review_state"] == "accepted"
        if row["seconds_spent"] is not None:
            person["seconds"].append(row["seconds_spent"])
            if row["seconds_spent"] < row["min_seconds"]:
                person["fast"] += 1
        if row["gold_answer"] is not None:
            person["gold"] += 1
            person["gold_right"] += same_rule(row["answer"], row["gold_answer"])
        elif row["aggregate"] is not None:
            person["compared"] += 1
            person["agree"] += same_rule(row["answer"], row["aggregate"])
    return people


def _figures(person: dict, min_seconds: int) -> dict:
    seen = person["answers"] + person["skips"]
    median = statistics.median(person["seconds"]) if person["seconds"] else None
    return {**{k: v for k, v in person.items() if k != "seconds"},
            "agreement": person["agree"] / person["compared"] if person["compared"] else None,
            "gold_accuracy": person["gold_right"] / person["gold"] if person["gold"] else None,
            "accepted_share": person["accepted"] / person["judged"] if person["judged"] else None,
            "median_seconds": median,
            "skip_share": person["skips"] / seen if seen else 0.0,
            "too_fast": median is not None and median < min_seconds}


_PERSON_ROWS = """
SELECT a.user_id, a.state, a.answer, a.seconds_spent, a.review_state, t.aggregate,
       t.gold_answer,
       p.min_seconds, a.project_id
FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN projects p ON p.id = a.project_id
WHERE a.state != 'active' AND {where}
"""


def annotator_stats(db, project: dict, page: int = 1, per_page: int = 20) -> tuple[list, bool]:
    """Each annotator of the project, most answers first: answers, agreement with the
    majority, gold accuracy, median seconds, share of skips, too_fast (median under the
    project's min_seconds). And whether another page follows."""
    rows = db.query(_PERSON_ROWS.format(where="a.project_id = ?"), (project["id"],))
    people = _people(rows, tasktypes.of(project).same)
    names = {row["id"]: row["name"] for row in db.query(
        f"SELECT id, name FROM users WHERE id IN ({','.join('?' * len(people))})",
        tuple(people))} if people else {}
    stats = sorted(({"user_id": uid, "name": names.get(uid, ""),
                     **_figures(person, project["min_seconds"])}
                    for uid, person in people.items()),
                   key=lambda s: (-s["answers"], s["name"]))
    # Figures are made in Python, so the page is cut from them by the same window.
    window = paging.window(page, per_page)
    return paging.split(stats[window["offset"]:window["offset"] + window["limit"]], per_page)


def her_quality(db, user_id: int) -> list[dict]:
    """Her own agreement and gold accuracy per project she answered, for her earnings."""
    rows = list(db.query(_PERSON_ROWS.format(where="a.user_id = ?"), (user_id,)))
    by_project = defaultdict(list)
    for row in rows:
        by_project[row["project_id"]].append(row)
    out = []
    for project_id, project_rows in sorted(by_project.items()):
        project = next(db.query("SELECT id, languages, content_version, task_type,"
                                " cer_threshold FROM projects WHERE id = ?", (project_id,)))
        person = _people(project_rows, tasktypes.of(project).same)[user_id]
        if not person["answers"]:
            continue
        out.append({"project": project, **_figures(person, project_rows[0]["min_seconds"])})
    return out


# -- the dashboard -------------------------------------------------------------------------

DAYS = 14


def series(db, project_ids: list[int], now: dt.datetime | None = None) -> list[dict]:
    """The last DAYS days in India, oldest first: answers given that day; agreement
    (alpha over the tasks whose last answer came that day, None when too few); gold
    accuracy (share of that day's check-task answers that were right, None if none)."""
    now = now or utcnow()
    today = now.astimezone(IST).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    out = {day: {"day": day, "answers": 0, "alpha": None, "gold": None, "gold_n": 0,
                 "gold_right": 0, "units": []} for day in days}
    if project_ids:
        start = dt.datetime.combine(days[0], dt.time(), IST)
        marks = ",".join("?" * len(project_ids))
        rows = list(db.query(
            f"SELECT a.task_id, a.answer, a.submitted_at, t.gold_answer FROM assignments a"
            f" JOIN tasks t ON t.id = a.task_id WHERE a.state = 'submitted' AND a.task_id IN"
            f" (SELECT task_id FROM assignments WHERE project_id IN ({marks})"
            f" AND submitted_at >= ?)", (*project_ids, stamp(start))))
        by_task = defaultdict(list)
        for row in rows:
            day = _india_day(row["submitted_at"])
            by_task[row["task_id"]].append((day, row))
            if day in out:
                out[day]["answers"] += 1
                if row["gold_answer"] is not None:
                    out[day]["gold_n"] += 1
                    out[day]["gold_right"] += same(row["answer"], row["gold_answer"])
        for answers in by_task.values():
            last = max(day for day, _ in answers)
            if last in out and len(answers) > 1:
                out[last]["units"].append([normalise(row["answer"]) for _, row in answers])
    for entry in out.values():
        entry["alpha"] = krippendorff_alpha(entry.pop("units"))
        entry["gold"] = entry["gold_right"] / entry["gold_n"] if entry["gold_n"] else None
    return [out[day] for day in days]


def _india_day(text: str) -> dt.date:
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(IST).date()

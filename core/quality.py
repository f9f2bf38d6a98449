"""Quality: comparing answers, settling a task by majority with dynamic overlap,
agreement (Krippendorff's alpha), per-annotator figures and the dashboard's series.

Pure Python over the database; nothing here imports Flask or core.tasks.
"""
import datetime as dt
from collections import Counter, defaultdict

from . import paging, room, tasktypes
from .clock import IST, stamp, utcnow
from .db import rows as all_rows
# When two answers are the same: the one rule, kept with the task types.
from .tasktypes import normalise, same  # noqa: F401  (read as quality.same and .normalise)


def settle_task(db, task_id: int, project: dict, now: dt.datetime) -> list[int]:
    """After an answer: aggregate the task once it has the answers it wants.

    Runs inside record_answer's transaction (one read, at most two writes). A tie or an
    agreement under the project's threshold asks for one more answer (tasks.wanted + 1),
    up to max_answers; then the task is done with the majority (none on a tie) and its
    confidence. Only with a confident majority are the agreeing pending answers accepted
    automatically, unless the review plan drew them (core.review_plan); a pending answer
    not drawn yet that does not agree is drawn for `disagree` (when the plan says so).
    Every other pending answer waits for a supervisor or the review window (core.review).
    Returns the ids of the answers it accepted."""
    rows = all_rows(
        db, "SELECT a.id, a.answer, a.review_state, a.review_reason, t.wanted"
        " FROM assignments a"
        " JOIN tasks t ON t.id = a.task_id WHERE a.task_id = ? AND a.state = 'submitted'",
        (task_id,))
    if len(rows) < room.wanted(rows[0], project):
        return []
    task_type = tasktypes.of(project)
    if task_type.capture:
        # Files made by different people are never the same answer: no vote. The task
        # is done; each answer waits for its listeners (core.recordings) or a supervisor.
        db.execute("UPDATE tasks SET status = 'done' WHERE id = ? AND status = 'open'",
                   (task_id,))
        return []
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
    undrawn = [row for row in rows if row["review_state"] == "pending"
               and row["review_reason"] is None]
    agreeing = [row["id"] for row in undrawn
                if confident and task_type.same(row["answer"], result["top"])]
    if agreeing:
        db.execute(f"UPDATE assignments SET review_state = 'accepted', reviewed_at = ?"
                   f" WHERE review_state = 'pending' AND id IN"
                   f" ({','.join('?' * len(agreeing))})", (stamp(now), *agreeing))
    dissenting = [row["id"] for row in undrawn if row["id"] not in agreeing]
    if dissenting and project["review_disagree"]:
        db.execute(f"UPDATE assignments SET review_reason = 'disagree' WHERE id IN"
                   f" ({','.join('?' * len(dissenting))})", tuple(dissenting))
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
    return _alpha(n_c, disagreeing)


def _alpha(n_c: dict, disagreeing: float) -> float | None:
    """Alpha from each value's count in pairable units and the disagreement's sum."""
    n = sum(n_c.values())
    expected = n * n - sum(c * c for c in n_c.values())
    if n < 2 or expected == 0:
        return None
    return 1 - (n - 1) * disagreeing / expected


def _summed_alpha(db, project_ids: list[int], days: tuple | None = None) -> dict:
    """India's day (or None for all days) -> {"alpha", "tasks"} over the tasks whose last
    answer came that day, from the figures migration 0021's triggers keep: each value's
    count and the pairs that disagree, by day and by answers in a task."""
    marks = ",".join("?" * len(project_ids))
    since = "AND day >= ?" if days else ""
    by_day = "day" if days else "NULL"
    params = (*project_ids, *((days[0].isoformat(),) if days else ()))
    n_c: dict = defaultdict(Counter)
    for day, key, answers in db.conn.execute(
            f"SELECT {by_day}, answer_key, sum(answers) FROM agreement_by_day"
            f" WHERE project_id IN ({marks}) {since} GROUP BY 1, 2", params):
        n_c[day][key] += answers
    disagreeing: dict = defaultdict(float)
    tasks: Counter = Counter()
    for day, m, count, pairs in db.conn.execute(
            f"SELECT {by_day}, m, sum(tasks), sum(pairs) FROM disagreement_by_day"
            f" WHERE project_id IN ({marks}) {since} GROUP BY 1, 2", params):
        disagreeing[day] += pairs / (m - 1)
        tasks[day] += count
    return {(dt.date.fromisoformat(day) if day else None):
            {"alpha": _alpha(n_c[day], disagreeing[day]), "tasks": tasks[day]}
            for day in set(n_c) | set(tasks)}


# Krippendorff's own guide: >= 0.8 reliable; 0.667 to 0.8 for tentative conclusions only.
def agreement_band(alpha: float | None) -> str:
    """'none' (not enough answers), 'low' (< 0.667), 'fair' (< 0.8) or 'good'."""
    if alpha is None:
        return "none"
    return "low" if alpha < 0.667 else "fair" if alpha < 0.8 else "good"


def project_agreement(db, project_id: int) -> dict:
    """Alpha over every task of the project, with its band and the tasks counted."""
    found = _summed_alpha(db, [project_id]).get(None, {"alpha": None, "tasks": 0})
    return {"alpha": found["alpha"], "band": agreement_band(found["alpha"]),
            "tasks": found["tasks"]}


# -- per annotator -----------------------------------------------------------------------

def _median(histogram: list[tuple[int, int]]) -> float | int | None:
    """statistics.median of the seconds, from (seconds, answers) in order of seconds."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    wanted, seen, low = (total - 1) // 2, 0, None
    for seconds, n in histogram:
        if low is None and seen + n > wanted:
            low = seconds
            if total % 2:
                return low
        if low is not None and seen + n > wanted + 1:
            return (low + seconds) / 2
        seen += n
    return low


def _judged(db, project: dict, rows: list[dict]) -> None:
    """Each row's `accepted` and `judged` (her answers reviewed or verified: for a photo or
    a recording, the measure of her work); for a type that compares answers its own way
    (a transcript's error rate), her agreement and check tasks again by that rule, as the
    summaries compare by normalise. Only the page's people are read."""
    for row in rows:
        row.update(accepted=0, judged=0)
    if not rows:
        return
    by_user = {row["user_id"]: row for row in rows}
    marks = ",".join("?" * len(by_user))
    for user_id, accepted, judged in db.conn.execute(
            f"SELECT user_id, sum(review_state = 'accepted'),"
            f" sum(review_state IN ('accepted', 'rejected')) FROM assignments"
            f" WHERE project_id = ? AND user_id IN ({marks}) AND state = 'submitted'"
            f" GROUP BY user_id", (project["id"], *by_user)):
        by_user[user_id].update(accepted=accepted, judged=judged)
    task_type = tasktypes.of(project)
    if type(task_type).same is tasktypes.TaskType.same:
        return
    for row in rows:
        row.update(agree=0, compared=0, gold_right=0, gold=0)
    for user_id, answer, aggregate, gold in db.conn.execute(
            f"SELECT a.user_id, a.answer, t.aggregate, t.gold_answer FROM assignments a"
            f" JOIN tasks t ON t.id = a.task_id WHERE a.project_id = ?"
            f" AND a.user_id IN ({marks}) AND a.state = 'submitted'", (project["id"], *by_user)):
        row = by_user[user_id]
        if gold is not None:
            row["gold"] += 1
            row["gold_right"] += task_type.same(answer, gold)
        elif aggregate is not None:
            row["compared"] += 1
            row["agree"] += task_type.same(answer, aggregate)


def _summary_figures(db, project: dict, rows: list[dict]) -> list[dict]:
    """Rows of quality_by_person with each one's seconds (seconds_by_person) read for
    the median and the answers under the project's min_seconds, as _figures gives them."""
    project_id, min_seconds = project["id"], project["min_seconds"]
    _judged(db, project, rows)
    seconds: dict = defaultdict(list)
    if rows:
        for user_id, secs, n in db.conn.execute(
                f"SELECT user_id, seconds, answers FROM seconds_by_person WHERE project_id = ?"
                f" AND user_id IN ({','.join('?' * len(rows))}) AND answers > 0"
                f" ORDER BY user_id, seconds", (project_id, *(r["user_id"] for r in rows))):
            seconds[user_id].append((secs, n))
    out = []
    for row in rows:
        histogram = seconds[row["user_id"]]
        median = _median(histogram)
        seen = row["answers"] + row["skips"]
        out.append({**row, "fast": sum(n for secs, n in histogram if secs < min_seconds),
                    "agreement": row["agree"] / row["compared"] if row["compared"] else None,
                    "gold_accuracy": row["gold_right"] / row["gold"] if row["gold"] else None,
                    "accepted_share": row["accepted"] / row["judged"] if row["judged"] else None,
                    "median_seconds": median,
                    "skip_share": row["skips"] / seen if seen else 0.0,
                    "too_fast": median is not None and median < min_seconds})
    return out


_PERSON = """SELECT q.user_id, q.project_id, q.answers, q.skips, q.agree, q.compared,
    q.gold_right, q.gold FROM quality_by_person q"""


def annotator_stats(db, project: dict, page: int = 1, per_page: int = 20) -> tuple[list, bool]:
    """Each annotator of the project, most answers first: answers, agreement with the
    majority, gold accuracy, median seconds, share of skips, too_fast (median under the
    project's min_seconds), accepted_share (of her reviewed answers). And whether another
    page follows. Read from the figures migration 0021's triggers keep per person (not
    from her every answer), and for the page's people their reviewed answers."""
    rows = list(db.query(
        _PERSON.replace("SELECT", "SELECT u.name,", 1)
        + " JOIN users u ON u.id = q.user_id WHERE q.project_id = :project"
        " AND (q.answers > 0 OR q.skips > 0) ORDER BY q.answers DESC, u.name, u.id"
        " LIMIT :limit OFFSET :offset", {"project": project["id"], **paging.window(page, per_page)}))
    rows, more = paging.split(rows, per_page)
    stats = [{k: v for k, v in row.items() if k != "project_id"}
             for row in _summary_figures(db, project, rows)]
    return stats, more


def her_quality(db, user_id: int) -> list[dict]:
    """Her own agreement and gold accuracy per project she answered, for her earnings."""
    out = []
    for row in db.query(_PERSON + " WHERE q.user_id = ? AND q.answers > 0"
                        " ORDER BY q.project_id", (user_id,)):
        project = next(db.query("SELECT id, languages, content_version, min_seconds,"
                                " task_type, cer_threshold FROM projects WHERE id = ?",
                                (row["project_id"],)))
        figures = _summary_figures(db, project, [row])[0]
        figures.pop("project_id")
        figures.pop("user_id")
        out.append({"project": {k: project[k] for k in ("id", "languages", "content_version")},
                    **figures})
    return out


# -- the dashboard -------------------------------------------------------------------------

DAYS = 14


def series(db, project_ids: list[int], now: dt.datetime | None = None) -> list[dict]:
    """The last DAYS days in India, oldest first: answers given that day; agreement
    (alpha over the tasks whose last answer came that day, None when too few); gold
    accuracy (share of that day's check-task answers that were right, None if none).
    Read from work_by_day, gold_by_day and the agreement figures (migration 0021)."""
    now = now or utcnow()
    today = now.astimezone(IST).date()
    days = [today - dt.timedelta(days=i) for i in range(DAYS - 1, -1, -1)]
    out = {day: {"day": day, "answers": 0, "alpha": None, "gold": None, "gold_n": 0,
                 "gold_right": 0} for day in days}
    if project_ids:
        marks = ",".join("?" * len(project_ids))
        params = (*project_ids, days[0].isoformat())
        for day, answers in db.conn.execute(
                f"SELECT day, sum(answers) FROM work_by_day WHERE project_id IN ({marks})"
                f" AND day >= ? GROUP BY day", params):
            out[dt.date.fromisoformat(day)]["answers"] = answers
        for day, answers, correct in db.conn.execute(
                f"SELECT day, sum(answers), sum(correct) FROM gold_by_day"
                f" WHERE project_id IN ({marks}) AND day >= ? GROUP BY day", params):
            out[dt.date.fromisoformat(day)].update(gold_n=answers, gold_right=correct)
        for day, found in _summed_alpha(db, project_ids, (days[0],)).items():
            if day in out:
                out[day]["alpha"] = found["alpha"]
    for entry in out.values():
        entry["gold"] = entry["gold_right"] / entry["gold_n"] if entry["gold_n"] else None
    return [out[day] for day in days]

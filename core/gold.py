"""Check tasks (tasks with a gold answer) while she works: her accuracy per project, the
automatic pause below the project's minimum, a supervisor's reinstatement or retake, and
check tasks spread through the work at the project's gold_share.

Pay rule, one everywhere: a right answer to a check task is accepted and paid like any
other; a wrong one is rejected and not paid (core.tasks.record_answer sets review_state).
"""
import datetime as dt
import math

from . import access_log, audit, paging, projects, qualifications, scope
from .clock import stamp, utcnow
from .db import one, write
from .errors import NotFound

PAUSE_REASON = "gold"  # qualifications.reason of an automatic pause
RETAKE_REASON = "retake"  # a supervisor asked her to take the quiz again
REINSTATE_REASON = "reinstated"
PER_PAGE = 25

# Weyl sequence constants: frac(n * PHI + user * PSI) is spread evenly over [0, 1) for
# consecutive n, so "below p" comes up about every 1/p tasks, never in a clump.
_PHI = (math.sqrt(5) - 1) / 2
_PSI = math.sqrt(2) - 1


def due(task_id: int, user_id: int, share: float) -> bool:
    """Whether a check task goes in front of ordinary task `task_id` for this person.

    Each ordinary task opens a slot with chance p = share / (1 - share), so that check
    tasks make up `share` of what she gets; deterministic (same data, same order)."""
    if share <= 0:
        return False
    p = 1.0 if share >= 0.5 else share / (1 - share)
    return (task_id * _PHI + user_id * _PSI) % 1.0 < p


def slot_taken(db, user_id: int, project_id: int, task_id: int) -> bool:
    """Whether she got a check task in front of `task_id` already (so the next claim,
    which sees the same ordinary task first, gives her that one)."""
    row = one(db, "SELECT gold_slot FROM gold_stats WHERE user_id = ? AND project_id = ?",
              (user_id, project_id))
    return row is not None and row["gold_slot"] == task_id


def took_slot(db, user_id: int, project_id: int, task_id: int, at: str) -> None:
    """Remember the slot a check task was given in (inside the claim's transaction)."""
    db.execute("INSERT INTO gold_stats (user_id, project_id, gold_slot, updated_at)"
               " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, project_id) DO UPDATE"
               " SET gold_slot = excluded.gold_slot", (user_id, project_id, task_id, at))


def record(db, user_id: int, project: dict, right: bool, now: dt.datetime) -> bool:
    """Count her answer to a check task, inside record_answer's transaction; pause her
    for the project when she falls below its minimum after enough check answers.
    Returns whether she was paused now."""
    row = list(db.query(
        "INSERT INTO gold_stats (user_id, project_id, answered, right_count, judged_answered,"
        " judged_right, updated_at) VALUES (:user, :project, 1, :right, 1, :right, :now)"
        " ON CONFLICT (user_id, project_id) DO UPDATE SET answered = answered + 1,"
        " right_count = right_count + :right, judged_answered = judged_answered + 1,"
        " judged_right = judged_right + :right, updated_at = :now"
        " RETURNING judged_answered, judged_right",
        {"user": user_id, "project": project["id"], "right": int(right), "now": stamp(now)}))[0]
    if right or row["judged_answered"] < project["gold_min_answers"] or \
            row["judged_right"] >= project["min_gold_accuracy"] * row["judged_answered"]:
        return False
    qualifications.set_status(db, user_id, project["id"], "paused", reason=PAUSE_REASON,
                              in_transaction=True)
    # Her other leases go back to the pool: she can no longer answer them.
    db.execute("UPDATE assignments SET lease_expires_at = ? WHERE user_id = ?"
               " AND project_id = ? AND state = 'active' AND lease_expires_at > ?",
               (stamp(now), user_id, project["id"], stamp(now)))
    return True


def held_back(db, user_id: int, project_id: int | None = None) -> list[dict]:
    """Her projects paused by check tasks, or where a supervisor asked for a retake, each
    with the figures she is told (right, answered, min_accuracy as a percentage)."""
    return list(db.query(
        "SELECT p.*, q.status AS qualification, q.reason,"
        " coalesce(s.judged_right, 0) AS right, coalesce(s.judged_answered, 0) AS answered,"
        " CAST(round(p.min_gold_accuracy * 100) AS INTEGER) AS min_percent"
        " FROM qualifications q JOIN projects p ON p.id = q.project_id"
        " LEFT JOIN gold_stats s ON s.user_id = q.user_id AND s.project_id = q.project_id"
        " WHERE q.user_id = :user AND p.status = 'live'"
        " AND ((q.status = 'paused' AND q.reason = :pause)"
        " OR (q.status = 'trainee' AND q.reason = :retake))"
        " AND (:project IS NULL OR p.id = :project) ORDER BY p.id",
        {"user": user_id, "project": project_id, "pause": PAUSE_REASON,
         "retake": RETAKE_REASON}))


def held_back_by_slug(db, user: dict, slug: str) -> dict | None:
    """The project `slug` of her centre if check tasks hold her back there, else None."""
    project = one(db, "SELECT id FROM projects WHERE slug = ? AND centre_id = ?",
                  (slug, user["centre_id"]))
    found = held_back(db, user["id"], project["id"]) if project else []
    return found[0] if found else None


def centre_projects(db, supervisor: dict) -> list[dict]:
    """The projects whose check-task figures this supervisor may see."""
    return list(db.query("SELECT id, languages, content_version FROM projects p"
                         f" WHERE {scope.project_sql('p')} ORDER BY id",
                         scope.params(supervisor)))


def accuracy_page(db, project: dict, page: int = 1) -> tuple[list[dict], bool]:
    """Annotators of the project's centre with check answers or a qualification row:
    their figures and status, lowest accuracy first; and whether a next page exists."""
    rows = list(db.query(
        "SELECT u.id, u.name, u.login, coalesce(s.answered, 0) AS answered,"
        " coalesce(s.right_count, 0) AS right, coalesce(q.status, 'qualified') AS status,"
        " q.reason FROM users u"
        " LEFT JOIN gold_stats s ON s.user_id = u.id AND s.project_id = :project"
        " LEFT JOIN qualifications q ON q.user_id = u.id AND q.project_id = :project"
        " WHERE u.centre_id = :centre AND u.role = 'annotator' AND u.active = 1"
        " AND (s.answered > 0 OR q.status IS NOT NULL)"
        " ORDER BY q.status = 'paused' DESC, coalesce(1.0 * s.right_count / s.answered, 1),"
        " u.name LIMIT :limit OFFSET :offset",
        {"project": project["id"], "centre": project["centre_id"],
         **paging.window(page, PER_PAGE)}))
    for row in rows:
        row["percent"] = round(100 * row["right"] / row["answered"]) if row["answered"] else None
    return paging.split(rows, PER_PAGE)


def get_annotator_or_404(db, project: dict, user_id: int) -> dict:
    """An annotator of the project's centre. Raises NotFound("no_user") otherwise."""
    user = one(db, "SELECT * FROM users WHERE id = ? AND role = 'annotator'"
                   " AND centre_id = ?", (user_id, project["centre_id"]))
    if user is None:
        raise NotFound("no_user")
    return user


def decide(db, supervisor: dict, project_id: int, user_id: int, decision: str) -> dict:
    """A supervisor reinstates a paused annotator (her check-task count starts afresh) or
    asks for a retake (she is a trainee again: the quiz applies). Audited with her as actor.
    Raises NotFound for another centre's project or person; ValueError for a bad decision."""
    if decision not in ("reinstate", "retake"):
        raise ValueError(decision)
    with write(db):
        project = projects.get_project_or_404(db, supervisor, project_id)
        user = get_annotator_or_404(db, project, user_id)
        if decision == "reinstate":
            stats = one(db, "SELECT judged_answered, judged_right FROM gold_stats"
                            " WHERE user_id = ? AND project_id = ?", (user_id, project_id))
            db.execute("UPDATE gold_stats SET judged_answered = 0, judged_right = 0,"
                       " updated_at = ? WHERE user_id = ? AND project_id = ?",
                       (stamp(utcnow()), user_id, project_id))
            audit.record(db, supervisor["id"], "gold.reset", f"user:{user_id}",
                         project=project_id, before=stats)
        qualifications.set_status(
            db, user_id, project_id, "qualified" if decision == "reinstate" else "trainee",
            actor_id=supervisor["id"],
            reason=REINSTATE_REASON if decision == "reinstate" else RETAKE_REASON,
            in_transaction=True)
    return user


def missed_media(db, media_id: int, user_id: int) -> dict:
    """The picture of a check task she missed, for the note that shows which task it was
    (her lease has ended, so core.tasks.media_for_holder no longer gives it).

    Raises NotFound("no_media") otherwise."""
    media = one(db, "SELECT m.*, t.id AS task_id FROM media m JOIN tasks t ON t.media_id = m.id"
                    " JOIN assignments a ON a.task_id = t.id WHERE m.id = ? AND a.user_id = ?"
                    " AND a.state = 'submitted' AND a.review_state = 'rejected'"
                    " AND t.gold_answer IS NOT NULL LIMIT 1", (media_id, user_id))
    if media is None:
        raise NotFound("no_media")
    access_log.record_now(db, user_id, "media", [(media["task_id"], media["id"],
                                                  media["project_id"])])
    return media

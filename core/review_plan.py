"""Review by sample and by rule (#15): a project's review plan, the draw that decides
once whether an answer goes to review (and why), her error rate in what was checked,
with its confidence, and the watch it puts her under.

The plan lives on the project's row (migration 0030), so the draw reads nothing the
answer's transaction has not read already but her row of review_people (one key lookup);
while a plan reviews first answers, a few rows of work_by_day too, until she is past them.

An answer gets one reason, the first that applies, in this order: `watch` (she is under
watch in the project), `first` (one of her first review_first answers there), `sample`
(the random share), `fast` (quicker than the project's min_seconds, when that rule is
on); on a check task, `check` when she missed it; and when its task settles, `disagree`
for an answer not drawn yet that does not agree with a confident majority. The first
three are drawn without a look at the answer, so her error rate is counted on them
alone: disagreement and speed would make it look worse than it is.

Nothing here decides acceptance: an answer not drawn is accepted as before (by its
task's confident majority, core.quality.settle_task, else when the review window ends,
core.review.auto_accept); a drawn one waits for a supervisor until the same window ends.
"""
import hashlib
import math

from . import audit, scope
from .clock import stamp, utcnow
from .db import one, rows, write
from .errors import Invalid, NotFound

REASONS = ("watch", "first", "sample", "check", "disagree", "fast")
# Drawn without looking at the answer: an unbiased sample of her work.
BLIND = ("sample", "first", "watch")
MAX_FIRST = 1000
Z95 = 1.959963984540054


def drawn_at_random(seed: int, assignment_id: int, share: float) -> bool:
    """Whether the random draw takes this answer: a hash of the project's seed and the
    answer's id, as a number in [0, 1), below the share. The same answer always draws
    the same, on any machine."""
    if share <= 0:
        return False
    digest = hashlib.blake2b(f"{seed}:{assignment_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 < share


_PERSON = ("SELECT watched, answered_at_least FROM review_people"
           " WHERE project_id = :project AND user_id = :user")
# Her answers in the project, enough to tell whether she has given `first`: her rows of
# work_by_day (a row a day) by its user index, the primary key reading every person's
# days. A day's row holds at least one answer, so `first` rows at most are read.
_ANSWERED = ("SELECT coalesce(sum(answers), 0) AS n FROM (SELECT answers FROM work_by_day"
             " INDEXED BY work_by_day_user WHERE user_id = :user AND project_id = :project"
             " LIMIT :first)")


def _among_first(db, params: dict, person: dict | None) -> bool:
    """Whether this answer is among her first `first` in the project. Once she is past
    them, the count is kept on her row (answers only grow), and later answers read that."""
    if params["first"] <= 0 or person and person["answered_at_least"] >= params["first"]:
        return False
    answered = one(db, _ANSWERED, params)["n"]
    if answered < params["first"]:
        return True
    db.execute("INSERT INTO review_people (project_id, user_id, answered_at_least)"
               " VALUES (:project, :user, :n) ON CONFLICT (project_id, user_id)"
               " DO UPDATE SET answered_at_least = max(answered_at_least, :n)",
               {**params, "n": answered})
    return False


def reason_on_submit(db, assignment: dict, project: dict, review: str, seconds: int):
    """Why this answer goes to review, decided as it is recorded (inside its write
    transaction, before it counts in work_by_day), or None: not drawn yet. `review` is
    its state as recorded ('pending', or a check task's verdict)."""
    if assignment["gold_answer"] is not None:
        return "check" if review == "rejected" and project["review_check"] else None
    params = {"project": project["id"], "user": assignment["user_id"],
              "first": project["review_first"]}
    person = one(db, _PERSON, params)
    if person and person["watched"]:
        return "watch"
    if _among_first(db, params, person):
        return "first"
    if drawn_at_random(project["review_seed"], assignment["id"], project["review_share"]):
        return "sample"
    if project["review_fast"] and seconds < project["min_seconds"]:
        return "fast"
    return None


# -- the plan, on the project's settings ---------------------------------------------------

def plan_values(project: dict) -> dict:
    """The plan as the form shows it."""
    return {"share_percent": _percent(project["review_share"]), "first": project["review_first"],
            "disagree": bool(project["review_disagree"]), "check": bool(project["review_check"]),
            "fast": bool(project["review_fast"]),
            "watch_percent": _percent(project["watch_above"])}


def _percent(share: float):
    value = round(share * 100, 1)
    return int(value) if value == int(value) else value


def _number(value, low: float, high: float, code: str, whole: bool = False) -> float:
    """A number typed in a form (or given in JSON) in [low, high]; Invalid(code) else."""
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise Invalid(code) from None
    if type(value) not in ((int,) if whole else (int, float)) or not low <= value <= high \
            or (isinstance(value, float) and math.isnan(value)):
        raise Invalid(code)
    return value


def check_plan(form) -> tuple[dict, dict]:
    """The plan's fields from a form (a mapping): (the project's columns, errors
    {field: Invalid}). Ticks are on when sent at all; numbers are checked each."""
    clean, errors = {}, {}
    checks = {
        "share_percent": ("review_share", lambda v: _number(v, 0, 100, "bad_review_share") / 100),
        "first": ("review_first", lambda v: _number(v, 0, MAX_FIRST, "bad_review_first",
                                                      whole=True)),
        "watch_percent": ("watch_above", lambda v: _number(v, 1, 99, "bad_watch_above") / 100),
    }
    for name, (column, check) in checks.items():
        try:
            clean[column] = check(form.get(name, ""))
        except Invalid as refusal:
            errors[name] = refusal
    for name in ("disagree", "check", "fast"):
        clean[f"review_{name}"] = int(form.get(name) is not None)
    return clean, errors


def save_plan(db, actor: dict, project_id: int, form) -> dict:
    """Save a project's review plan from its settings form; from the next answer on.
    Raises Invalid("plan_invalid", errors={field: Invalid}) with every field's refusal,
    NotFound for a project outside her centre. Audited with the plan as it was and is."""
    clean, errors = check_plan(form)
    if errors:
        raise Invalid("plan_invalid", errors=errors)
    with write(db):
        project = _project(db, actor, project_id)
        before = {column: project[column] for column in clean}
        db.execute(f"UPDATE projects SET {', '.join(f'{c} = :{c}' for c in clean)}"
                   f" WHERE id = :id", {**clean, "id": project_id})
        audit.record(db, actor["id"], "project.review_plan", f"project:{project_id}",
                     before=before, after=clean)
    return {**project, **clean}


def _project(db, actor: dict, project_id: int) -> dict:
    project = one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))
    if not scope.may_see_project(db, actor, project):  # her centre, then her clients
        raise NotFound("not_found")
    return project


# -- her error rate and the watch ------------------------------------------------------------

def wilson(errors: int, checked: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (95%) of an error rate seen as `errors` in `checked`:
    (low, high), or None with nothing checked. Unlike errors/checked plus or minus a
    margin, it stays inside 0-1 and is honest for small samples and rates near 0."""
    if checked <= 0:
        return None
    p = errors / checked
    z2 = z * z
    centre = (p + z2 / (2 * checked)) / (1 + z2 / checked)
    half = z * math.sqrt(p * (1 - p) / checked + z2 / (4 * checked * checked)) / (1 + z2 / checked)
    return max(0.0, centre - half), min(1.0, centre + half)


_CHECKED = f"""SELECT a.user_id, count(*) AS checked,
  sum(a.review_state = 'rejected') AS errors
FROM assignments a LEFT JOIN review_people w
  ON w.project_id = a.project_id AND w.user_id = a.user_id
WHERE a.project_id = :project AND a.review_reason IN {BLIND} AND a.reviewed_by IS NOT NULL
  AND a.reviewed_at > coalesce(w.lifted_at, '') {{and_user}}
GROUP BY a.user_id"""


def error_rates(db, project_id: int, user_ids=None) -> dict:
    """Per annotator of the project: {"checked", "errors", "rate", "low", "high",
    "watched", "since", "by"} over the answers drawn without a look (BLIND) that a
    supervisor decided since her watch was last lifted. `user_ids`: only those."""
    and_user = ""
    params = {"project": project_id}
    if user_ids is not None:
        user_ids = list(user_ids)
        if not user_ids:
            return {}
        and_user = f"AND a.user_id IN ({','.join(str(int(u)) for u in user_ids)})"
    out = {}
    for row in rows(db, _CHECKED.format(and_user=and_user), params):
        low, high = wilson(row["errors"], row["checked"])
        out[row["user_id"]] = {"checked": row["checked"], "errors": row["errors"],
                               "rate": row["errors"] / row["checked"], "low": low,
                               "high": high, "watched": False}
    for watch in rows(db, "SELECT * FROM review_people WHERE project_id = ? AND watched = 1",
                      (project_id,)):
        if user_ids is None or watch["user_id"] in user_ids:
            out.setdefault(watch["user_id"], {"checked": 0, "errors": 0, "rate": None,
                                              "low": None, "high": None})
            out[watch["user_id"]].update(watched=True, since=watch["since"], by=watch["by"])
    return out


def watch_if_high(db, project: dict, user_id: int, now=None) -> bool:
    """Put her under watch in the project when the lower end of her error rate's
    interval is above the project's watch_above; inside the caller's write transaction,
    after a supervisor's decision. Audited (no actor: the rule did it). Returns whether
    it did."""
    figures = error_rates(db, project["id"], [user_id]).get(user_id)
    if not figures or figures["watched"] or figures["low"] is None \
            or figures["low"] <= project["watch_above"]:
        return False
    _set_watch(db, project["id"], user_id, None, now)
    audit.record(db, None, "review.watch", f"user:{user_id}", project=project["id"],
                 checked=figures["checked"], errors=figures["errors"],
                 low=round(figures["low"], 3))
    return True


def _set_watch(db, project_id: int, user_id: int, by, now) -> None:
    db.execute("INSERT INTO review_people (project_id, user_id, watched, since, by)"
               " VALUES (:p, :u, 1, :now, :by) ON CONFLICT (project_id, user_id) DO UPDATE"
               " SET watched = 1, since = :now, by = :by",
               {"p": project_id, "u": user_id, "now": stamp(now or utcnow()), "by": by})


def _annotator(db, project: dict, user_id: int) -> None:
    if one(db, "SELECT 1 AS x FROM users WHERE id = ? AND centre_id = ? AND role = 'annotator'",
           (user_id, project["centre_id"])) is None:
        raise NotFound("not_found")


def watch(db, actor: dict, project_id: int, user_id: int, now=None) -> None:
    """A supervisor puts her under watch in the project: all her answers reviewed.
    Raises NotFound outside the supervisor's centre. Audited; a repeat changes nothing."""
    with write(db):
        project = _project(db, actor, project_id)
        _annotator(db, project, user_id)
        if one(db, "SELECT 1 AS x FROM review_people WHERE project_id = ? AND user_id = ?"
                   " AND watched = 1", (project_id, user_id)):
            return
        _set_watch(db, project_id, user_id, actor["id"], now)
        audit.record(db, actor["id"], "review.watch", f"user:{user_id}", project=project_id)


def lift(db, actor: dict, project_id: int, user_id: int, now=None) -> bool:
    """A supervisor lifts her watch: her answers are drawn by the plan again, and her
    error rate counts afresh from now (what was checked before led to the watch).
    Raises NotFound outside the supervisor's centre. Audited. Returns whether she was
    under watch."""
    with write(db):
        project = _project(db, actor, project_id)
        _annotator(db, project, user_id)
        changed = db.execute(
            "UPDATE review_people SET watched = 0, lifted_at = ?, lifted_by = ?"
            " WHERE project_id = ? AND user_id = ? AND watched = 1",
            (stamp(now or utcnow()), actor["id"], project_id, user_id)).rowcount
        if changed:
            audit.record(db, actor["id"], "review.unwatch", f"user:{user_id}",
                         project=project_id)
    return bool(changed)

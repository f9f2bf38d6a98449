"""Who may do a project's paid work: trainee, qualified or paused, and why it changed.

No row means qualified for a project without a quiz (open to its centre, as before),
and trainee for a project whose quiz is on (core.quiz_attempts; no 'trainee' rows are
written for that); a pass writes 'qualified'. Every change is audited.

The rule, kept everywhere (core.projects.WORKER_PROJECTS holds it in SQL): a project with
an active quiz is paid work only for an annotator whose qualification row says
'qualified'; with no row she is a trainee there. A project without a quiz is open to its
centre's annotators unless a row says otherwise.
"""
from . import audit
from .clock import stamp, utcnow
from .db import one, write
from .errors import Invalid, NotFound

STATUSES = ("trainee", "qualified", "paused")


class NeedsQuiz(NotFound):
    """She is a trainee for this project: its paid work waits until she passes the quiz.
    A NotFound, so every route that refuses a closed project refuses this too."""

    status = 403


def gate_refusal(db, user_id: int, *, slug=None, project_id=None) -> NotFound:
    """Why WORKER_PROJECTS let her not in (only asked once it refused): NeedsQuiz when
    the project is live in her centre with an active quiz she has not passed, else
    NotFound("no_project")."""
    row = one(db, "SELECT p.slug FROM projects p JOIN quizzes z ON z.project_id = p.id"
                  " AND z.active = 1 LEFT JOIN qualifications q ON q.project_id = p.id"
                  " AND q.user_id = :user WHERE (p.slug = :slug OR p.id = :project)"
                  " AND p.status = 'live' AND coalesce(q.status, 'trainee') = 'trainee'"
                  " AND p.centre_id = (SELECT centre_id FROM users WHERE id = :user)",
              {"user": user_id, "slug": slug, "project": project_id})
    if row:
        return NeedsQuiz("needs_quiz", slug=row["slug"])
    return NotFound("no_project")


def get_status(db, user_id: int, project_id: int) -> str | None:
    row = one(db, "SELECT status FROM qualifications WHERE user_id = ? AND project_id = ?",
              (user_id, project_id))
    return row["status"] if row else None


def set_status(db, user_id: int, project_id: int, status: str, *, actor_id=None,
               reason: str | None = None, in_transaction: bool = False) -> None:
    """Set her status for a project and audit it (actor None: the system, e.g. a gold
    pause). `in_transaction`: the caller holds a write() already."""
    if status not in STATUSES:
        raise ValueError(status)

    def _write():
        before = get_status(db, user_id, project_id)
        db.execute(
            "INSERT INTO qualifications (user_id, project_id, status, updated_at, reason,"
            " changed_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, project_id) DO UPDATE"
            " SET status = excluded.status, updated_at = excluded.updated_at,"
            " reason = excluded.reason, changed_by = excluded.changed_by",
            (user_id, project_id, status, stamp(utcnow()), reason, actor_id))
        audit.record(db, actor_id, f"qualification.{status}", f"user:{user_id}",
                     project=project_id, before=before, reason=reason)

    if in_transaction:
        _write()
    else:
        with write(db):
            _write()


def qualify_for(db, user_id: int, projects: list[dict], actor_id=None) -> None:
    """Mark her qualified for each project (a script's ready-to-work annotator)."""
    with write(db):
        for project in projects:
            set_status(db, user_id, project["id"], "qualified", actor_id=actor_id,
                       reason="qualified when created", in_transaction=True)


def projects_to_qualify(db, centre_code: str, slugs, role: str = "annotator") -> list[dict]:
    """The projects named (slugs, or "all": every project of the centre) that a new
    annotator of `centre_code` is to be qualified for. Raises NotFound("no_project",
    slug=..) for a slug not of that centre, Invalid("not_annotator") for other roles."""
    slugs = list(slugs or ())
    if not slugs:
        return []
    if role != "annotator":
        raise Invalid("not_annotator")
    rows = list(db.query("SELECT p.* FROM projects p JOIN centres c ON c.id = p.centre_id"
                         " WHERE c.code = ? ORDER BY p.id", (centre_code,)))
    if "all" in slugs:
        return rows
    by_slug = {row["slug"]: row for row in rows}
    for slug in slugs:
        if slug not in by_slug:
            raise NotFound("no_project", slug=slug)
    return [by_slug[slug] for slug in dict.fromkeys(slugs)]

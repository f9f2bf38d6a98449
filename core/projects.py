"""Projects, their labels and tasks: creating them and listing them for a worker."""
import hashlib

from . import audit
from .db import one, stamp, utcnow, write
from .errors import Invalid

TASK_TYPES = ("single_choice", "yes_no", "free_text")
YES_NO = ("yes", "no")


def create_project(db, *, centre_id, slug, task_type, name, instructions=None, labels=(),
                   redundancy=3, pay_paise, lease_seconds=900, actor_id=None) -> dict:
    """Create a project. `name`/`instructions` are {"en": .., "ta": .., "hi": ..};
    `labels` are (value, {"en": .., "ta": .., "hi": ..}) pairs, needed for single choice."""
    instructions = instructions or {}
    if task_type not in TASK_TYPES:
        raise Invalid("bad_task_type")
    if task_type == "single_choice" and len(labels) < 2:
        raise Invalid("labels_required")
    if not name.get("en") or redundancy < 1 or pay_paise < 0:
        raise Invalid("bad_project")
    with write(db):
        cursor = db.execute(
            "INSERT INTO projects (centre_id, slug, task_type, name_en, name_ta, name_hi,"
            " instructions_en, instructions_ta, instructions_hi, redundancy, pay_paise,"
            " lease_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (centre_id, slug, task_type, name["en"], name.get("ta", ""), name.get("hi", ""),
             instructions.get("en", ""), instructions.get("ta", ""), instructions.get("hi", ""),
             redundancy, pay_paise, lease_seconds, stamp(utcnow())),
        )
        project_id = cursor.lastrowid
        for position, (value, text) in enumerate(labels):
            db.execute(
                "INSERT INTO labels (project_id, value, text_en, text_ta, text_hi, position)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (project_id, value, text["en"], text.get("ta", ""), text.get("hi", ""), position),
            )
        audit.record(db, actor_id, "project.create", f"project:{project_id}",
                     pay_paise=pay_paise, redundancy=redundancy)
    return one(db, "SELECT * FROM projects WHERE id = ?", (project_id,))


def add_media(db, project_id: int, image: dict) -> int:
    """Store a prepared image (see core.media.prepare_image); returns its id."""
    cursor = db.execute(
        "INSERT INTO media (project_id, content_type, width, height, sha256, data)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (project_id, image["content_type"], image["width"], image["height"],
         hashlib.sha256(image["data"]).hexdigest(), image["data"]),
    )
    return cursor.lastrowid


def add_tasks(db, project_id: int, tasks: list[dict]) -> int:
    """Add tasks all-or-nothing. Each: {"text": .., "image": prepared image, "gold": ..}."""
    with write(db):
        for task in tasks:
            if not (task.get("text") or task.get("image")):
                raise Invalid("empty_task")
            media_id = add_media(db, project_id, task["image"]) if task.get("image") else None
            db.execute(
                "INSERT INTO tasks (project_id, payload_text, media_id, gold_answer, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (project_id, task.get("text"), media_id, task.get("gold"), stamp(utcnow())),
            )
    return len(tasks)


def labels(db, project_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM labels WHERE project_id = ? ORDER BY position",
                         (project_id,)))


# A worker sees her centre's live projects, except those where a qualification row
# says she is still a trainee or paused, and those with an active quiz (#6) where she has
# no row: there she is a trainee until she passes (core.quizzes).
WORKER_PROJECTS = """
SELECT p.* FROM projects p
LEFT JOIN qualifications q ON q.project_id = p.id AND q.user_id = :user
LEFT JOIN quizzes z ON z.project_id = p.id AND z.active = 1
WHERE p.centre_id = (SELECT centre_id FROM users WHERE id = :user) AND p.status = 'live'
  AND coalesce(q.status, CASE WHEN z.project_id IS NULL THEN 'qualified' ELSE 'trainee' END)
      = 'qualified'
"""


def project_for_worker(db, user: dict, slug: str) -> dict:
    """The project `slug` if this annotator may work on it.

    Raises NotFound("no_project") for a missing project or one she may not see, and
    core.quizzes.NeedsQuiz (a NotFound) when she has its quiz to pass first.
    """
    project = one(db, WORKER_PROJECTS + " AND p.slug = :slug", {"user": user["id"], "slug": slug})
    if project is None:
        from .quizzes import gate_refusal  # asked only once refused: the hot path stays one query
        raise gate_refusal(db, user["id"], slug=slug)
    return project


def check_open_to(db, user_id: int, project_id: int) -> None:
    """Raise NotFound("no_project") unless this annotator may still work on the project:
    a paused worker or a closed project gets no more answers recorded, by any route."""
    if one(db, WORKER_PROJECTS + " AND p.id = :project",
           {"user": user_id, "project": project_id}) is None:
        from .quizzes import gate_refusal
        raise gate_refusal(db, user_id, project_id=project_id)


def centre_overview(db, centre_id: int | None) -> list[dict]:
    """Progress of each project, for supervisors (every centre when centre_id is None)."""
    return list(db.query(
        "SELECT p.*, c.name AS centre_name,"
        " (SELECT count(*) FROM tasks t WHERE t.project_id = p.id) AS tasks_total,"
        " (SELECT count(*) FROM tasks t WHERE t.project_id = p.id AND t.status = 'done')"
        " AS tasks_done,"
        " (SELECT count(*) FROM tasks t WHERE t.project_id = p.id AND t.status = 'held')"
        " AS tasks_held,"
        " (SELECT count(*) FROM assignments a WHERE a.project_id = p.id"
        " AND a.state = 'submitted') AS answers"
        " FROM projects p JOIN centres c ON c.id = p.centre_id"
        " WHERE :centre IS NULL OR p.centre_id = :centre ORDER BY c.name, p.id",
        {"centre": centre_id},
    ))

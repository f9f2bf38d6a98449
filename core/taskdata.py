"""A supervisor's hold on her centre's tasks: which project and task she may touch, the
tasks annotators reported or skipped, and mending them (correct, release, remove)."""
import datetime as dt
import unicodedata

from . import access_log, audit, paging, scope
from .clock import stamp, utcnow
from .db import one, write
from .errors import Invalid, NotFound
from .importing import MAX_TEXT_CHARS
from .room import wanted

PER_PAGE = 20


def get_project_by_slug(db, slug: str) -> dict:
    """For the command line, which may touch every centre. Raises NotFound("no_project")."""
    project = one(db, "SELECT * FROM projects WHERE slug = ?", (slug,))
    if project is None:
        raise NotFound("no_project")
    return project


def get_task_or_404(db, user: dict, task_id: int) -> dict:
    """Task `task_id` if it belongs to a project in her scope (core.scope; admin: any).

    Raises NotFound("no_task") otherwise."""
    task = one(db, "SELECT t.* FROM tasks t JOIN projects p ON p.id = t.project_id"
                   " WHERE t.id = :id AND " + scope.project_sql("p"),
               {"id": task_id, **scope.params(user)})
    if task is None:
        raise NotFound("no_task")
    return task


def media_for_supervisor(db, user: dict, media_id: int) -> dict:
    """A task's picture, for a supervisor of the project's centre (admin: any).

    Raises NotFound("no_media") otherwise."""
    media = one(db, "SELECT m.* FROM media m JOIN projects p ON p.id = m.project_id"
                    " WHERE m.id = :id AND " + scope.project_sql("p"),
                {"id": media_id, **scope.params(user)})
    if media is None:
        raise NotFound("no_media")
    access_log.record_now(db, user["id"], "media", [(None, media["id"], media["project_id"])])
    return media


_REPORTED = """
SELECT t.*, m.width AS media_width, m.height AS media_height,
  (SELECT group_concat(reason || ':' || n) FROM (
     SELECT reason, count(*) AS n FROM assignments a WHERE a.task_id = t.id
     AND a.project_id = t.project_id AND a.state IN ('reported', 'skipped')
     GROUP BY reason ORDER BY n DESC)) AS reasons
FROM tasks t LEFT JOIN media m ON m.id = t.media_id
WHERE t.project_id = :project AND t.status <> 'removed'
  AND (t.status = 'held' OR t.reports_count > 0)
"""


def reported_tasks(db, project_id: int, page: int = 1, per_page: int = PER_PAGE,
                   viewer: dict | None = None) -> dict:
    """The project's tasks held or reported broken, held ones first; each with `reasons`,
    [(reason, count)] over every report and skip. Returns {"tasks", "total", "held",
    "page", "pages"}."""
    counts = one(db, "SELECT count(*) AS total, coalesce(sum(status = 'held'), 0) AS held"
                     f" FROM ({_REPORTED})", {"project": project_id})
    pages = max(1, -(-counts["total"] // per_page))
    page = min(paging.page_number(page), pages)
    rows = list(db.query(_REPORTED + " ORDER BY t.status = 'held' DESC, t.reports_count DESC,"
                         " t.id LIMIT :limit OFFSET :offset",
                         {"project": project_id, "limit": per_page,
                          "offset": (page - 1) * per_page}))
    for row in rows:
        row["reasons"] = [(reason, int(n)) for reason, n in (
            item.rsplit(":", 1) for item in (row["reasons"] or "").split(",") if item)]
    access_log.record_now(db, viewer["id"] if viewer else None, "task",
                          access_log.task_items(rows))
    return {"tasks": rows, "page": page, "pages": pages, **counts}


def correct_text(db, user: dict, task_id: int, text, now: dt.datetime | None = None) -> dict:
    """Replace a text task's text (a typo, a broken sentence); audit-logged with the old one.

    Raises NotFound("no_task"), Invalid("empty_task_text"/"task_text_too_long")."""
    text = unicodedata.normalize("NFC", text if isinstance(text, str) else "").strip()
    if not text:
        raise Invalid("empty_task_text")
    if len(text) > MAX_TEXT_CHARS:
        raise Invalid("task_text_too_long", limit=MAX_TEXT_CHARS)
    with write(db):
        task = get_task_or_404(db, user, task_id)
        if task["payload_text"] != text:
            db.execute("UPDATE tasks SET payload_text = ? WHERE id = ?", (text, task_id))
            audit.record(db, user["id"], "task.correct", f"task:{task_id}",
                         old=task["payload_text"], new=text)
    return get_task_or_404(db, user, task_id)


def release(db, user: dict, task_id: int, now: dt.datetime | None = None) -> dict:
    """Put a held, reported or removed task back in the pool: status open, its report count
    back to 0 (the old reports stay in the assignments, so those who reported it are not
    given it again). A task with all its answers in stays done.

    Raises NotFound("no_task")."""
    with write(db):
        task = get_task_or_404(db, user, task_id)
        project = one(db, "SELECT redundancy FROM projects WHERE id = ?", (task["project_id"],))
        status = "done" if task["answers_count"] >= wanted(task, project) else "open"
        db.execute("UPDATE tasks SET status = ?, reports_count = 0 WHERE id = ?",
                   (status, task_id))
        audit.record(db, user["id"], "task.release", f"task:{task_id}",
                     was=task["status"], status=status, reports=task["reports_count"])
    return get_task_or_404(db, user, task_id)


def remove(db, user: dict, task_id: int, now: dt.datetime | None = None) -> dict:
    """Take a task out for good: never claimed again, out of the progress counts; its
    answers stay. Leases running on it end now, so no answer comes in after.

    Raises NotFound("no_task")."""
    now = now or utcnow()
    with write(db):
        task = get_task_or_404(db, user, task_id)
        if task["status"] == "removed":
            return task
        db.execute("UPDATE tasks SET status = 'removed' WHERE id = ?", (task_id,))
        db.execute("UPDATE assignments SET lease_expires_at = ? WHERE task_id = ?"
                   " AND state = 'active' AND lease_expires_at > ?",
                   (stamp(now), task_id, stamp(now)))
        audit.record(db, user["id"], "task.remove", f"task:{task_id}",
                     was=task["status"], reports=task["reports_count"])
    return get_task_or_404(db, user, task_id)

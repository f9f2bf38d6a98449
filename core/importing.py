"""Loading tasks from a file: all or nothing, pictures shrunk for phones on the way in."""
import json
import os

from . import projects
from .db import one
from .errors import Invalid, NotFound
from .media import prepare_image


def import_jsonl(db, slug: str, path: str) -> int:
    """Add one task per line of a JSON Lines file: {"text", "image", "gold"}.

    "image" is a path relative to the file. Raises Invalid with the line number
    in its detail, and adds nothing, when any line is bad.
    """
    project = one(db, "SELECT * FROM projects WHERE slug = ?", (slug,))
    if project is None:
        raise NotFound("no_project")
    base = os.path.dirname(os.path.abspath(path))
    tasks = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                task = {"text": row.get("text") or None, "gold": row.get("gold")}
                if row.get("image"):
                    with open(os.path.join(base, row["image"]), "rb") as image:
                        task["image"] = prepare_image(image.read())
            except (ValueError, AttributeError, OSError) as exc:
                raise Invalid("bad_line", line=number) from exc
            except Invalid as refusal:
                raise Invalid(refusal.code, line=number) from refusal
            if not (task["text"] or task.get("image")):
                raise Invalid("empty_task", line=number)
            tasks.append(task)
    return projects.add_tasks(db, project["id"], tasks)

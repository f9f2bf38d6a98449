"""single_choice: one of the project's labels, each a button."""
from ..db import rows
from .base import TaskType


class SingleChoice(TaskType):
    name = "single_choice"
    needs_labels = True

    def choices(self, db, project: dict) -> list[str]:
        return [row["value"] for row in rows(
            db, "SELECT value FROM labels WHERE project_id = ? ORDER BY position",
            (project["id"],))]

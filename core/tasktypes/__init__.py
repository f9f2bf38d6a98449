"""The task types, declared in one place. Adding one: a module here with its TaskType,
one line in TYPES, its partials in templates/tasktypes/<name>/, and the projects
CHECK constraint in a migration (README: "Adding a task type")."""
from .base import TaskType, normalise, same, vote
from .choice import SingleChoice
from .free_text import MAX_TEXT, FreeText
from .photo import Photo
from .record import Record
from .transcribe import Transcribe
from .verify_recording import VerifyRecording
from .yes_no import YES_NO, YesNo

TYPES: dict[str, TaskType] = {t.name: t for t in (
    SingleChoice(), YesNo(), FreeText(),
    Record(), VerifyRecording(), Transcribe(), Photo(),
)}
NAMES = tuple(TYPES)


def of(project: dict) -> TaskType:
    """The type of a project (or of any row with a task_type), bound to the project's
    own settings where the type has any (a transcript's error rate)."""
    return TYPES[project["task_type"]].for_project(project)


__all__ = ["TYPES", "NAMES", "MAX_TEXT", "YES_NO", "TaskType", "normalise", "of", "same", "vote"]

"""yes_no: two buttons, Yes and No."""
from .base import TaskType

YES_NO = ("yes", "no")


class YesNo(TaskType):
    name = "yes_no"

    def choices(self, db, project: dict) -> list[str]:
        return list(YES_NO)

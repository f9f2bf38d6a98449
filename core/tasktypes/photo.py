"""photo: the card asks for a photo (its prompt in her language) and the phone's camera
opens. Her answer is the id of the media row her photo became (core.photos)."""
from .. import photos
from ..db import one
from ..errors import Invalid
from .base import TaskType


class Photo(TaskType):
    name = "photo"
    media = ()  # the prompt is the task's text; her photo is the answer
    capture = "photo"

    def receive(self, db, project: dict, data: bytes, content_type: str) -> dict:
        return photos.prepare_photo(data, project["photo_max_px"], project["photo_max_bytes"],
                                    bool(project["keep_location"]))

    def clean(self, db, project: dict, raw, allowed=...) -> str:
        """The id of a photo taken for this project (the upload stored it first)."""
        raw = raw.strip() if isinstance(raw, str) else ""
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18 or not one(
                db, "SELECT 1 FROM media WHERE id = ? AND project_id = ?"
                    " AND user_id IS NOT NULL", (int(raw), project["id"])):
            raise Invalid("no_photo")
        return str(int(raw))

    @staticmethod
    def same(answer: str | None, expected: str | None) -> bool:
        # Two photos are never the same photo; only a repeated send of one is.
        return answer is not None and answer == expected

    def settle(self, answers: list[str]) -> dict:
        # No vote between photos: the task is done once it has its answers, and each
        # waits for a supervisor's review.
        return {"top": None, "count": 0, "n": len(answers), "tie": False, "agreement": 1.0}

    def parse_gold(self, allowed):
        return lambda gold: None  # a photo task has no right answer to check against

    def export(self, answer: str | None):
        return None if answer is None else f"photos/{answer}.jpg"

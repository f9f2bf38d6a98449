"""record: she reads the task's sentence aloud; her answer is the recording (a media row,
its id as the answer), checked on the server and judged by listeners in the project's
verify_recording project (core.recordings)."""
from .. import audio
from ..errors import Invalid
from .base import TaskType


class Record(TaskType):
    name = "record"
    media = ()
    capture = "audio"

    def clean(self, db, project: dict, raw, allowed=...) -> str:
        # Her answer is a file she sends (core.uploads, or the form's file field), never
        # an id typed into a form or an offline batch: that could name anyone's media.
        raise Invalid("needs_recording")

    def receive(self, db, project: dict, data: bytes, content_type: str) -> dict:
        return audio.prepare_recording(data, content_type, project["max_record_seconds"])

    def parse_gold(self, allowed):
        return lambda gold: None  # no recording is the right one: no check tasks

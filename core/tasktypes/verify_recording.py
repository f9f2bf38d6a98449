"""verify_recording: she listens to another's recording of the task's sentence and says
whether it matches and is clear ("yes") or not ("no"). The settled answer decides the
recording's review state (core.recordings)."""
from .yes_no import YesNo


class VerifyRecording(YesNo):
    name = "verify_recording"
    media = ("audio",)

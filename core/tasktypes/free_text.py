"""free_text: what she types (a transcription, a translation)."""
import re
import unicodedata

from ..errors import Invalid
from .base import TaskType

MAX_TEXT = 2000
# Spaces and invisible joiners at either end of typed text.
_EDGES = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")


class FreeText(TaskType):
    name = "free_text"
    typed = True

    def clean(self, db, project: dict, raw, allowed=...) -> str:
        raw = raw if isinstance(raw, str) else ""
        # Control characters (NUL...) go; joiners inside a word stay, they can change how
        # Indic letters join, but at the ends they are as empty as spaces.
        raw = raw.replace("\r\n", "\n")  # as the textarea counted it against maxlength
        # Lone surrogates (from JSON "\\ud800") cannot be stored as UTF-8: they go too.
        text = "".join(c for c in raw if c in "\n\t"
                       or unicodedata.category(c) not in ("Cc", "Cs"))
        text = _EDGES.sub("", unicodedata.normalize("NFC", text))
        if not text:
            raise Invalid("empty_text")
        if len(text) > MAX_TEXT:
            raise Invalid("text_too_long", limit=MAX_TEXT)
        return text

    def parse_gold(self, allowed):
        return lambda gold: gold

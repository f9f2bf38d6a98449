"""What every task type shares: when two answers are the same, and the defaults a type
overrides (core.tasktypes holds the registry)."""
import re
import unicodedata
from collections import Counter

from ..errors import Invalid

_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")


def normalise(text: str | None) -> str:
    """The form two answers are compared in: NFC, case folded, runs of white space as
    one space, punctuation and spaces at either end gone ("Yes." = " yes", "हाँ।" = "हाँ").

    Joiners inside a word (ZWJ/ZWNJ) stay: they change how Indic letters join."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text or "").casefold())
    start, end = 0, len(text)
    while start < end and (text[start] == " " or unicodedata.category(text[start])[0] == "P"):
        start += 1
    while end > start and (text[end - 1] == " "
                           or unicodedata.category(text[end - 1])[0] == "P"):
        end -= 1
    return text[start:end]


def same(answer: str | None, expected: str | None) -> bool:
    """Two answers agree (after normalise): one rule for a task's repeat, a check task,
    a quiz question and the vote."""
    return answer is not None and expected is not None and \
        normalise(answer) == normalise(expected)


def vote(answers: list[str]) -> dict:
    """Majority vote over normalised answers: {"top": the first answer of the largest
    group, as typed; "count"; "n"; "tie": two groups as large; "agreement": count / n}."""
    groups = Counter(normalise(a) for a in answers)
    ranked = groups.most_common(2)
    key, count = ranked[0]
    return {"top": next(a for a in answers if normalise(a) == key), "count": count,
            "n": len(answers), "tie": len(ranked) > 1 and ranked[1][1] == count,
            "agreement": count / len(answers)}


class TaskType:
    """One kind of task: how an answer is cleaned, compared and judged, what media a
    task carries, how an answer reads and travels in a file. Templates: its partials in
    templates/tasktypes/<name>/ (_controls.html: what she taps; _answer.html: an answer
    as her buttons showed it)."""

    name = ""
    media = ("image",)  # what a task of this type may show besides its text
    needs_labels = False  # a project of this type needs at least two labels
    typed = False  # her answer is words she typed: a refusal gives them back to her
    capture = None  # "audio" or "photo": her answer is a file made on the phone

    def choices(self, db, project: dict) -> list[str] | None:
        """The answers allowed (None: any words)."""
        return None

    def clean(self, db, project: dict, raw, allowed=...) -> str:
        """The answer as stored, or Invalid naming what is wrong with it (`allowed`:
        choices() when the caller has it already)."""
        raw = raw if isinstance(raw, str) else ""
        allowed = self.choices(db, project) if allowed is ... else allowed
        if raw not in allowed:
            raise Invalid("unknown_label")
        return raw

    def receive(self, db, project: dict, data: bytes, content_type: str) -> dict:
        """Check and prepare what she sent (raise Invalid, in her language, when refused);
        return the media row's fields: kind, content_type, width, height, duration_ms,
        sha256, data (the small copy phones get), original, original_type."""
        raise NotImplementedError

    def for_project(self, project: dict) -> "TaskType":
        """This type with the project's own settings, for a type that has any."""
        return self

    same = staticmethod(same)

    def settle(self, answers: list[str]) -> dict:
        """What a task's answers come to (as vote): the majority, for most types."""
        return vote(answers)

    def judge(self, answer: str, gold: str) -> str:
        """A check task's review state for this answer."""
        return "accepted" if self.same(answer, gold) else "rejected"

    def parse_gold(self, allowed: list[str] | None):
        """A function turning a file's gold cell into the stored answer (None: it is no
        answer), for import."""
        by_fold = {value.casefold(): value for value in allowed}
        return lambda gold: by_fold.get(gold.casefold())

    def export(self, answer: str | None):
        """An answer (or gold, or majority) as an export file carries it: as stored."""
        return answer

    def __repr__(self) -> str:
        return f"<TaskType {self.name}>"

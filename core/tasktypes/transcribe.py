"""transcribe: she hears a clip and types what she hears. Transcripts are typed text
(cleaned as free_text is) compared by character error rate, not letter for letter: a
one-letter slip is the same transcript (core.cer)."""
import copy

from .. import cer
from .base import normalise
from .free_text import FreeText


class Transcribe(FreeText):
    name = "transcribe"
    media = ("audio",)
    threshold = cer.DEFAULT_THRESHOLD  # the project's cer_threshold, once bound

    def for_project(self, project: dict) -> "Transcribe":
        threshold = project.get("cer_threshold")
        if threshold is None or threshold == self.threshold:
            return self
        bound = copy.copy(self)
        bound.threshold = threshold
        return bound

    def same(self, answer: str | None, expected: str | None) -> bool:
        if answer is None or expected is None:
            return False
        return cer.close(normalise(answer), normalise(expected), self.threshold)

    def judge(self, answer: str, gold: str) -> str:
        return "accepted" if self.same(answer, gold) else "rejected"

    def settle(self, answers: list[str]) -> dict:
        """The transcript closest to the others (the medoid) and how many agree with it
        (same as vote in core.quality: top, count, n, tie, agreement)."""
        top, count = cer.settle([normalise(a) for a in answers], self.threshold)
        return {"top": answers[top], "count": count, "n": len(answers), "tie": False,
                "agreement": count / len(answers)}

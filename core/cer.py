"""Character error rate: how far apart two transcripts are, counted in the letters a
reader sees (grapheme clusters), so that one Tamil or Hindi letter typed differently is
one edit, not two or three code points.

Transcripts are compared after tasktypes.normalise (NFC, case folded, spaces and end
punctuation made one), so "நான் வீட்டுக்குப் போனேன்." and "நான் வீட்டுக்குப் போனேன்"
are the same text before any letter is counted.
"""
import unicodedata

DEFAULT_THRESHOLD = 0.1  # projects.cer_threshold when a project does not set one
# In a word this short, one slip is a tenth of it or more: one edit is forgiven from
# here on, so "பள்ளிக்கு" typed "பள்ளிகு" reads as the same word.
ONE_SLIP_FROM = 4

_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: they shape the letter before them
_VIRAMAS = {"\u0bcd", "\u094d", "\u0ccd", "\u0c4d"}  # Tamil, Devanagari, Kannada, Telugu


def graphemes(text: str) -> list[str]:
    """The text's letters as a reader sees them: a base character with its vowel signs,
    virama, nukta and joiners (Unicode's extended grapheme clusters, for Indic scripts;
    a consonant after a virama starts its own cluster, as in UAX #29 before 15.1)."""
    out: list[str] = []
    for char in text:
        if out and (unicodedata.category(char).startswith("M") or char in _JOINERS
                    or out[-1][-1] in _JOINERS and out[-1][-2:-1] in _VIRAMAS):
            out[-1] += char
        else:
            out.append(char)
    return out


def distance(a: list[str], b: list[str]) -> int:
    """Levenshtein distance between two sequences (insert, delete, replace: one each)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        left = i
        for j, y in enumerate(b):
            # min of: delete, insert, replace (or keep, when the letters are the same)
            left = min(previous[j + 1] + 1, left + 1, previous[j] + (x != y))
            current.append(left)
        previous = current
    return previous[-1]


def edits(a: str, b: str) -> tuple[int, int]:
    """(edits between two normalised texts, letters in the longer one)."""
    ga, gb = graphemes(a), graphemes(b)
    return distance(ga, gb), max(len(ga), len(gb))


def rate(a: str, b: str) -> float:
    """Character error rate of two normalised texts: edits over the longer one's letters
    (0.0 the same, 1.0 nothing alike). Symmetric, so the medoid does not depend on order."""
    n_edits, n = edits(a, b)
    return n_edits / n if n else 0.0


def close(a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether two normalised transcripts say the same: a rate at most `threshold`, or a
    single slip in a text of ONE_SLIP_FROM letters or more (unless the threshold is 0:
    letter for letter)."""
    return _near(*edits(a, b), threshold)


def _near(n_edits: int, n: int, threshold: float) -> bool:
    return n_edits == 0 or n_edits <= threshold * n or (
        threshold > 0 and n_edits == 1 and n >= ONE_SLIP_FROM)


def settle(texts: list[str], threshold: float = DEFAULT_THRESHOLD) -> tuple[int, int]:
    """(index of the medoid: the text closest to all the others, least total rate, the
    first of equals; how many texts are close to it). Each pair is measured once."""
    letters = [graphemes(t) for t in texts]
    n = len(texts)
    totals = [0.0] * n
    pairs = {}
    for i in range(n):
        for j in range(i + 1, n):
            d = distance(letters[i], letters[j])
            longest = max(len(letters[i]), len(letters[j]))
            pairs[i, j] = (d, longest)
            totals[i] += d / longest if longest else 0.0
            totals[j] += d / longest if longest else 0.0
    top = min(range(n), key=totals.__getitem__)

    return top, sum(j == top or _near(*pairs[min(top, j), max(top, j)], threshold)
                    for j in range(n))


def medoid(texts: list[str]) -> int:
    """The index of the text closest to all the others (least total rate); the first of
    equals, so the earliest answer wins a tie."""
    return settle(texts)[0]

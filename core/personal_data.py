"""Personal data in task text (#19): Indian phone numbers, Aadhaar numbers, PAN, e-mail
addresses and UPI handles, found so that an import refuses the file or masks them
before any phone sees them (projects.personal_data).

Aadhaar numbers carry a Verhoeff check digit (UIDAI), so twelve digits that fail it are
not taken for one: an order number is left alone. Digits in Indian scripts (௯, ९, ೯, ౯)
count as digits: the text is scanned through a copy with each folded to ASCII, of the
same length, so that positions match.
"""
import re
import unicodedata

# The Verhoeff scheme: multiplication in the dihedral group D5, a permutation by
# position, and the inverse (Verhoeff 1969).
_D = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
      (2, 3, 4, 0, 1, 7, 8, 9, 5, 6), (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
      (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
      (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
      (8, 7, 6, 5, 9, 3, 2, 1, 0, 4), (9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
_P = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
      (5, 8, 0, 3, 7, 9, 6, 1, 4, 2), (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
      (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
      (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8))
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_valid(digits: str) -> bool:
    """Whether the number's last digit is its Verhoeff check digit."""
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _D[check][_P[i % 8][int(digit)]]
    return check == 0


def verhoeff_digit(digits: str) -> str:
    """The check digit to append to `digits`."""
    check = 0
    for i, digit in enumerate(reversed(digits)):
        check = _D[check][_P[(i + 1) % 8][int(digit)]]
    return str(_INV[check])


_ANY_DIGIT = re.compile(r"\d")  # str patterns: every script's decimal digits


def _fold(text: str) -> str:
    """Every decimal digit of any script as its ASCII digit, one character for one."""
    if text.isascii():
        return text
    return _ANY_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), text)

_SEP = r"[ \-.]?"
_AADHAAR = re.compile(rf"(?<![0-9])[2-9][0-9]{{3}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}(?![0-9])")
# A mobile number: 10 digits from 6-9, maybe after +91, 91 or 0, maybe split 5+5.
_PHONE = re.compile(r"(?<![0-9+])(?:(?:\+|00)?91[ \-]?|0)?[6-9][0-9]{4}[ \-]?[0-9]{5}(?![0-9])")
# The fourth letter of a PAN is the holder's kind (P a person, C a company ...).
_PAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z](?![A-Za-z0-9])")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![\w@])", re.ASCII)
# A UPI handle: name@bank, the bank a word with no dot (okaxis, ybl, paytm, upi).
_UPI = re.compile(r"(?<![\w.+-])[A-Za-z0-9._-]{2,64}@[A-Za-z][A-Za-z0-9]{1,31}(?![\w.@])",
                  re.ASCII)

KINDS = ("email", "upi", "pan", "aadhaar", "phone")  # looked for in this order


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def _hits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each finding, none overlapping, in order."""
    folded = _fold(text)
    taken = [False] * len(text)
    found = []

    def add(match, kind):
        if any(taken[match.start():match.end()]):
            return
        taken[match.start():match.end()] = [True] * (match.end() - match.start())
        found.append((match.start(), match.end(), kind))

    for match in _EMAIL.finditer(folded):
        add(match, "email")
    for match in _UPI.finditer(folded):
        add(match, "upi")
    for match in _PAN.finditer(folded):
        add(match, "pan")
    for match in _AADHAAR.finditer(folded):
        if verhoeff_valid(_digits(match.group())):
            add(match, "aadhaar")
    for match in _PHONE.finditer(folded):
        add(match, "phone")
    return sorted(found)


def find(text: str) -> list[str]:
    """The kinds of personal data in `text`, one entry for each finding, in order."""
    return [kind for _, _, kind in _hits(text)] if text else []


def _masked(value: str, kind: str) -> str:
    digits = _digits(value)
    if kind == "phone":
        national = digits[-10:]
        return national[:2] + "X" * 6 + national[-2:]
    if kind == "aadhaar":
        return "XXXX XXXX " + digits[-4:]
    if kind == "pan":
        return "XXXXX" + "XXXX" + "X"
    name, _, domain = value.partition("@")
    return name[:1] + "***@" + domain


def mask(text: str) -> str:
    """`text` with every finding masked: 98XXXXXX21, XXXX XXXX 1234, k***@okaxis."""
    if not text:
        return text
    hits = _hits(text)
    if not hits:
        return text
    folded = _fold(text)
    out, at = [], 0
    for start, end, kind in hits:
        out += [text[at:start], _masked(folded[start:end], kind)]
        at = end
    return "".join(out) + text[at:]


def problems(line, text: str) -> list[tuple[int, str]]:
    """(line, message code) for each finding: the import's problems when the project
    refuses files with personal data (views/messages.py: pii_phone, pii_aadhaar ...)."""
    return [(line, f"pii_{kind}") for kind in find(text)]

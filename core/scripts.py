"""The scripts a free-text project may require its answers in (projects.answer_script),
by their ISO 15924 codes: a Kannada project should not collect romanised Kannada unless
it says so. Only letters and their signs count: digits, punctuation, symbols and spaces
are allowed in any script, so "2 ಕೆಜಿ." passes as Kannada."""
import unicodedata

from .errors import Invalid

# Each script's letters as Unicode ranges (its blocks; Latin with its accented letters,
# so that IAST "ṭ" or "ā" is Latin).
SCRIPTS = {
    "Taml": ((0x0B80, 0x0BFF), (0x11FC0, 0x11FFF)),
    "Deva": ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
    "Knda": ((0x0C80, 0x0CFF),),
    "Telu": ((0x0C00, 0x0C7F),),
    "Latn": ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x1E00, 0x1EFF),
             (0x0300, 0x036F)),
}
CODES = tuple(SCRIPTS)


def _counts(char: str) -> bool:
    """Whether the character decides the script: letters and combining signs (vowel
    signs, virama), not digits, punctuation, spaces or the joiners ZWJ/ZWNJ."""
    return unicodedata.category(char)[0] in "LM"


def written_in(text: str, script: str) -> bool:
    """Every letter of the (NFC) text belongs to `script`."""
    ranges = SCRIPTS[script]
    return all(any(low <= ord(char) <= high for low, high in ranges)
               for char in text if _counts(char))


def check(text: str, script: str | None) -> None:
    """Refuse text with a letter from another script: Invalid("script_knda") and the like,
    which the views say as "Please write in Kannada letters." None: any script."""
    if script is not None and not written_in(text, script):
        raise Invalid(f"script_{script.lower()}")

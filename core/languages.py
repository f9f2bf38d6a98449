"""The languages Velai speaks: one list, read by Python and templates alike.

Adding a language starts here (then its catalog in translations/, and its content
columns until content is stored as rows).
"""
from typing import NamedTuple


class Language(NamedTuple):
    code: str  # ISO 639-1: what users.lang stores, the suffix of content columns (name_ta)
    name: str  # its own name, as a speaker reads it on the language buttons
    locale: str  # Babel's locale for numbers, ₹ and dates: lakh grouping in each


# In the order she chooses from (the language buttons, a person's form).
LANGUAGES = (
    Language("ta", "தமிழ்", "ta_IN"),
    Language("hi", "हिन्दी", "hi_IN"),
    Language("en", "English", "en_IN"),
)
FALLBACK = "en"  # shown when content lacks her language, so every text has it

CODES = tuple(language.code for language in LANGUAGES)
# Where content is written, the fallback first: it is the one that must be filled in.
CONTENT_CODES = (FALLBACK, *(code for code in CODES if code != FALLBACK))
# (code, own name) pairs, for a form's radio buttons.
CHOICES = tuple((language.code, language.name) for language in LANGUAGES)
_BY_CODE = {language.code: language for language in LANGUAGES}


def name(code: str) -> str:
    """The language's own name: "தமிழ்" for "ta"."""
    return _BY_CODE[code].name


def locale(code: str) -> str:
    return _BY_CODE[code].locale

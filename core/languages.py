"""The languages Velai speaks: one list, read by Python, templates and the database.

English is the language the code is written in; every other language is a folder in
translations/ holding its catalog and a `language.json` that says its own name, its
Babel locale and where it comes in the list. Adding a language is adding that folder
(and its content, as rows): no code names it. The database learns the list when it is
migrated (core.migrations keeps the `languages` table that users.lang refers to).
"""
import json
import os
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent.parent / "translations"


class Language(NamedTuple):
    code: str  # ISO 639-1: what users.lang and texts.lang store
    name: str  # its own name, as a speaker reads it on the language buttons
    locale: str  # Babel's locale for numbers, ₹ and dates: lakh grouping in each
    order: int = 100  # where it stands in the list she chooses from


ENGLISH = Language("en", "English", "en_IN", 90)
FALLBACK = "en"  # the language of the code and of the catalogs' msgids


def directories() -> list[Path]:
    """translations/, then any folder in VELAI_TRANSLATIONS (os.pathsep between): a
    deployment may carry a language of its own beside the shipped ones."""
    extra = [Path(p) for p in os.environ.get("VELAI_TRANSLATIONS", "").split(os.pathsep) if p]
    return [HERE, *extra]


def load(folders=None) -> tuple[Language, ...]:
    """Every language found: English, and each <folder>/<code>/language.json."""
    found = {ENGLISH.code: ENGLISH}
    for folder in folders or directories():
        for path in sorted(Path(folder).glob("*/language.json")):
            info = json.loads(path.read_text(encoding="utf-8"))
            found[path.parent.name] = Language(path.parent.name, info["name"],
                                               info["locale"], int(info.get("order", 100)))
    return tuple(sorted(found.values(), key=lambda language: (language.order, language.code)))


def use(found: tuple[Language, ...]) -> None:
    """Make `found` the list everyone reads (at import; tests with a fixture language).
    Read these as `languages.CODES`, never copied at import, so a change is seen."""
    global LANGUAGES, CODES, CHOICES, _BY_CODE
    LANGUAGES = found
    CODES = tuple(language.code for language in LANGUAGES)
    # (code, own name) pairs, for a form's radio buttons and checkboxes.
    CHOICES = tuple((language.code, language.name) for language in LANGUAGES)
    _BY_CODE = {language.code: language for language in LANGUAGES}


LANGUAGES: tuple[Language, ...] = ()
CODES: tuple[str, ...] = ()
CHOICES: tuple[tuple[str, str], ...] = ()
_BY_CODE: dict = {}
use(load())


def name(code: str) -> str:
    """The language's own name: "தமிழ்" for "ta" (the code itself for one not known)."""
    language = _BY_CODE.get(code)
    return language.name if language else code


def locale(code: str) -> str:
    return _BY_CODE[code].locale


def ordered(codes) -> list[str]:
    """The known codes among `codes`, in the list's order."""
    wanted = set(codes)
    return [code for code in CODES if code in wanted]

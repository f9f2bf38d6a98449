"""Values as she reads them, in her language: money, moments, shares, project content,
the right answer of a check task, her data used today."""
import functools

from flask import g, render_template
from flask_babel import format_datetime, format_decimal, get_locale, gettext as _, pgettext, \
    to_user_timezone

from markupsafe import Markup

from core import content, projects, recordings, tasktypes, traffic
from core.clock import parse_stamp
from core.money import format_money

from .db import get_db


def lang() -> str:
    return get_locale().language


def localized(row: dict, field: str, code: str | None = None) -> str:
    """Content (a row's `field`: {lang: text}, or its JSON) in the reader's language,
    else in the first of the row's `languages` that has it (core.content.pick)."""
    if field not in row and "content_version" in row:  # a project row (p.*): its card
        return content.card(get_db(), row, code or lang())[field]
    texts = content.texts_of(row, field)
    if texts is None:
        return row[field]  # already chosen for her (core.content.card)
    return content.pick(texts, code or lang(), content.langs_of(row))[0]


def shown_in(row: dict, field: str) -> str | None:
    """The language her content is shown in when it is not hers (None when it is hers):
    a project row's card (name, instructions, labels), or a row's `field` ({lang: text})."""
    code = lang()
    if "content_version" in row:
        return content.card(get_db(), row, code)["fallback"]
    texts = content.texts_of(row, field)
    if texts is None:
        return None
    shown = content.pick(texts, code, content.langs_of(row))[1]
    return shown if shown not in (None, code) else None


def money(paise: int) -> str:
    return _money(str(get_locale()), paise)


@functools.lru_cache(maxsize=4096)
def _money(locale: str, paise: int) -> str:
    """core.money's ₹ in her locale, kept: the same few amounts come back on every
    card, and formatting one took as long as a query."""
    return format_money(paise, locale)


def clock(moment) -> str:
    """A time of day in India as her language says it: a day-period word and a 12-hour
    clock ("மாலை 4:54", "शाम 4:54"), never AM/PM, which Indian languages do not use in a
    sentence; English keeps "4:54 pm". Each catalog gives the period's words."""
    local = to_user_timezone(moment)
    time = f"{local.hour % 12 or 12}:{local.minute:02d}"
    hour = local.hour
    # Where each part of the day begins, as people at a centre speak of it.
    if hour < 4:
        return pgettext("night", "%(time)s am", time=time)
    if hour < 12:
        return pgettext("morning", "%(time)s am", time=time)
    if hour < 16:
        return pgettext("afternoon", "%(time)s pm", time=time)
    if hour < 19:
        return pgettext("evening", "%(time)s pm", time=time)
    return pgettext("night", "%(time)s pm", time=time)


def date(moment, year: bool = False) -> str:
    """A day in India with the month's full name: abbreviations (दिस॰, டிச.) read badly."""
    return format_datetime(moment, "d MMMM y" if year else "d MMMM")


def when(moment, year: bool = False) -> str:
    """A stored UTC stamp (or a datetime) as its date and time in India:
    "2 December, 4:54 pm", "2 டிசம்பர், மாலை 4:54"."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = parse_stamp(moment)
    return f"{date(moment, year)}, {clock(moment)}"


def day_at_time(moment) -> str:
    """A moment in India, in her language: "2 दिसंबर, शाम 4:00"-like pieces in a sentence."""
    return _("%(date)s at %(time)s", date=date(moment), time=clock(moment))


def share(value) -> str:
    """A share (0.75) as "75 in 100": never a bare % sign, which trainees and annotators
    do not read as easily (translations/GLOSSARY.md, "percent")."""
    if value is None:
        return "–"
    return _("%(percent)s in 100", percent=format_decimal(round(value * 100)))


def right_answer(missed: dict) -> str:
    """The right answer of a check task she missed, as the buttons showed it to her
    (its task type's _answer.html, as plain text)."""
    labels = projects.labels(get_db(), missed["project_id"]) \
        if tasktypes.of(missed).needs_labels else []
    return Markup(render_template(f"tasktypes/{missed['task_type']}/_answer.html",
                                  value=missed["gold_answer"], labels=labels)).unescape()


def check_note(missed: dict) -> str:
    """What she is told after a wrong answer to a check task (core.tasks.missed_check),
    given that assignment: the right answer, as the buttons showed it to her."""
    return _("Check task: the right answer was “%(answer)s”. This answer is not paid.",
             answer=right_answer(missed))


def data_per_task(project) -> str:
    """What one task of a sound project costs her in data, before she starts ('' for
    other projects)."""
    size = recordings.data_per_task(project)
    if size is None:
        return ""
    return _("Each task uses about %(kb)s KB of data.", kb=format_decimal(size / 1024, "#,##0"))


def data_today() -> str:
    """The data Velai sent her today, as her header shows it."""
    size = traffic.today(get_db(), g.user["id"])
    if size >= 1024 * 1024:
        return _("Data used today: %(mb)s MB", mb=format_decimal(size / 1024 / 1024, "#,##0.0"))
    return _("Data used today: %(kb)s KB", kb=format_decimal(size / 1024, "#,##0"))

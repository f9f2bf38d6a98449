"""Values as she reads them, in her language: money, moments, shares, project content,
the right answer of a check task, her data used today."""
import functools

from flask import g, render_template
from flask_babel import format_datetime, format_decimal, format_percent, format_time, \
    get_locale, gettext as _

from markupsafe import Markup

from core import projects, tasktypes, traffic
from core.clock import parse_stamp
from core.money import format_money

from .db import get_db


def lang() -> str:
    return get_locale().language


def localized(row: dict, field: str) -> str:
    """Project content in the reader's language, falling back to English."""
    return row.get(f"{field}_{lang()}") or row[f"{field}_en"]


def money(paise: int) -> str:
    return _money(str(get_locale()), paise)


@functools.lru_cache(maxsize=4096)
def _money(locale: str, paise: int) -> str:
    """core.money's ₹ in her locale, kept: the same few amounts come back on every
    card, and formatting one took as long as a query."""
    return format_money(paise, locale)


def when(stamp: str | None) -> str:
    """A stored UTC stamp as a short date and time in India."""
    return format_datetime(parse_stamp(stamp), "d MMM, HH:mm") if stamp else ""


def day_at_time(moment) -> str:
    """A moment in India, in her language: "2 दिसंबर, 4:00 pm"-like pieces in a sentence."""
    return _("%(date)s at %(time)s", date=format_datetime(moment, "d MMMM"),
             time=format_time(moment, "short"))


def share(value) -> str:
    return "–" if value is None else format_percent(value)


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


def data_today() -> str:
    """The data Velai sent her today, as her header shows it."""
    size = traffic.today(get_db(), g.user["id"])
    if size >= 1024 * 1024:
        return _("Data used today: %(mb)s MB", mb=format_decimal(size / 1024 / 1024, "#,##0.0"))
    return _("Data used today: %(kb)s KB", kb=format_decimal(size / 1024, "#,##0"))

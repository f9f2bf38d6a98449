"""Every filter and global a template may use, registered in one place."""
from core import content, languages, tasktypes
from core.money import typed_rupees

from . import assets, formats
from .gold import pause_note, time_left_note
from .guards import home_url
from .payouts import payout_state
from .projects_admin import checked_sentence
from .render import once, template_gettext
from .review import agreement_sentence, drawn_for, reject_reason
from .session import csrf_token

FILTERS = {"money": formats.money, "typed_rupees": typed_rupees, "when": formats.when,
           "share": formats.share}
GLOBALS = {
    "asset": assets.asset, "csrf_token": csrf_token, "once": once, "home_url": home_url,
    "languages": languages,  # the one list: languages.CHOICES, languages.name(code)...
    "content_langs": content.langs_of,  # a project's content languages, first first
    "lang": formats.lang, "localized": formats.localized,
    "shown_in": formats.shown_in, "data_today": formats.data_today,
    "data_per_task": formats.data_per_task,
    "check_note": formats.check_note, "day_at_time": formats.day_at_time,
    "pause_note": pause_note, "time_left_note": time_left_note, "payout_state": payout_state,
    "reject_reason": reject_reason, "agreement_sentence": agreement_sentence,
    "drawn_for": drawn_for, "checked_sentence": checked_sentence,
    "task_type": tasktypes.of,  # a project's type: what its card captures or plays
}


def init_app(app):
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.globals.update(GLOBALS)
    # _(), ngettext(), lang() and localized() bound to the request's language per render.
    app.context_processor(template_gettext)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

"""Pages and fragments: one helper decides which (htmx), refusals become a page or a card,
and templates get this request's catalog and the parts rendered once per language."""
from flask import make_response, render_template
from flask_babel import get_locale, get_translations
from flask_htmx import HTMX
from jinja2 import pass_eval_context
from markupsafe import Markup

from core.errors import Refused

from .formats import lang
from .messages import REFUSAL_LINKS, message

htmx = HTMX()


def page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the whole page, or for htmx just the fragment the page includes."""
    response = make_response(render_template(fragment if htmx else page, **context), status)
    response.vary.add("HX-Request")
    return response


def refuse(refusal: Refused, **context):
    """A refusal as a page, or for htmx as a card in place of the task."""
    if refusal.code in REFUSAL_LINKS:
        context.setdefault("link", REFUSAL_LINKS[refusal.code](refusal.detail))
    return page_or_fragment("message.html", "_message.html", refusal.status,
                            message=message(refusal), **context)


def template_gettext():
    """Templates' _(), gettext(), ngettext(), lang() and localized() bound to this
    request's catalog and language once per render.

    Flask-Babel's own callables look the catalog up again through the request context
    on every string, and Jinja's i18n wrappers reach it through three calls (about 40
    strings on a task card: a tenth of its CPU). These give the same: Jinja's newstyle
    gettext (the text always %-formatted with its variables, escaped under autoescape).
    """
    translations = get_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext
    code = lang()  # and her language, asked once, not for each project or label text

    @pass_eval_context
    def gettext(eval_ctx, string: str, /, **variables) -> str:
        text = ugettext(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    @pass_eval_context
    def ngettext_here(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
        variables.setdefault("num", num)
        text = ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    def localized_here(row: dict, field: str) -> str:
        return row.get(f"{field}_{code}") or row[f"{field}_en"]
    return {"_": gettext, "gettext": gettext, "ngettext": ngettext_here,
            "lang": lambda: code, "localized": localized_here}


_ONCE: dict = {}


def once(name: str, *key, caller) -> Markup:
    """{% call once("name", ...) %}markup{% endcall %}: markup that is the same for every
    page in a language (and for `key`), rendered once per language and process, then
    reused: the head's links and the header's constant parts are a third of a page's
    rendering. Nothing of a person or a request may go inside (no token, no id):
    tests/test_render_once.py renders two people's pages to show it."""
    cache_key = (name, str(get_locale()), *key)
    markup = _ONCE.get(cache_key)
    if markup is None:
        markup = _ONCE[cache_key] = Markup(caller())
    return markup

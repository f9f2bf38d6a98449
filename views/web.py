"""What every view shares: the database connection, the current user, role
guards, locale choice, page-or-fragment rendering and translated refusals."""
import copy
import functools
import io
import sqlite3
import threading
import time
from urllib.parse import urlsplit

from flask import abort, current_app, g, make_response, redirect, render_template, request, \
    session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import format_decimal, get_locale, get_translations, gettext as _, \
    lazy_gettext as _l, ngettext
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFError, generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from core import db as coredb
from core import projects, sessions, traffic, users
from core.errors import Refused
from core.money import format_money, typed_rupees

htmx = HTMX()

MESSAGES = {
    "no_project": _l("This project is not open to you."),
    "no_task": _l("This task was not found."),
    "no_media": _l("This picture is only for the person doing the task."),
    "not_found": _l("This page does not exist."),
    "forbidden": _l("This page is not for your role."),
    "unknown_label": _l("Please choose one of the answers shown."),
    "empty_text": _l("Please type your answer first."),
    "text_too_long": _l("Your answer is too long. Keep it under %(limit)s characters."),
    "expired": _l("Time for this task ran out and it went back to the pool. "
                  "Your answer was not saved."),
    "already_skipped": _l("You already skipped this task."),
    "already_answered": _l("You already answered this task."),
    "bad_reason": _l("Please choose why you are skipping this task."),
    "bad_lang": _l("Please choose one of the languages shown."),
    "csrf": _l("This page was open too long. Please try again."),
    "bad_request": _l("Something went wrong. Please try again."),
    "db_busy": _l("Velai is very busy right now. Nothing was saved. Please try again "
                  "in a minute."),
    "db_unwritable": _l("Velai cannot save right now. Nothing was saved. "
                        "Please try again later and tell your supervisor."),
}
# What SQLite says when it cannot write (sqlite3.OperationalError), by the sentence
# she is given: locked for longer than the busy timeout, or read-only, full or failing.
_DB_FAULTS = (("locked", "db_busy"), ("readonly", "db_unwritable"),
              ("disk is full", "db_unwritable"), ("disk i/o", "db_unwritable"),
              ("unable to open", "db_unwritable"))


def message(refusal: Refused) -> str:
    """The refusal as a sentence in the user's language."""
    detail = refusal.detail
    if refusal.code == "bad_credentials":
        return ngettext("Wrong phone number or PIN. %(num)d try left.",
                        "Wrong phone number or PIN. %(num)d tries left.", detail["tries_left"])
    if refusal.code == "locked":
        return ngettext("Too many wrong tries. Try again in %(num)d minute.",
                        "Too many wrong tries. Try again in %(num)d minutes.", detail["minutes"])
    text = MESSAGES.get(refusal.code, MESSAGES["bad_request"])
    return str(text) % detail if detail else str(text)


_thread_db = threading.local()


def get_db():
    """The request's connection: one per request, as before, except that a server thread
    keeps its own open for its next request (VELAI_DB_REUSE). Opening one cost more than
    the rest of a task's SQL (the schema is read anew, 0.2-0.4 ms); a kept one is
    handed over clean: no transaction open, nothing pending (see _close_db)."""
    if "db" not in g:
        path = current_app.config["VELAI_DB"]
        kept = getattr(_thread_db, "kept", None)
        if kept and kept[0] == path and current_app.config["VELAI_DB_REUSE"]:
            g.db = kept[1]
        else:
            if kept:
                _thread_db.kept = None
                kept[1].close()
            g.db = coredb.connect(path)
    return g.db


def _close_db(_exc=None):
    db = g.pop("db", None)
    if db is None:
        return
    if db.conn.in_transaction:  # never hand a transaction on to the next request
        db.conn.execute("ROLLBACK")
    if current_app.config["VELAI_DB_REUSE"]:
        _thread_db.kept = (current_app.config["VELAI_DB"], db)
    else:
        db.close()


def _load_user():
    """Her account, from the session row the cookie names: one indexed lookup joined to
    users, and no write but once a day (an ended session, copied or not, finds nothing)."""
    sid = session.get("sid")
    g.user = sessions.user_for(get_db(), sid) if sid else None
    if sid and g.user is None:
        session.pop("sid")  # ended (logout, new PIN, deactivated) or idle too long
    if g.user:
        sessions.touch(get_db(), sid, g.user["session_seen"])
        # Renew the session cookie once a day, not on every task (see app.py).
        day = coredb.india_day()
        if session.get("day") != day:
            session["day"] = day


def select_locale() -> str:
    """The user's saved language, then this browser's choice, then Accept-Language."""
    user = g.get("user")
    lang = (user["lang"] if user else session.get("lang")) or \
        request.accept_languages.best_match(users.LANGS) or "en"
    return f"{lang}_IN"  # en_IN too: lakh grouping for everyone


def lang() -> str:
    return get_locale().language


def localized(row: dict, field: str) -> str:
    """Project content in the reader's language, falling back to English."""
    return row.get(f"{field}_{lang()}") or row[f"{field}_en"]


def right_answer(missed: dict) -> str:
    """The right answer of a check task she missed, as the buttons showed it to her."""
    right = missed["gold_answer"]
    if missed["task_type"] == "yes_no":
        return {"yes": _("Yes"), "no": _("No")}.get(right, right)
    return next((localized(label, "text") for label in projects.labels(
        get_db(), missed["project_id"]) if label["value"] == right), right)


def check_note(missed: dict) -> str:
    """What she is told after a wrong answer to a check task (core.tasks.missed_check),
    given that assignment: the right answer, as the buttons showed it to her."""
    return _("Check task: the right answer was “%(answer)s”. This answer is not paid.",
             answer=right_answer(missed))


def money(paise: int) -> str:
    return _money(str(get_locale()), paise)


@functools.lru_cache(maxsize=4096)
def _money(locale: str, paise: int) -> str:
    """core.money's ₹ in her locale, kept: the same few amounts come back on every
    card, and formatting one took as long as a query."""
    return format_money(paise, locale)


def _template_gettext():
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
    rendering. Nothing of a person or a request may go inside (no token, no id)."""
    cache_key = (name, str(get_locale()), *key)
    markup = _ONCE.get(cache_key)
    if markup is None:
        markup = _ONCE[cache_key] = Markup(caller())
    return markup


def data_today() -> str:
    """The data Velai sent her today, as her header shows it."""
    size = traffic.today(get_db(), g.user["id"])
    if size >= 1024 * 1024:
        return _("Data used today: %(mb)s MB", mb=format_decimal(size / 1024 / 1024, "#,##0.0"))
    return _("Data used today: %(kb)s KB", kb=format_decimal(size / 1024, "#,##0"))


def count_traffic(response):
    """Add this response's bytes on the wire to her data for today.

    Registered before Flask-Compress, so it runs after it: it counts what is
    sent, compressed, headers included.
    """
    user = g.get("user")
    if user and user["role"] == "annotator":
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        body = 0 if response.is_streamed else response.calculate_content_length() or 0
        try:
            traffic.add(get_db(), user["id"], body + headers + 17,  # 17: the status line
                        every=current_app.config["TRAFFIC_WRITE_SECONDS"])
        except sqlite3.OperationalError:
            pass  # a database that cannot write: the count waits for the next one
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over TLS (directly
    or, behind a proxy, by X-Forwarded-Proto through ProxyFix), not only by config.

    A cookie once verified is remembered with what it holds and when it was signed:
    the same cookie comes back on every task, and checking its signature and decoding
    it again was a tenth of a task page's CPU. Its age is still checked each time, and
    who it names is looked up each time (the server-side session, views/web._load_user).
    """

    REMEMBERED = 4096  # cookies, about a megabyte

    def __init__(self):
        self.verified = {}  # (secret key, cookie) -> (session data, signed at, epoch s)

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        key = (app.secret_key, value)
        found = self.verified.get(key)
        if found is None:
            try:
                data, signed = self.get_signing_serializer(app).loads(
                    value, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if len(self.verified) >= self.REMEMBERED:
                self.verified.clear()
            found = self.verified[key] = (data, signed.timestamp())
        if time.time() - found[1] > app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired, as itsdangerous' max_age would say
        return self.session_class(copy.deepcopy(found[0]))


@functools.lru_cache(maxsize=4096)
def _signed_csrf(secret_key, raw: str) -> str:
    """Flask-WTF's signed form of this session's CSRF token, made once: with no time
    limit (WTF_CSRF_TIME_LIMIT = None) any signing of it is as good as a fresh one."""
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw)


def csrf_token() -> str:
    """Templates' csrf_token(): Flask-WTF's generate_csrf, its signing remembered."""
    raw = session.get("csrf_token")
    if raw and "csrf_token" not in g:
        g.csrf_token = _signed_csrf(
            current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    return generate_csrf()


def cross_site() -> bool:
    """Whether this request was started by another site (a link or form on its page).

    Browsers since 2020 say so in Sec-Fetch-Site ("none": typed, a bookmark, another
    app). Older ones send no such header: then a Referer from another host counts as
    cross-site, and a request with neither is taken as typed.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site:
        return site not in ("same-origin", "none")
    referer = request.headers.get("Referer")
    return bool(referer) and urlsplit(referer).netloc != request.host


def same_site_only(view):
    """For a GET that changes something (claiming tasks): from another site it does
    nothing and goes to her home, where one tap starts the work."""
    @functools.wraps(view)
    def guarded(**kwargs):
        if cross_site():
            return redirect(home_url(g.user) if g.user else url_for("auth.login"), 303)
        return view(**kwargs)
    return guarded


class BodyLimit:
    """WSGI middleware: a body sent without Content-Length (chunked) is read up to the
    app's limit first. Past it, the request says its true size so Werkzeug refuses it
    with 413 before anything reads it; under it, it goes on whole, with its length.
    (Werkzeug alone would hand the app the first megabyte and drop the rest.)"""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        limit = self.app.config["MAX_CONTENT_LENGTH"]
        if limit and ("chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() or (
                not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"))):
            stream, body = environ["wsgi.input"], bytearray()
            while len(body) <= limit:
                chunk = stream.read(min(64 * 1024, limit + 1 - len(body)))
                if not chunk:
                    break
                body += chunk
            environ["wsgi.input"] = io.BytesIO(bytes(body))
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # else Werkzeug ignores the length
        return self.wsgi_app(environ, start_response)


def public(view):
    """Mark a view as open to everyone (login, health); the meta-test checks the rest."""
    view.public = True
    return view


def role_required(*roles):
    """Let in only logged-in users with one of `roles`; others go to login or get 403."""
    def decorate(view):
        @functools.wraps(view)
        def guarded(**kwargs):
            if g.user is None:
                login = url_for("auth.login", next=request.full_path.rstrip("?"))
                if htmx:
                    response = make_response("", 200)
                    response.headers["HX-Redirect"] = login
                    return response
                return redirect(login)
            if g.user["role"] not in roles:
                abort(403)
            return view(**kwargs)
        guarded.roles = roles
        return guarded
    return decorate


def home_url(user) -> str:
    return url_for("work.home" if user["role"] == "annotator" else "supervisor.overview")


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: a login link must not send anyone elsewhere (nor carry a
    line break into the Location header)."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc and "\\" not in target and target.isprintable():
        return target
    return fallback


class IdConverter(IntegerConverter):
    """<id:name>: a row id; one larger than SQLite's integers is a 404, not a 500."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=coredb.MAX_ID)


def id_arg(name: str) -> int | None:
    """A row id from the query string, or None when absent or not an id."""
    value = request.args.get(name, type=int)
    return value if coredb.is_id(value) else None


def private_picture(row: dict):
    """A stored picture (a media row) as a response for the one person allowed it: private
    to her browser, and cached a week, since an id's bytes never change."""
    response = make_response(row["data"])
    response.content_type = row["content_type"]
    response.cache_control.private = True
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.immutable = True
    response.set_etag(row["sha256"])
    return response.make_conditional(request)


def page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the whole page, or for htmx just the fragment the page includes."""
    response = make_response(render_template(fragment if htmx else page, **context), status)
    response.vary.add("HX-Request")
    return response


# code -> function(detail) giving (url, button text): where a refusal leads her
# (a trainee refused paid work goes to the quiz). Modules add their own at import.
REFUSAL_LINKS = {}


def refuse(refusal: Refused, **context):
    """A refusal as a page, or for htmx as a card in place of the task."""
    if refusal.code in REFUSAL_LINKS:
        context.setdefault("link", REFUSAL_LINKS[refusal.code](refusal.detail))
    return page_or_fragment("message.html", "_message.html", refusal.status,
                            message=message(refusal), **context)


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if htmx:
        # A fragment is read by htmx, never shown as a document: a CSP or frame rule on it
        # does nothing, and would add 250 bytes to every task on 2G.
        return response
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _database_fault(error: sqlite3.OperationalError):
    """The database cannot write now: a clear page (or card) in her language, 503, and
    nothing half-written (the transaction rolled back). Other errors stay errors."""
    text = str(error).lower()
    code = next((code for words, code in _DB_FAULTS if words in text), None)
    if code is None:
        raise error
    current_app.logger.warning("database fault on %s %s: %s", request.method, request.path,
                               error)
    refusal = Refused(code)
    refusal.status = 503
    response = refuse(refusal)
    response.headers["Retry-After"] = "60"
    return response


def _http_error(code_name: str, status: int):
    def handler(_error):
        refusal = Refused(code_name)
        refusal.status = status
        return refuse(refusal)
    return handler


def init_app(app):
    app.session_interface = SessionInterface()
    app.wsgi_app = BodyLimit(app.wsgi_app, app)
    app.url_map.converters["id"] = IdConverter
    htmx.init_app(app)
    app.before_request(_load_user)
    app.teardown_appcontext(_close_db)
    app.after_request(_security_headers)
    app.register_error_handler(Refused, refuse)
    app.register_error_handler(sqlite3.OperationalError, _database_fault)
    app.register_error_handler(CSRFError, _http_error("csrf", 400))
    app.register_error_handler(400, _http_error("bad_request", 400))
    app.register_error_handler(403, _http_error("forbidden", 403))
    app.register_error_handler(404, _http_error("not_found", 404))
    app.register_error_handler(405, _http_error("not_found", 405))
    app.register_error_handler(413, _http_error("bad_request", 413))
    app.jinja_env.globals.update(lang=lang, localized=localized, home_url=home_url,
                                 data_today=data_today, check_note=check_note, once=once,
                                 csrf_token=csrf_token)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["typed_rupees"] = typed_rupees
    app.context_processor(_template_gettext)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

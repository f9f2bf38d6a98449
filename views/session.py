"""Who is asking: the signed session cookie, her account, her language, her CSRF token."""
import copy
import datetime as dt
import functools
import time

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core import clock
from core import access_log, languages, sessions

from .db import get_db


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over TLS (directly
    or, behind a proxy, by X-Forwarded-Proto through ProxyFix), not only by config.

    A cookie once verified is remembered with what it holds and when it was signed:
    the same cookie comes back on every task, and checking its signature and decoding
    it again was a tenth of a task page's CPU. Its age is still checked each time, and
    who it names is looked up each time (the server-side session, load_user).
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


def load_user():
    """Her account, from the session row the cookie names: one indexed lookup joined to
    users, and no write but once a day (an ended session, copied or not, finds nothing)."""
    sid = session.get("sid")
    g.user = sessions.user_for(get_db(), sid) if sid else None
    access_log.attach(get_db(), sid if g.user else None, current_app.config["ACCESS_LOG"])
    if sid and g.user is None:
        session.pop("sid")  # ended (logout, new PIN, deactivated) or idle too long
    if g.user and sessions.idle_staff(
            g.user, dt.timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])):
        sessions.end(get_db(), sid)
        session.pop("sid")
        g.user = None
        session["ended"] = "idle"  # the login page says why
    if g.user:
        staff = g.user["role"] in sessions.STAFF
        sessions.touch(get_db(), sid, g.user["session_seen"],
                       every=sessions.STAFF_TOUCH_EVERY if staff else sessions.TOUCH_EVERY)
        # Renew the session cookie once a day, not on every task (see app.py).
        day = clock.india_day()
        if session.get("day") != day:
            session["day"] = day


def select_locale() -> str:
    """The user's saved language, then this browser's choice, then Accept-Language."""
    user = g.get("user")
    lang = (user["lang"] if user else session.get("lang")) or \
        request.accept_languages.best_match(languages.CODES) or languages.FALLBACK
    return languages.locale(lang)


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

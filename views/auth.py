"""Everyone: log in, log out, change PIN, choose a language, the menu page."""
import secrets
import time

from flask import Blueprint, current_app, g, redirect, render_template, request, session, \
    url_for
from flask_babel import force_locale, gettext as _, ngettext
from itsdangerous import BadSignature, URLSafeSerializer

from core import languages, lease, second_factor, sessions, users
from core.errors import Invalid

from .db import get_db
from .guards import anyone, before_consent, home_url, public
from .http import safe_next
from .formats import data_today
from .messages import message, said

bp = Blueprint("auth", __name__)

DEVICE_COOKIE = "velai_device"
DEVICE_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie
DEVICE_PEOPLE = 8  # a shared phone remembers this many people


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt="velai-device")


def _device() -> dict:
    """This browser's device cookie: {"d": its id, "u": people who logged in on it,
    "p": 1 when the last of them logs in with a name and password}."""
    try:
        device = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        device = None
    if not isinstance(device, dict) or not isinstance(device.get("d"), str) \
            or not isinstance(device.get("u"), list):
        return {"d": None, "u": [], "p": 0}
    return device


def _remember_device(response, device: dict, user: dict):
    people = [uid for uid in device["u"] if uid != user["id"]][-(DEVICE_PEOPLE - 1):]
    value = {"d": device["d"] or secrets.token_urlsafe(16), "u": people + [user["id"]],
             "p": int(not user["login"].isdigit())}
    # Path /login: the phone sends it only to log in, never with a task (bytes on 2G).
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(value), max_age=DEVICE_AGE,
                        path=url_for("auth.login"), httponly=True, samesite="Lax",
                        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]
                                    or request.is_secure))
    return response


CODE_WAIT = 300  # seconds between a right password and its authenticator code


def _start_session(user: dict):
    """A new session id for this browser (never the one it came with), the old ended."""
    db = get_db()
    old = session.get("sid")
    session.clear()
    session.permanent = True
    session["sid"] = sessions.start(db, user["id"], replaces=old,
                                    device=sessions.device_hint(request.user_agent.string))


def _refusal_status(refusal) -> int:
    return 429 if refusal.code in ("locked", "needs_unlock") else 401


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Anyone: the login form; a good login goes to the user's home.

    Phone mode (annotators) brings up the number keypad; ?with=name (or a device where
    a supervisor logged in last) gives plain text fields for a name and password.
    """
    if request.method == "GET" and g.user:
        return redirect(home_url(g.user))
    device = _device()
    typed = request.form.get("login", "")
    with_name = request.args.get("with") == "name" or (
        request.args.get("with") != "phone" and (
            bool(device.get("p")) if request.method == "GET"
            else not users.normalise_phone(typed).isdigit()))
    error, status = None, 200
    if request.method == "POST":
        user, refusal = users.authenticate(
            get_db(), typed, request.form.get("password", ""), request.remote_addr or "-",
            device=device["d"], device_users=device["u"])
        if user and second_factor.enrolled(user):
            # The password was right; the session starts only with her code too.
            session["code_for"] = [user["id"], int(time.time()), request.args.get("next")]
            return _remember_device(redirect(url_for(".login_code"), 303), device, user)
        if user:
            _start_session(user)
            response = redirect(safe_next(request.args.get("next"), home_url(user)), 303)
            return _remember_device(response, device, user)
        error, status = message(refusal), _refusal_status(refusal)
        if with_name and refusal.code == "bad_credentials":  # supervisors have no PIN
            error = ngettext("Wrong login or password. %(num)d try left.",
                             "Wrong login or password. %(num)d tries left.",
                             refusal.detail["tries_left"])
    if request.method == "GET" and session.pop("ended", None) == "idle":
        error = _("You were away too long, so you were logged out. Please log in again.")
    return render_template("auth/login.html", error=error, login_value=typed,
                           with_name=with_name), status


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code():
    """Staff with an authenticator: the code, after a right password, within CODE_WAIT."""
    pending = session.get("code_for")
    if not isinstance(pending, list) or len(pending) != 3 \
            or time.time() - pending[1] > CODE_WAIT:
        session.pop("code_for", None)
        return redirect(url_for(".login"), 303)
    user = users.get_user(get_db(), pending[0])
    if user is None or not user["active"] or not second_factor.enrolled(user):
        session.pop("code_for", None)
        return redirect(url_for(".login"), 303)
    error, status = None, 200
    if request.method == "POST":
        try:
            second_factor.check(get_db(), user, request.form.get("code", ""),
                                request.remote_addr or "-")
        except Invalid as refusal:
            error, status = message(refusal), _refusal_status(refusal)
        else:
            _start_session(user)
            return redirect(safe_next(pending[2], home_url(user)), 303)
    return render_template("auth/code.html", error=error), status


@bp.post("/logout")
@anyone
@before_consent
def logout():
    """Any user: end the session, on the server too (a copied cookie stops working)."""
    lang = g.user["lang"]
    # Her leases go back to the others now, not hours later; the phone names those it
    # still holds unsent answers for (static/app.js), and they stay hers.
    lease.give_back(get_db(), g.user["id"], keep=request.form.get("keep", ""))
    sessions.end(get_db(), session["sid"])
    session.clear()
    session["lang"] = lang  # the login page stays in her language
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/pin", methods=["GET", "POST"])
@anyone
@before_consent
def change_pin():
    """Any user: change her own PIN (supervisors: password): old once, new twice.
    Every other session of hers ends."""
    error, status = None, 200
    if request.method == "POST":
        try:
            users.change_secret(
                get_db(), g.user, request.form.get("old", ""), request.form.get("new", ""),
                request.form.get("repeat", ""), request.remote_addr or "-",
                session_id=session["sid"], hash_method=current_app.config["PASSWORD_HASH"])
        except Invalid as refusal:
            if refusal.code == "wrong_old_pin":
                error = ngettext("The old PIN is wrong. %(num)d try left.",
                                 "The old PIN is wrong. %(num)d tries left.",
                                 refusal.detail["tries_left"])
                status = 401
            else:
                error = message(refusal)
                status = _refusal_status(refusal) if refusal.code in (
                    "locked", "needs_unlock") else 400
        else:
            _start_session(g.user)
            said("pin_saved" if g.user["role"] == "annotator" else "password_saved")
            return redirect(url_for(".menu"), 303)
    return render_template("auth/pin.html", error=error, pin=g.user["role"] == "annotator"), \
        status


@bp.post("/lang")
@public
def set_lang():
    """Anyone: switch language; saved on the account when logged in."""
    lang = request.form.get("lang", "")
    if lang not in languages.CODES:
        raise Invalid("bad_lang")
    session["lang"] = lang
    if g.user:
        users.set_lang(get_db(), g.user["id"], lang)
        with force_locale(languages.locale(lang)):  # said in the language she chose
            said("lang_saved", language=languages.name(lang))
    return redirect(safe_next(request.form.get("next"),
                              home_url(g.user) if g.user else url_for("auth.login")), 303)


@bp.get("/menu")
@anyone
def menu():
    """Anyone logged in: her language, the data she used today, help, her PIN and log
    out; for supervisors every screen too (the phone's header has room for one link)."""
    return render_template("auth/menu.html", data_used=data_today() if
                           g.user["role"] == "annotator" else None)


@bp.get("/")
@public
def index():
    """Anyone: home when logged in, otherwise the login page."""
    return redirect(home_url(g.user) if g.user else url_for("auth.login"))

"""Everyone: log in, log out, choose a language."""
from flask import Blueprint, g, redirect, render_template, request, session, url_for

from core import users
from core.errors import Invalid

from .web import get_db, home_url, message, public, role_required, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Anyone: the login form; a good login goes to the user's home."""
    if request.method == "GET" and g.user:
        return redirect(home_url(g.user))
    error, status = None, 200
    if request.method == "POST":
        user, refusal = users.authenticate(
            get_db(), request.form.get("login", ""), request.form.get("password", ""),
            request.remote_addr or "-")
        if user:
            session.clear()
            session.permanent = True
            session["uid"] = user["id"]
            return redirect(safe_next(request.args.get("next"), home_url(user)), 303)
        error, status = message(refusal), (429 if refusal.code == "locked" else 401)
    return render_template("auth/login.html", error=error,
                           login_value=request.form.get("login", "")), status


@bp.post("/logout")
@role_required(*users.ROLES)
def logout():
    """Any user: end the session."""
    lang = g.user["lang"]
    session.clear()
    session["lang"] = lang  # the login page stays in her language
    return redirect(url_for("auth.login"), 303)


@bp.post("/lang")
@public
def set_lang():
    """Anyone: switch language; saved on the account when logged in."""
    lang = request.form.get("lang", "")
    if lang not in users.LANGS:
        raise Invalid("bad_lang")
    session["lang"] = lang
    if g.user:
        users.set_lang(get_db(), g.user["id"], lang)
    return redirect(safe_next(request.form.get("next"),
                              home_url(g.user) if g.user else url_for("auth.login")), 303)


@bp.get("/")
@public
def index():
    """Anyone: home when logged in, otherwise the login page."""
    return redirect(home_url(g.user) if g.user else url_for("auth.login"))

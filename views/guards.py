"""Who may open a route: every view is marked public or guarded by one of the role guards
below (a test walks the URL map and fails naming any route that is neither)."""
import functools

from flask import abort, g, make_response, redirect, request, url_for

from core import consent, users

from .http import cross_site
from .render import htmx


def public(view):
    """Mark a view as open to everyone (login, health); the meta-test checks the rest."""
    view.public = True
    return view


def _redirect(url: str):
    if htmx:
        response = make_response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def before_consent(view):
    """Open to her before she has agreed to the consent text: the text itself, her own
    data, logging out. Goes under the role guard."""
    view.before_consent = True
    return view


def role_required(*roles):
    """Let in only logged-in users with one of `roles`; others go to login or get 403."""
    def decorate(view):
        @functools.wraps(view)
        def guarded(**kwargs):
            if g.user is None:
                return _redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if g.user["role"] not in roles:
                abort(403)
            if consent.needed(g.user) and not getattr(view, "before_consent", False):
                # She reads what is kept about her and agrees before any work.
                return _redirect(url_for("account.consent_page"))
            return view(**kwargs)
        guarded.roles = roles
        return guarded
    return decorate


# The guards routes use: one per kind of person a screen is for.
annotator = role_required("annotator")
staff = role_required("supervisor", "admin")  # supervisors, and admins over every centre
admin = role_required("admin")
anyone = role_required(*users.ROLES)  # any logged-in user: her own account


def home_url(user) -> str:
    """Where her role starts: the annotator's projects, or the centre's overview."""
    return url_for("work.home" if user["role"] == "annotator" else "supervisor.overview")


def same_site_only(view):
    """For a GET that changes something (claiming tasks): from another site it does
    nothing and goes to her home, where one tap starts the work."""
    @functools.wraps(view)
    def guarded(**kwargs):
        if cross_site():
            return redirect(home_url(g.user) if g.user else url_for("auth.login"), 303)
        return view(**kwargs)
    guarded.changes_state = True  # views.http.safe_next never leads to it
    return guarded

"""Step-up for money: approving a payout, marking a payment paid or failed, importing
the bank's result file and confirming payment details ask for the password again when
it was last typed in this session more than core.sessions.STEP_UP_AFTER ago.

The form posts back to the very action she tapped, carrying what she had typed, so a
right password both renews the session and does what she asked: one tap, with or
without JavaScript. A file she chose (the bank's result file) cannot travel in a form
the server writes, so the form asks her to choose it again.
"""
import functools
import hashlib

from flask import g, render_template, request, session
from flask_babel import ngettext

from core import second_factor, sessions, users
from core.errors import Invalid

from .db import get_db
from .messages import message

FIELD = "step_up_password"
CODE_FIELD = "step_up_code"  # her authenticator code, when her second factor is on


def _session_device() -> str:
    # Wrong tries count per session, as a known device's do at login (core.users).
    return "s:" + hashlib.sha256(session["sid"].encode()).hexdigest()[:16]


def fresh_login_required(view):
    """Run `view` only when her password is fresh in this session; otherwise show the
    password form (401), which carries the form she sent back to the same address.
    Goes under a role guard (views.guards), so g.user is set."""
    @functools.wraps(view)
    def guarded(**kwargs):
        if not sessions.needs_step_up(g.user):
            return view(**kwargs)
        error = None
        password = request.form.get(FIELD)
        enrolled = second_factor.enrolled(g.user)
        if password is not None:
            refusal = None
            if enrolled:  # the code first: a right password alone renews nothing
                try:
                    second_factor.check(get_db(), g.user, request.form.get(CODE_FIELD, ""),
                                        request.remote_addr or "-")
                except Invalid as wrong:
                    refusal = wrong
            refusal = refusal or users.step_up(get_db(), session["sid"], g.user, password,
                                               request.remote_addr or "-", _session_device())
            if refusal is None:
                return view(**kwargs)
            error = ngettext("Wrong password. %(num)d try left.",
                             "Wrong password. %(num)d tries left.",
                             refusal.detail["tries_left"]) \
                if refusal.code == "bad_credentials" else message(refusal)
        kept = [(name, value) for name, value in request.form.items(multi=True)
                if name not in (FIELD, CODE_FIELD, "csrf_token")]
        return render_template("auth/step_up.html", error=error, kept=kept, field=FIELD,
                               code_field=CODE_FIELD if enrolled else None,
                               files=list(request.files)), 401
    return guarded

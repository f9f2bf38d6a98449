"""Her account: the consent text and her "I agree", her own data (page, CSV, JSON), and
a staff member's authenticator code (second factor)."""
import csv
import io
import json

from flask import Blueprint, Response, current_app, g, redirect, render_template, request, session, \
    stream_with_context, url_for

from core import consent, own_data, second_factor
from core import db as coredb
from core.errors import Invalid, Refused

from .db import get_db
from .guards import anyone, before_consent, home_url, staff
from .messages import message

bp = Blueprint("account", __name__)


@bp.route("/account/consent", methods=["GET", "POST"])
@anyone
@before_consent
def consent_page():
    """Any user: what Velai keeps about her, why, how long, who sees it; "I agree"."""
    if request.method == "POST":
        if (g.user.get("consent_version") or 0) < consent.VERSION:  # staff may agree too
            consent.record(get_db(), g.user["id"], session.get("sid"))
        return redirect(home_url(g.user), 303)
    return render_template("auth/consent.html", retention=consent.retention(),
                           needed=consent.needed(g.user),
                           agreed=(g.user.get("consent_version") or 0) >= consent.VERSION)


@bp.get("/account/data")
@anyone
@before_consent
def my_data():
    """Any user: her own answers (the latest), pay and logins, and the downloads."""
    db = get_db()
    return render_template("auth/my_data.html", answers=own_data.recent_answers(db, g.user["id"]),
                           answer_count=own_data.answer_count(db, g.user["id"]),
                           pay=own_data.pay(db, g.user["id"]),
                           logins=own_data.logins(db, g.user["id"])[-20:][::-1],
                           consents=own_data.consents(db, g.user["id"]))


def _download(pieces, mimetype: str, name: str) -> Response:
    """Stream `pieces(db)` on a connection of its own: the request's is handed on when
    the view returns, and her data is still being read then (as the export does)."""
    path = current_app.config["VELAI_DB"]

    def body():
        db = coredb.connect(path)
        try:
            yield from pieces(db)
        finally:
            db.close()
    response = Response(stream_with_context(body()), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/data.csv")
@anyone
@before_consent
def my_data_csv():
    """Any user: all of her own data as one CSV, a section after another, streamed."""
    user_id = g.user["id"]

    def body(db):
        buffer = io.StringIO()
        out = csv.writer(buffer)
        for name, columns, found in own_data.sections(db, user_id):
            out.writerow(["section", *columns])
            for row in found:
                out.writerow([name, *(row[column] for column in columns)])
                if buffer.tell() > 16384:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()
    return _download(body, "text/csv", f"velai-my-data-{user_id}.csv")


@bp.get("/account/data.json")
@anyone
@before_consent
def my_data_json():
    """Any user: all of her own data as one JSON object of lists, streamed."""
    user_id = g.user["id"]

    def body(db):
        yield "{"
        for index, (name, _columns, found) in enumerate(own_data.sections(db, user_id)):
            yield ("," if index else "") + json.dumps(name) + ":["
            for n, row in enumerate(found):
                yield ("," if n else "") + json.dumps(row, ensure_ascii=False)
            yield "]"
        yield "}"
    return _download(body, "application/json", f"velai-my-data-{user_id}.json")


@bp.route("/account/second-factor", methods=["GET", "POST"], endpoint="second_factor")
@staff
def second_factor_page():
    """Staff: turn the authenticator code on (a key to type into the app, confirmed
    with one code) or off (with a code); the centre's rule that money needs it."""
    db, user, error, status = get_db(), g.user, None, 200
    shown = None
    if request.method == "POST":
        action = request.form.get("action")
        code, ip = request.form.get("code", ""), request.remote_addr or "-"
        try:
            if action == "begin":
                shown = second_factor.begin(db, user)
            elif action == "confirm":
                if not user.get("totp_secret") or second_factor.enrolled(user):
                    raise Invalid("no_pending_code")
                second_factor.confirm(db, user, code, ip)
                return redirect(url_for(".second_factor", done="on"), 303)
            elif action == "off":
                second_factor.turn_off(db, user, code, ip)
                return redirect(url_for(".second_factor", done="off"), 303)
            elif action in ("require", "allow"):
                if not second_factor.enrolled(user):
                    raise Refused("second_factor_needed")
                second_factor.set_required(db, user["centre_id"], action == "require",
                                           user["id"])
                return redirect(url_for(".second_factor"), 303)
        except Invalid as refusal:
            error, status = message(refusal), 429 if refusal.code == "locked" else 400
            if action == "confirm":
                shown = second_factor.pending(user)
    elif user.get("totp_secret") and not second_factor.enrolled(user):
        shown = second_factor.pending(user)
    return render_template(
        "auth/second_factor.html", error=error, shown=shown, done=request.args.get("done"),
        enrolled=second_factor.enrolled(user),
        required=second_factor.required_for_money(db, user["centre_id"])), status


"""HTTP around the views: request body limits, ids in URLs, where a request came from,
security headers, private pictures, and the data each annotator's phone receives."""
import io
import sqlite3
from urllib.parse import urlsplit

from flask import current_app, g, make_response, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from core import db as coredb
from core import traffic

from .db import get_db
from .render import htmx


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


class IdConverter(IntegerConverter):
    """<id:name>: a row id; one larger than SQLite's integers is a 404, not a 500."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=coredb.MAX_ID)


def id_arg(name: str) -> int | None:
    """A row id from the query string, or None when absent or not an id."""
    value = request.args.get(name, type=int)
    return value if coredb.is_id(value) else None


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


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: a login link must not send anyone elsewhere (nor carry a
    line break into the Location header); and only pages that are there to be seen: a
    GET that changes something (claiming a task) is never where a link may lead her
    through the login, whose own redirect would count as same-site."""
    if not (target and target.startswith("/") and not target.startswith("//")
            and not urlsplit(target).netloc and "\\" not in target and target.isprintable()):
        return fallback
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(
            urlsplit(target).path, method="GET")
    except HTTPException:  # no such page, not a GET, or a redirect: go home instead
        return fallback
    view = current_app.view_functions.get(endpoint)
    return fallback if getattr(view, "changes_state", False) else target


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


def security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if htmx:
        # A fragment is read by htmx, never shown as a document: a CSP or frame rule on it
        # does nothing, and would add 250 bytes to every task on 2G.
        return response
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        # blob: her own photo, read from the camera's file to be scaled on the phone, and
        # her own recording, played back before she sends it.
        "img-src 'self' data: blob:; media-src 'self' blob:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def count_traffic(response):
    """Add this response's bytes on the wire to her data for today.

    Registered before Flask-Compress, so it runs after it: it counts what is
    sent, compressed, headers included.
    """
    user = g.get("user")
    if user and user["role"] == "annotator":
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        body = 0 if response.is_streamed else response.calculate_content_length() or 0
        if g.get("count_request"):  # a file she sent (a recording): her data both ways
            body += request.content_length or 0
        try:
            traffic.add(get_db(), user["id"], body + headers + 17,  # 17: the status line
                        every=current_app.config["TRAFFIC_WRITE_SECONDS"])
        except sqlite3.OperationalError:
            pass  # a database that cannot write: the count waits for the next one
    return response

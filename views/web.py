"""What every request goes through: the session and its user, the database connection,
security headers, and errors turned into a page (or card) in her language."""
import sqlite3

from flask import current_app, request
from flask_wtf.csrf import CSRFError

from core.errors import Refused

from . import templating
from .db import close_db
from .http import BodyLimit, IdConverter, security_headers
from .messages import DB_FAULTS
from .render import htmx, refuse
from .session import SessionInterface, load_user


def _database_fault(error: sqlite3.OperationalError):
    """The database cannot write now: a clear page (or card) in her language, 503, and
    nothing half-written (the transaction rolled back). Other errors stay errors."""
    text = str(error).lower()
    code = next((code for words, code in DB_FAULTS if words in text), None)
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
    app.before_request(load_user)
    app.teardown_appcontext(close_db)
    app.after_request(security_headers)
    app.register_error_handler(Refused, refuse)
    app.register_error_handler(sqlite3.OperationalError, _database_fault)
    app.register_error_handler(CSRFError, _http_error("csrf", 400))
    app.register_error_handler(400, _http_error("bad_request", 400))
    app.register_error_handler(403, _http_error("forbidden", 403))
    app.register_error_handler(404, _http_error("not_found", 404))
    app.register_error_handler(405, _http_error("not_found", 405))
    app.register_error_handler(413, _http_error("bad_request", 413))
    templating.init_app(app)

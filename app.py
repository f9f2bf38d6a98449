"""Velai: the application factory. Configuration, extensions, blueprints, commands."""
import os
import sys

import click
from flask import Flask
from flask_babel import Babel
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

import commands
from core import languages
from views.secret import DEV_SECRET


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=DEV_SECRET,
        VELAI_DB=os.environ.get("VELAI_DB", os.path.join(app.instance_path, "velai.db")),
        BABEL_DEFAULT_LOCALE="en_IN",
        BABEL_DEFAULT_TIMEZONE="Asia/Kolkata",
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=14 * 24 * 3600,
        # A Set-Cookie on every task would cost 250 bytes each on 2G; views/session.py renews
        # the session once a day instead, so it still lasts 14 days from last use.
        SESSION_REFRESH_EACH_REQUEST=False,
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session: phones stay open
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=0,
        # Level 5: within 7% of level 11's size on a task card at 1/50th of the CPU.
        COMPRESS_BR_LEVEL=5,
        COMPRESS_MIMETYPES=["text/html", "application/json", "text/javascript",
                            "application/manifest+json"],
        PASSWORD_HASH="scrypt",
        MAX_CONTENT_LENGTH=1024 * 1024,  # a full offline batch is far smaller
        TRAFFIC_WRITE_SECONDS=1.0,  # data counts are written together, this often
        VELAI_DB_REUSE=True,  # a server thread keeps its connection (views/db.get_db)
        # A thread holding SQLite's write lock gets the GIL back sooner than Python's 5 ms
        # default: the other writers (both workers) wait on it.
        SWITCH_INTERVAL=0.0005,
        # Every view of a task's content or media is logged (core.access_log); off only to
        # measure what the log costs (FLASK_ACCESS_LOG=false, bench/loadtest.py).
        ACCESS_LOG=True,
        # A supervisor's or admin's session ends after this long unused (core.sessions).
        STAFF_IDLE_MINUTES=30,
        PROXY_COUNT=0,  # proxies in front (nginx: 1), so login throttling sees real addresses
        # Catalogs where core.languages finds the languages: one list for both.
        BABEL_TRANSLATION_DIRECTORIES=";".join(str(d) for d in languages.directories()),
    )
    app.config.from_prefixed_env()
    if test_config:
        # Tests read counts at once, and each request opens its own connection.
        app.config.update({"TRAFFIC_WRITE_SECONDS": 0, "VELAI_DB_REUSE": False,
                           **test_config})
    # Commands (init-db, seed-demo...) sign nothing; serving with a known secret would.
    serving = click.get_current_context(silent=True) is None
    if app.config["SECRET_KEY"] == DEV_SECRET and serving and not (app.debug or app.testing):
        raise RuntimeError("Set FLASK_SECRET_KEY: the development secret is not for real use.")
    os.makedirs(app.instance_path, exist_ok=True)
    sys.setswitchinterval(app.config["SWITCH_INTERVAL"])

    from views import (account, appeal, assets, auth, clients, gold, health, http, payouts,
                       people, projects_admin, pwa, quiz, quiz_admin, review, session, supervisor,
                       taskdata, web, work)

    Babel(app, locale_selector=session.select_locale, timezone_selector=lambda: "Asia/Kolkata")
    CSRFProtect(app)
    app.after_request(http.count_traffic)  # before Compress, so it runs after it
    Compress(app)
    web.init_app(app)
    assets.init_app(app)
    for module in (auth, work, supervisor, people, projects_admin, taskdata, health, pwa,
                   payouts, gold, quiz, quiz_admin, review, appeal, clients, account):
        app.register_blueprint(module.bp)
    commands.init_app(app)
    if app.config["PROXY_COUNT"]:
        proxies = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app

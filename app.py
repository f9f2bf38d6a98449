"""Velai: the application factory. Configuration, extensions, blueprints, commands."""
import os

import click
from flask import Flask
from flask_babel import Babel
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect

DEV_SECRET = "dev-only-secret"


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
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as the session: phones stay open
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=0,
        COMPRESS_BR_LEVEL=11,
        COMPRESS_MIMETYPES=["text/html", "application/json"],
        PASSWORD_HASH="scrypt",
    )
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    # Commands (init-db, seed-demo...) sign nothing; serving with a known secret would.
    serving = click.get_current_context(silent=True) is None
    if app.config["SECRET_KEY"] == DEV_SECRET and serving and not (app.debug or app.testing):
        raise RuntimeError("Set FLASK_SECRET_KEY: the development secret is not for real use.")
    os.makedirs(app.instance_path, exist_ok=True)

    from views import assets, auth, cli, health, pwa, supervisor, web, work

    Babel(app, locale_selector=web.select_locale, timezone_selector=lambda: "Asia/Kolkata")
    CSRFProtect(app)
    app.after_request(web.count_traffic)  # before Compress, so it runs after it
    Compress(app)
    web.init_app(app)
    assets.init_app(app)
    for module in (auth, work, supervisor, health, pwa):
        app.register_blueprint(module.bp)
    cli.init_app(app)
    return app

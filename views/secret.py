"""The app's secret: the development default that must never serve, and the key exports
make the annotators' pseudonyms with."""
import os

from flask import current_app

DEV_SECRET = "dev-only-secret"


def export_secret() -> bytes:
    """The key of the annotators' pseudonyms: the app's secret, or, for a command run
    without FLASK_SECRET_KEY, the one `make run` keeps in instance/, so that the command
    line and the web give everyone the same pseudonym."""
    secret = current_app.secret_key
    kept = os.path.join(current_app.instance_path, "secret_key")
    if secret == DEV_SECRET and os.path.exists(kept):
        with open(kept, encoding="utf-8") as f:
            secret = f.read().strip()
    return secret.encode() if isinstance(secret, str) else secret

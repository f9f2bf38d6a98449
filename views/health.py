"""Monitoring: is the app up and does its database answer."""
from flask import Blueprint

from core.db import one

from .db import get_db
from .guards import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    """Anyone (monitoring): 200 when the database answers a query."""
    try:
        one(get_db(), "SELECT count(*) AS n FROM _sqlite_migrations")
    except Exception:
        return {"status": "error"}, 503
    return {"status": "ok"}

"""Monitoring: is the app up and can its database take a write."""
from flask import Blueprint, current_app

from core import disk
from core.db import one

from .db import get_db
from .guards import public

bp = Blueprint("health", __name__)


@bp.record_once
def _repair_at_start(state):
    """A server started while the database was read-only left its -wal and -shm
    read-only: every answer would be refused until they were fixed by hand. Fix them, or
    say in the log what to do."""
    path = state.app.config["VELAI_DB"]
    problem = disk.repair_logs(path)
    if problem:
        state.app.logger.error("%s", disk.advice(problem, path))


@bp.get("/healthz")
@public
def healthz():
    """Anyone (nginx, monitoring): 200 when the database can take a write; else 503 and
    why (read_only, read_only_directory, read_only_log, disk_full, locked, unreachable)."""
    config = current_app.config
    try:
        db = get_db()
        one(db, "SELECT count(*) AS n FROM _sqlite_migrations")
        reason = disk.health(db, config["VELAI_DB"],
                             config.get("DISK_FULL_MB", disk.FULL_MB) * disk.MB)
    except Exception:
        reason = "unreachable"
    if reason:
        return {"status": "error", "reason": reason}, 503
    return {"status": "ok"}

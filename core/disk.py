"""Whether the database can take a write, checked cheaply (no write): its files' modes,
the free disk under it, and its write lock. /healthz, the lease gate and the
supervisors' home read it; startup repairs what it can (`repair_logs`).

Free space has three thresholds, in this order as the disk fills: supervisors are warned
(`warn_bytes`), then no new task is leased (`no_leases_bytes`): her running task and the
answers phones hold still go in, into the space left (an answer is a few hundred bytes,
the log is bounded by journal_size_limit and Litestream's truncate-page-n), long before
SQLite itself says "disk is full" and answers are refused.
"""
import os
import sqlite3

from .db import BUSY_TIMEOUT_MS

MB = 1024 * 1024
# Free-space thresholds in MB, as the disk fills (configurable: FLASK_DISK_WARN_MB ...).
WARN_MB = 1024
NO_LEASES_MB = 256
FULL_MB = 32  # /healthz says the database cannot take a write below this
LOCK_BOUND_MS = 2000  # a write lock held longer than this (by anyone) is "locked"


def free_bytes(path: str) -> int:
    """Free bytes on the file system that holds `path`, for an unprivileged user (the
    seam tests replace, rather than filling a disk)."""
    stat = os.statvfs(os.path.dirname(os.path.abspath(path)))
    return stat.f_bavail * stat.f_frsize


def _writable(path: str) -> bool:
    return os.access(path, os.W_OK)


def file_problem(path: str) -> str | None:
    """Why the database's files cannot be written, or None: "read_only" (the file),
    "read_only_directory" (SQLite makes its -wal and -shm there), "read_only_log" (a
    -wal or -shm left read-only, e.g. by a server started while the file was)."""
    if not os.path.exists(path):
        return None  # not made yet: the directory decides
    if not _writable(path):
        return "read_only"
    if not _writable(os.path.dirname(os.path.abspath(path))):
        return "read_only_directory"
    if any(os.path.exists(path + end) and not _writable(path + end) for end in ("-wal", "-shm")):
        return "read_only_log"
    return None


def repair_logs(path: str) -> str | None:
    """At start: a -wal or -shm file that is read-only while the database is not (left by
    a server started while the file was read-only; SQLite gives them the database's mode
    when it makes them) refuses every write until fixed. Give them the database's mode,
    as SQLite would have. Returns what is still wrong (file_problem), None when all is
    well; a file we do not own stays as it is, and the caller says what to do."""
    if os.path.exists(path) and _writable(path):
        mode = os.stat(path).st_mode & 0o666
        for end in ("-wal", "-shm"):
            log = path + end
            if os.path.exists(log) and not _writable(log):
                try:
                    os.chmod(log, mode)
                except OSError:
                    pass  # another user's file: reported below
    return file_problem(path)


def advice(problem: str, path: str) -> str:
    """What whoever runs the server should do about a file_problem (English: logs)."""
    where = os.path.dirname(os.path.abspath(path))
    return {
        "read_only": f"{path} is read-only: nothing can be saved. Make it writable by the"
                     f" user that runs Velai (chmod u+w, chown) and restart.",
        "read_only_directory": f"{where} is read-only: SQLite cannot make its -wal and -shm"
                               f" files there. Make it writable by the user that runs Velai.",
        "read_only_log": f"{path}-wal or -shm is read-only (left by a server started while"
                         f" the database was): every answer is refused. Stop Velai, make"
                         f" both writable by its user (chown, chmod u+w) and start it again.",
    }[problem]


def health(db, path: str, full_bytes: int) -> str | None:
    """Why the database cannot take a write now, or None. No write: the files' modes,
    free space (under `full_bytes` counts as full) and the write lock taken and let go
    (a lock held past LOCK_BOUND_MS by another writer is "locked")."""
    problem = file_problem(path)
    if problem:
        return problem
    if free_bytes(path) < full_bytes:
        return "disk_full"
    try:
        db.conn.execute(f"PRAGMA busy_timeout = {LOCK_BOUND_MS}")
        db.conn.execute("BEGIN IMMEDIATE")  # takes the lock, writes nothing
        db.conn.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        text = str(error).lower()
        return "locked" if "locked" in text or "busy" in text else "read_only"
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return None


def space(config) -> dict:
    """{"free_mb", "warn": whether to warn supervisors, "leases": whether new tasks may
    be leased, "no_leases_mb": the threshold} for the app's configuration (a mapping:
    VELAI_DB, and DISK_WARN_MB, DISK_NO_LEASES_MB when set). One statvfs: cheap enough
    for every task."""
    free = free_bytes(config["VELAI_DB"])
    no_leases = config.get("DISK_NO_LEASES_MB", NO_LEASES_MB)
    return {"free_mb": free // MB, "warn": free < config.get("DISK_WARN_MB", WARN_MB) * MB,
            "leases": free >= no_leases * MB, "no_leases_mb": no_leases}

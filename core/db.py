"""SQLite connection and the write-transaction helper (the clock: core.clock; the schema:
core.migrations)."""
import contextlib
import fcntl
import os
import sqlite3
import threading

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another writer before failing
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id cannot name a row
# The log (-wal) is cut back to this size whenever a checkpoint lets it start over. A
# checkpoint cannot reset it while a reader (Litestream copying it) is in it, so it grows
# under load, and SQLite keeps a grown log at its largest size for ever: 50 MB seen with
# replication on. Litestream's own checkpoints are bounded too (deploy/litestream.yml).
WAL_LIMIT_BYTES = 16 * 1024 * 1024


def is_id(value) -> bool:
    """Whether `value` can be a row id: a whole number SQLite holds (not a bool)."""
    return type(value) is int and 0 < value <= MAX_ID


def connect(path) -> Database:
    """Open one connection with the pragmas every connection needs.

    isolation_level=None: statements autocommit unless inside `write()`, so no
    implicit transaction ever holds a lock longer than we asked for.
    """
    _hold_open(str(path))
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # FULL: in WAL mode every commit syncs the log, so an answer acknowledged to her
    # survives a power cut (NORMAL may lose the last commits). See write(durable=False).
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
    register_functions(conn)
    database = Database(conn, execute_plugins=False)
    database.velai_path = os.path.abspath(str(path))
    return database


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the schema's triggers call (migration 0021): velai_answer_key(text),
    an answer as two answers are compared (core.tasktypes.normalise), NULL for NULL.
    A program writing answers through its own sqlite3 connection registers them too."""
    from core.tasktypes.base import normalise  # core.tasktypes reads core.db

    conn.create_function("velai_answer_key", 1,
                         lambda text: None if text is None else normalise(text),
                         deterministic=True)


_held = {}  # pid -> (path, connection): one idle connection per process


def _hold_open(path: str) -> None:
    """Keep one idle connection to `path` open in this process.

    When the last connection to a WAL database closes, SQLite checkpoints the whole log
    into the file and deletes it: with one connection per request that is most closes,
    0.8 ms each, for nothing. An idle reader held open makes no close the last; the log
    is still checkpointed as it grows (wal_autocheckpoint). One path per process: the
    tests open a new file each time.
    """
    pid = os.getpid()
    held = _held.get(pid)
    if held and held[0] == path:
        return
    if held:
        held[1].close()
    _held.clear()  # a forked child forgets its parent's
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)  # closed by whichever thread
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the log
    except sqlite3.Error:
        return  # not a database yet, or unreadable: the request's own connection will say
    _held[pid] = (path, conn)


class _WriterQueue:
    """Writers of one database file wait here, in line, before BEGIN IMMEDIATE.

    SQLite's busy handler polls a held write lock with sleeps of 1, 2, 5, 10 ... 100 ms;
    under load the waiting, not the work (a write takes a fraction of a millisecond),
    made the slow answers. Threads of a process queue on a lock that wakes the next one
    at once (past the busy timeout a thread goes on to SQLite, which then says "locked");
    processes on a file lock (flock), which the kernel hands to the next waiter at once
    and frees if its holder dies. Polling it instead cost a tenth of a worker's GIL time.
    A writer so waits for Velai's other writers as long as they take (each is one
    transaction; a big import is the longest); other programs holding the database
    (sqlite3, a backup) meet SQLite's busy timeout. Only a queue: SQLite's own lock still
    guards the data.
    """

    def __init__(self, path: str):
        self.thread_lock = threading.RLock()
        self.fd = os.open(path + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
        self.depth = threading.local()

    @contextlib.contextmanager
    def turn(self):
        if not self.thread_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            yield  # waited as long as SQLite would: let SQLite say it is locked
            return
        flocked = False
        self.depth.n = getattr(self.depth, "n", 0) + 1
        try:
            if self.depth.n == 1:
                fcntl.flock(self.fd, fcntl.LOCK_EX)  # waits without the GIL
                flocked = True
            yield
        finally:
            self.depth.n -= 1
            if flocked:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.thread_lock.release()


_queues: dict = {}
_queues_lock = threading.Lock()


def _writer_queue(db: Database):
    path = getattr(db, "velai_path", None)
    if path is None or path == os.path.abspath(":memory:"):
        return contextlib.nullcontext()
    key = (os.getpid(), path)  # a forked child opens its own file lock
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None:
            try:
                queue = _queues[key] = _WriterQueue(path)
            except OSError:  # a read-only directory: no queue, SQLite's lock alone
                return contextlib.nullcontext()
    return queue.turn()


class _LogSync:
    """Durable commits of one database file in this process, synced together.

    A commit is made without SQLite's own sync (synchronous = NORMAL), the write lock is
    let go, and only then is the log (the -wal file) synced, before anyone is told it is
    saved: the next writer works while the disk syncs, and one sync covers every commit
    made before it started, from any thread or process (the kernel syncs the file, not a
    process's writes). Commits end in the log in order, so a commit synced is a commit
    kept through a power cut, with all before it, as under synchronous = FULL. A log that
    is gone was checkpointed into the database file, which SQLite synced before (WAL
    mode syncs the log before a checkpoint and the file after it).
    """

    def __init__(self, path: str):
        self.path = path + "-wal"
        self.count_lock = threading.Lock()  # held for a count, never across a sync
        self.sync_lock = threading.Lock()
        self.committed = 0  # commits made in this process so far
        self.synced = 0  # of these, how many a finished sync covers

    def commit_made(self) -> int:
        with self.count_lock:
            self.committed += 1
            return self.committed

    def sync(self, ticket: int) -> None:
        with self.sync_lock:  # one sync at a time; those who waited may find theirs done
            if self.synced >= ticket:
                return
            with self.count_lock:
                covers = self.committed
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                fd = None
            if fd is not None:
                try:
                    os.fsync(fd)  # without the GIL
                except OSError as error:
                    raise sqlite3.OperationalError(f"disk I/O error: {error}") from error
                finally:
                    os.close(fd)
            self.synced = covers


_syncs: dict = {}


def _log_sync(db: Database) -> _LogSync | None:
    """This process's syncer for a database in WAL mode (None for any other: its
    commits keep SQLite's own sync)."""
    sync = getattr(db, "velai_log_sync", False)
    if sync is False:
        path = getattr(db, "velai_path", None)
        wal = path is not None and one(db, "PRAGMA journal_mode")["journal_mode"] == "wal"
        key = (os.getpid(), path)
        with _queues_lock:
            sync = _syncs.setdefault(key, _LogSync(path)) if wal else None
        db.velai_log_sync = sync
    return sync


@contextlib.contextmanager
def write(db: Database, durable: bool = True):
    """A transaction that takes the write lock before its first read.

    A deferred transaction that reads then writes fails with "database is
    locked" when another worker wrote in between; BEGIN IMMEDIATE queues instead.

    A durable commit is on disk when this returns (see _LogSync: the sync comes after
    the lock is let go). durable=False is for writes nobody was promised (a lease, a byte
    count): no sync of its own. In WAL mode that can lose only such commits made after
    the last synced one on a power cut, never an earlier one, and never corrupts the
    file; every durable commit syncs the log up to itself, relaxed commits before it
    included.
    """
    log = _log_sync(db)
    ticket = None
    with _writer_queue(db):
        try:
            if log:
                db.conn.execute("PRAGMA synchronous = NORMAL")
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                if db.conn.in_transaction:  # a failed COMMIT (disk full) leaves it open
                    db.conn.execute("ROLLBACK")
                raise
            if log and durable:
                ticket = log.commit_made()
        finally:
            if log:
                db.conn.execute("PRAGMA synchronous = FULL")
    if ticket:
        log.sync(ticket)


def backup(db: Database, target: str) -> None:
    """A consistent copy while the app runs, by SQLite's online backup API."""
    dest = sqlite3.connect(target)
    with dest:
        db.conn.backup(dest)
    dest.close()


def one(db: Database, sql: str, params=()) -> dict | None:
    """The first row as a dict, or None. Straight on the connection (sqlite-utils' query()
    costs 10 µs more per call, a dozen times a task), and the cursor closed at once, so
    that no half-read statement keeps a read snapshot open on a kept connection."""
    cursor = db.conn.execute(sql, params)
    try:
        row = cursor.fetchone()
        if row is None:
            return None
        keys = [column[0] for column in cursor.description]
        if len(set(keys)) != len(keys):  # a repeated name: sqlite-utils' renaming rules
            return next(db.query(sql, params), None)
        return dict(zip(keys, row))
    finally:
        cursor.close()


def rows(db: Database, sql: str, params=()) -> list[dict]:
    """Every row as a dict, straight on the connection like `one`: sqlite-utils' query()
    wraps each in a SAVEPOINT and its RELEASE, two more statements (outside a
    transaction, a read transaction of its own), twice a task on the hot path."""
    cursor = db.conn.execute(sql, params)
    try:
        keys = [column[0] for column in cursor.description]
        if len(set(keys)) != len(keys):  # a repeated name: sqlite-utils' renaming rules
            return list(db.query(sql, params))
        return [dict(zip(keys, row)) for row in cursor.fetchall()]
    finally:
        cursor.close()

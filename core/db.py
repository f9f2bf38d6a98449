"""SQLite connection, named schema migrations and the write-transaction helper."""
import contextlib
import datetime as dt
import fcntl
import os
import sqlite3
import threading

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("velai")
BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another writer before failing
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger id cannot name a row


def is_id(value) -> bool:
    """Whether `value` can be a row id: a whole number SQLite holds (not a bool)."""
    return type(value) is int and 0 < value <= MAX_ID
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


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
    database = Database(conn, execute_plugins=False)
    database.velai_path = os.path.abspath(str(path))
    return database


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


def migrate(db: Database) -> None:
    """Apply pending migrations; WAL lets readers run beside the one writer.

    Foreign keys are off while migrations run, so that a migration may rebuild a table
    (SQLite's way to change a CHECK); every reference is checked before they go back on.
    """
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        migrations.apply(db)
        broken = list(db.query("PRAGMA foreign_key_check"))
        if broken:
            raise RuntimeError(f"migration left broken references: {broken[:5]}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


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


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def stamp(moment: dt.datetime) -> str:
    """UTC text in SQLite's own format, so date() and comparisons work in SQL."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def parse_stamp(text: str) -> dt.datetime:
    """A stamp() back as an aware UTC datetime. fromisoformat is 20 times quicker than
    strptime (four stamps a task); anything but exactly stamp()'s shape goes to strptime,
    which accepts and refuses as before."""
    if len(text) == 19 and text[10] == " " and text[13] == ":" and text[16] == ":":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None and not moment.microsecond:
            return moment.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)


def india_day(now: dt.datetime | None = None) -> str:
    """Today's date in India, where every centre is, as YYYY-MM-DD."""
    return (now or utcnow()).astimezone(IST).date().isoformat()


def ist_day_start(moment: dt.datetime) -> dt.datetime:
    """Midnight in India (where every centre is) of the day `moment` falls on."""
    local = moment.astimezone(IST)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


SCHEMA_1 = """
CREATE TABLE centres (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('annotator', 'supervisor', 'admin')),
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en' CHECK (lang IN ('en', 'ta', 'hi')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts(login, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    slug TEXT NOT NULL UNIQUE,
    task_type TEXT NOT NULL CHECK (task_type IN ('single_choice', 'yes_no', 'free_text')),
    name_en TEXT NOT NULL, name_ta TEXT NOT NULL DEFAULT '', name_hi TEXT NOT NULL DEFAULT '',
    instructions_en TEXT NOT NULL DEFAULT '',
    instructions_ta TEXT NOT NULL DEFAULT '',
    instructions_hi TEXT NOT NULL DEFAULT '',
    redundancy INTEGER NOT NULL DEFAULT 3 CHECK (redundancy >= 1),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    lease_seconds INTEGER NOT NULL DEFAULT 900 CHECK (lease_seconds > 0),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE labels (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    value TEXT NOT NULL,
    text_en TEXT NOT NULL, text_ta TEXT NOT NULL DEFAULT '', text_hi TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    UNIQUE (project_id, value)
);
CREATE TABLE qualifications (
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    status TEXT NOT NULL CHECK (status IN ('trainee', 'qualified', 'paused')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, project_id)
);
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    payload_text TEXT,
    media_id INTEGER REFERENCES media(id),
    gold_answer TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'held')),
    answers_count INTEGER NOT NULL DEFAULT 0,
    reports_count INTEGER NOT NULL DEFAULT 0,
    aggregate TEXT,
    created_at TEXT NOT NULL,
    CHECK (payload_text IS NOT NULL OR media_id IS NOT NULL)
);
CREATE INDEX tasks_open ON tasks(project_id, status, id);
CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount_paise INTEGER NOT NULL CHECK (amount_paise >= 0),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'paid')),
    created_at TEXT NOT NULL,
    approved_at TEXT,
    approved_by INTEGER REFERENCES users(id)
);
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    state TEXT NOT NULL DEFAULT 'active'
        CHECK (state IN ('active', 'submitted', 'skipped', 'reported')),
    claimed_at TEXT NOT NULL,
    lease_expires_at TEXT NOT NULL,
    answer TEXT,
    reason TEXT,
    submitted_at TEXT,
    seconds_spent INTEGER,
    review_state TEXT CHECK (review_state IN ('pending', 'accepted', 'rejected')),
    pay_paise INTEGER NOT NULL DEFAULT 0,
    payout_id INTEGER REFERENCES payouts(id),
    UNIQUE (task_id, user_id)
);
CREATE INDEX assignments_user ON assignments(user_id, state, submitted_at);
CREATE INDEX assignments_task ON assignments(task_id, state, lease_expires_at);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
"""


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    # executescript() would COMMIT the migration's transaction; run one by one.
    for statement in SCHEMA_1.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0002_traffic")
def _traffic(db: Database) -> None:
    # Bytes sent to each user per day in India: shown to her as her data cost.
    db.execute("""
        CREATE TABLE traffic (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,
            bytes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, day)
        )""")


# Settings the later capabilities share, laid down together so that each fits the next:
# project status and check-task share (supervisors, #7), quiz and gold rules (#6),
# aggregation and review windows (#8), the centre's minimum wage (#9); the client's own
# task id (#7 import) and a task's aggregate confidence (#8). Tasks are rebuilt to allow
# the status 'removed' (a supervisor takes a broken task out; its answers stay).
@migrations(name="0003_shared_settings")
def _shared_settings(db: Database) -> None:
    for column in (
        "status TEXT NOT NULL DEFAULT 'live'"
        " CHECK (status IN ('draft', 'live', 'paused', 'closed'))",
        "gold_share REAL NOT NULL DEFAULT 0.1 CHECK (gold_share >= 0 AND gold_share <= 1)",
        "min_gold_accuracy REAL NOT NULL DEFAULT 0.7"
        " CHECK (min_gold_accuracy >= 0 AND min_gold_accuracy <= 1)",
        "gold_min_answers INTEGER NOT NULL DEFAULT 10 CHECK (gold_min_answers >= 1)",
        "max_answers INTEGER NOT NULL DEFAULT 5 CHECK (max_answers >= 1)",
        "agreement_threshold REAL NOT NULL DEFAULT 0.6"
        " CHECK (agreement_threshold > 0 AND agreement_threshold <= 1)",
        "min_seconds INTEGER NOT NULL DEFAULT 2 CHECK (min_seconds >= 0)",
        "review_window_days INTEGER NOT NULL DEFAULT 3 CHECK (review_window_days >= 1)",
        "appeal_window_days INTEGER NOT NULL DEFAULT 7 CHECK (appeal_window_days >= 1)",
    ):
        db.execute(f"ALTER TABLE projects ADD COLUMN {column}")
    db.execute("UPDATE projects SET status = CASE WHEN active = 1 THEN 'live' ELSE 'closed' END")
    # Paise per hour; 0: no minimum set for this centre.
    db.execute("ALTER TABLE centres ADD COLUMN min_wage_paise_per_hour INTEGER NOT NULL"
               " DEFAULT 0 CHECK (min_wage_paise_per_hour >= 0)")
    db.execute("""
        CREATE TABLE tasks_new (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            client_id TEXT,
            payload_text TEXT,
            media_id INTEGER REFERENCES media(id),
            gold_answer TEXT,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'done', 'held', 'removed')),
            answers_count INTEGER NOT NULL DEFAULT 0,
            reports_count INTEGER NOT NULL DEFAULT 0,
            aggregate TEXT,
            confidence REAL,
            created_at TEXT NOT NULL,
            CHECK (payload_text IS NOT NULL OR media_id IS NOT NULL)
        )""")
    db.execute("INSERT INTO tasks_new (id, project_id, payload_text, media_id, gold_answer,"
               " status, answers_count, reports_count, aggregate, created_at)"
               " SELECT id, project_id, payload_text, media_id, gold_answer, status,"
               " answers_count, reports_count, aggregate, created_at FROM tasks")
    db.execute("DROP TABLE tasks")
    db.execute("ALTER TABLE tasks_new RENAME TO tasks")
    db.execute("CREATE INDEX tasks_open ON tasks(project_id, status, id)")
    db.execute("CREATE UNIQUE INDEX tasks_client_id ON tasks(project_id, client_id)"
               " WHERE client_id IS NOT NULL")
    # Who changed a qualification and why (a gold pause, a supervisor's reinstatement).
    db.execute("ALTER TABLE qualifications ADD COLUMN reason TEXT")
    db.execute("ALTER TABLE qualifications ADD COLUMN changed_by INTEGER REFERENCES users(id)")
    db.execute("CREATE INDEX audit_log_at ON audit_log(at)")


# Payouts (#9). The old `payouts` table of 0001 was never used (no code wrote it): it is
# replaced by payout runs, one line per annotator, one item per answer paid. Its name is
# kept so that assignments.payout_id (unused, always NULL) still names a real table.
# The money rules live here, in the database, so that no route and no later code can
# break them; core/payouts.py only ever writes what these rules allow.
SCHEMA_9 = """
DROP TABLE payouts;
CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'void')),
    total_paise INTEGER NOT NULL DEFAULT 0 CHECK (total_paise >= 0),
    drafted_by INTEGER NOT NULL REFERENCES users(id),
    drafted_at TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT,
    voided_by INTEGER REFERENCES users(id),
    voided_at TEXT,
    CHECK (period_start <= period_end),
    CHECK (approved_by IS NULL OR approved_by <> drafted_by),
    CHECK ((status = 'approved') = (approved_by IS NOT NULL AND approved_at IS NOT NULL))
);
CREATE INDEX payouts_centre ON payouts(centre_id, id);
CREATE TABLE payment_details (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('vpa', 'bank_account')),
    upi_id TEXT,
    account_number TEXT,
    ifsc TEXT,
    entered_by INTEGER NOT NULL REFERENCES users(id),
    entered_at TEXT NOT NULL,
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    CHECK ((kind = 'vpa') = (upi_id IS NOT NULL AND account_number IS NULL AND ifsc IS NULL)),
    CHECK ((kind = 'bank_account') = (account_number IS NOT NULL AND ifsc IS NOT NULL
                                      AND upi_id IS NULL)),
    CHECK (confirmed_by IS NULL OR confirmed_by <> user_id)
);
CREATE INDEX payment_details_user ON payment_details(user_id, id);
CREATE TABLE payout_lines (
    id INTEGER PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES payouts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    payment_detail_id INTEGER NOT NULL REFERENCES payment_details(id),
    answers INTEGER NOT NULL CHECK (answers > 0),
    items_paise INTEGER NOT NULL CHECK (items_paise >= 0),
    bonus_paise INTEGER NOT NULL DEFAULT 0 CHECK (bonus_paise >= 0),
    bonus_reason TEXT NOT NULL DEFAULT '',
    amount_paise INTEGER NOT NULL,
    UNIQUE (payout_id, user_id),
    CHECK (amount_paise = items_paise + bonus_paise),
    CHECK (bonus_paise = 0 OR length(bonus_reason) > 0)
);
CREATE INDEX payout_lines_user ON payout_lines(user_id, id);
CREATE TABLE payout_items (
    id INTEGER PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES payouts(id),
    line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1))
);
CREATE UNIQUE INDEX payout_items_one_live ON payout_items(assignment_id) WHERE live = 1;
CREATE INDEX payout_items_line ON payout_items(line_id);
CREATE TABLE payout_results (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL UNIQUE REFERENCES payout_lines(id),
    status TEXT NOT NULL CHECK (status IN ('paid', 'failed')),
    utr TEXT NOT NULL DEFAULT '',
    failure_reason TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL,
    CHECK (status <> 'paid' OR length(utr) > 0),
    CHECK (status <> 'failed' OR length(failure_reason) > 0)
);
CREATE TRIGGER payouts_final BEFORE UPDATE ON payouts WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'payout is final: approved or void'); END;
CREATE TRIGGER payouts_keep BEFORE DELETE ON payouts
BEGIN SELECT RAISE(ABORT, 'payouts are never deleted'); END;
CREATE TRIGGER payouts_exact_on_approval BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND (
    NEW.total_paise <> (SELECT coalesce(sum(amount_paise), 0) FROM payout_lines
                        WHERE payout_id = NEW.id)
    OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = NEW.id AND l.items_paise <>
               (SELECT coalesce(sum(pay_paise), 0) FROM payout_items i WHERE i.line_id = l.id))
    OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = NEW.id AND l.answers <>
               (SELECT count(*) FROM payout_items i WHERE i.line_id = l.id)))
BEGIN SELECT RAISE(ABORT, 'payout totals do not add up'); END;
CREATE TRIGGER payouts_void_frees_answers AFTER UPDATE OF status ON payouts
WHEN NEW.status = 'void'
BEGIN UPDATE payout_items SET live = 0 WHERE payout_id = NEW.id AND live = 1; END;
CREATE TRIGGER payout_lines_draft_only_insert BEFORE INSERT ON payout_lines
WHEN (SELECT status FROM payouts WHERE id = NEW.payout_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'lines are added to drafts only'); END;
CREATE TRIGGER payout_lines_final BEFORE UPDATE ON payout_lines
WHEN (SELECT status FROM payouts WHERE id = OLD.payout_id) <> 'draft'
    OR NEW.payout_id <> OLD.payout_id OR NEW.user_id <> OLD.user_id
BEGIN SELECT RAISE(ABORT, 'payout line is final'); END;
CREATE TRIGGER payout_lines_keep BEFORE DELETE ON payout_lines
BEGIN SELECT RAISE(ABORT, 'payout lines are never deleted'); END;
CREATE TRIGGER payout_items_only_accepted BEFORE INSERT ON payout_items
WHEN (SELECT status FROM payouts WHERE id = NEW.payout_id) IS NOT 'draft'
    OR (SELECT payout_id FROM payout_lines WHERE id = NEW.line_id) IS NOT NEW.payout_id
    OR NOT EXISTS (SELECT 1 FROM assignments a JOIN payout_lines l ON l.id = NEW.line_id
                   WHERE a.id = NEW.assignment_id AND a.user_id = l.user_id
                   AND a.state = 'submitted' AND a.review_state = 'accepted'
                   AND a.pay_paise = NEW.pay_paise)
BEGIN SELECT RAISE(ABORT, 'only her accepted answers, at their pay, go into a draft'); END;
CREATE TRIGGER payout_items_final BEFORE UPDATE ON payout_items
WHEN NOT (OLD.live = 1 AND NEW.live = 0 AND NEW.id = OLD.id
          AND NEW.payout_id = OLD.payout_id AND NEW.line_id = OLD.line_id
          AND NEW.assignment_id = OLD.assignment_id AND NEW.pay_paise = OLD.pay_paise
          AND ((SELECT status FROM payouts WHERE id = OLD.payout_id) = 'void'
               OR EXISTS (SELECT 1 FROM payout_results r WHERE r.line_id = OLD.line_id
                          AND r.status = 'failed')))
BEGIN SELECT RAISE(ABORT, 'payout item is final'); END;
CREATE TRIGGER payout_items_keep BEFORE DELETE ON payout_items
BEGIN SELECT RAISE(ABORT, 'payout items are never deleted'); END;
CREATE TRIGGER payout_results_approved_only BEFORE INSERT ON payout_results
WHEN (SELECT p.status FROM payouts p JOIN payout_lines l ON l.payout_id = p.id
      WHERE l.id = NEW.line_id) IS NOT 'approved'
BEGIN SELECT RAISE(ABORT, 'only approved payouts are paid'); END;
CREATE TRIGGER payout_results_failed_frees_answers AFTER INSERT ON payout_results
WHEN NEW.status = 'failed'
BEGIN UPDATE payout_items SET live = 0 WHERE line_id = NEW.line_id AND live = 1; END;
CREATE TRIGGER payout_results_final BEFORE UPDATE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payment result is final'); END;
CREATE TRIGGER payout_results_keep BEFORE DELETE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payment results are never deleted'); END;
CREATE TRIGGER payment_details_keep BEFORE DELETE ON payment_details
BEGIN SELECT RAISE(ABORT, 'payment details are kept: a change adds a row'); END;
CREATE TRIGGER payment_details_confirm_only BEFORE UPDATE ON payment_details
WHEN OLD.confirmed_by IS NOT NULL OR NEW.confirmed_by IS NULL
    OR NEW.kind IS NOT OLD.kind OR NEW.upi_id IS NOT OLD.upi_id
    OR NEW.account_number IS NOT OLD.account_number OR NEW.ifsc IS NOT OLD.ifsc
    OR NEW.user_id <> OLD.user_id OR NEW.entered_by <> OLD.entered_by
    OR NEW.entered_at <> OLD.entered_at
BEGIN SELECT RAISE(ABORT, 'payment details change only by a new row'); END;
CREATE TRIGGER assignments_paid_answer_stands
BEFORE UPDATE OF review_state, pay_paise, user_id ON assignments
WHEN OLD.review_state = 'accepted' AND (NEW.review_state IS NOT OLD.review_state
    OR NEW.pay_paise <> OLD.pay_paise OR NEW.user_id <> OLD.user_id)
    AND EXISTS (SELECT 1 FROM payout_items WHERE assignment_id = OLD.id AND live = 1)
BEGIN SELECT RAISE(ABORT, 'an answer in a payout keeps its review and pay'); END;
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at)
"""


@migrations(name="0009_payouts")
def _payouts(db: Database) -> None:
    # Triggers hold semicolons: split on the statement ends we wrote, not inside BEGIN..END.
    for statement in _statements(SCHEMA_9):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """The statements of `script`, one each; a trigger's body stays whole."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current).strip()
        if text.endswith(";") and sqlite3.complete_statement(text):
            out.append(text)
            current = []
    if "\n".join(current).strip():
        out.append("\n".join(current))
    return out
# The supervisor's home counts each project's live leases and today's answers: without
# this index each count reads every assignment of every project (#7).
@migrations(name="0006_centre_assignments_by_project")
def _centre_assignments_by_project(db: Database) -> None:
    db.execute("CREATE INDEX assignments_project ON assignments(project_id, state,"
               " submitted_at)")
# Check-task (gold) accuracy per annotator per project (#6): kept up to date inside the
# answer's own transaction (one upsert, check tasks only), so judging her never scans her
# history. `answered`/`right_count` since she began; `judged_*` since she was last
# reinstated, so a reinstatement gives her a fresh start; `gold_slot`: the ordinary task a
# check task was last put in front of (core.gold.spread). users.welcomed_at: the first-day
# welcome was shown. users.offline_key: the AES key her phone keeps unsent answers under
# (#10), given only in her own pages; new users get one from a trigger.
@migrations(name="0005_gold")
def _gold(db: Database) -> None:
    db.execute("""
        CREATE TABLE gold_stats (
            user_id INTEGER NOT NULL REFERENCES users(id),
            project_id INTEGER NOT NULL REFERENCES projects(id),
            answered INTEGER NOT NULL DEFAULT 0 CHECK (answered >= 0),
            right_count INTEGER NOT NULL DEFAULT 0 CHECK (right_count BETWEEN 0 AND answered),
            judged_answered INTEGER NOT NULL DEFAULT 0 CHECK (judged_answered >= 0),
            judged_right INTEGER NOT NULL DEFAULT 0
                CHECK (judged_right BETWEEN 0 AND judged_answered),
            gold_slot INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, project_id)
        )""")
    db.execute("CREATE INDEX gold_stats_project ON gold_stats(project_id)")
    # Check tasks are few: the spread claim finds the next one without walking the rest.
    db.execute("CREATE INDEX tasks_gold ON tasks(project_id, status, id)"
               " WHERE gold_answer IS NOT NULL")
    db.execute("ALTER TABLE users ADD COLUMN welcomed_at TEXT")
    db.execute("ALTER TABLE users ADD COLUMN offline_key TEXT")
    db.execute("UPDATE users SET offline_key = lower(hex(randomblob(32)))")
    db.execute("""
        CREATE TRIGGER users_offline_key AFTER INSERT ON users WHEN NEW.offline_key IS NULL
        BEGIN
            UPDATE users SET offline_key = lower(hex(randomblob(32))) WHERE id = NEW.id;
        END""")
# Import (#7): the picture's path as the client's file gave it, handed back in the export.
@migrations(name="0007_data_tasks")
def _data_tasks(db: Database) -> None:
    db.execute("ALTER TABLE tasks ADD COLUMN image_ref TEXT")
# Sessions on the server (logout, a PIN change, a deactivation end them); login attempts
# remember the device they came from (a known device is not locked by strangers); a login
# guessed at too often from unknown devices waits for a supervisor's unlock (#10).
@migrations(name="0010_security")
def _security(db: Database) -> None:
    db.execute("""
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            ended_at TEXT
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX sessions_user ON sessions(user_id) WHERE ended_at IS NULL")
    db.execute("ALTER TABLE login_attempts ADD COLUMN device TEXT")
    db.execute("ALTER TABLE login_attempts ADD COLUMN known INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE users ADD COLUMN guess_locked_at TEXT")
    db.execute("ALTER TABLE users ADD COLUMN guess_unlocked_at TEXT")
# Onboarding quizzes (#6): a quiz's settings per project, its question bank, and each
# attempt with the questions it drew. A project with an active quiz is closed to an
# annotator with no qualification row until she passes (see core.projects.WORKER_PROJECTS).
@migrations(name="0004_quiz")
def _quiz(db: Database) -> None:
    db.execute("""
        CREATE TABLE quizzes (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id),
            active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
            questions_per_attempt INTEGER NOT NULL DEFAULT 10
                CHECK (questions_per_attempt BETWEEN 1 AND 100),
            pass_percent INTEGER NOT NULL DEFAULT 80 CHECK (pass_percent BETWEEN 1 AND 100),
            cooldown_hours INTEGER NOT NULL DEFAULT 24 CHECK (cooldown_hours BETWEEN 0 AND 720),
            max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
            attempt_minutes INTEGER NOT NULL DEFAULT 60 CHECK (attempt_minutes BETWEEN 5 AND 1440),
            updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE quiz_questions (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            prompt_en TEXT NOT NULL, prompt_ta TEXT NOT NULL DEFAULT '',
            prompt_hi TEXT NOT NULL DEFAULT '',
            media_id INTEGER REFERENCES media(id),
            answers TEXT NOT NULL CHECK (json_valid(answers) AND json_array_length(answers) >= 1),
            explanation_en TEXT NOT NULL, explanation_ta TEXT NOT NULL,
            explanation_hi TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX quiz_questions_project ON quiz_questions(project_id, id)")
    # counted = 0: a supervisor reset it; it no longer counts towards the limit or cooldown.
    db.execute("""
        CREATE TABLE quiz_attempts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            project_id INTEGER NOT NULL REFERENCES projects(id),
            started_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            finished_at TEXT,
            total INTEGER NOT NULL CHECK (total >= 1),
            correct INTEGER,
            passed INTEGER CHECK (passed IN (0, 1)),
            pass_percent INTEGER NOT NULL,
            counted INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1))
        )""")
    db.execute("CREATE INDEX quiz_attempts_user ON quiz_attempts(user_id, project_id, id)")
    # At most one unfinished attempt per person and project: no second draw beside it.
    db.execute("CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts(user_id, project_id)"
               " WHERE finished_at IS NULL")
    db.execute("""
        CREATE TABLE quiz_attempt_questions (
            attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id),
            position INTEGER NOT NULL CHECK (position >= 1),
            question_id INTEGER NOT NULL REFERENCES quiz_questions(id),
            answer TEXT,
            correct INTEGER CHECK (correct IN (0, 1)),
            answered_at TEXT,
            PRIMARY KEY (attempt_id, position)
        )""")
    # An answer, once given, stands: no second try at the same question of an attempt.
    db.execute("""
        CREATE TRIGGER quiz_answer_stands BEFORE UPDATE OF answer, correct
        ON quiz_attempt_questions WHEN OLD.answer IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'quiz answer already given'); END""")
# Quality (#8): dynamic overlap, review decisions, appeals.
# tasks.wanted: answers this task asks for now (NULL: the project's redundancy); a tie or
# weak agreement raises it by one, up to the project's max_answers.
# assignments.reviewed_by/at, reject_reason (a code of core.review.REJECT_REASONS) and
# review_note (the supervisor's own words, shown to her as written). review_state stays
# the one truth payouts read: pending, accepted or rejected.
@migrations(name="0008_quality")
def _quality(db: Database) -> None:
    db.execute("ALTER TABLE tasks ADD COLUMN wanted INTEGER CHECK (wanted IS NULL OR wanted >= 1)")
    for column in ("reviewed_by INTEGER REFERENCES users(id)", "reviewed_at TEXT",
                   "reject_reason TEXT", "review_note TEXT"):
        db.execute(f"ALTER TABLE assignments ADD COLUMN {column}")
    # The review queue and auto-accept read pending answers per project, oldest first.
    db.execute("CREATE INDEX assignments_pending ON assignments(project_id, submitted_at)"
               " WHERE review_state = 'pending'")
    # Dashboards read a project's answers by day through assignments_project (0006).
    db.execute("""
        CREATE TABLE appeals (
            id INTEGER PRIMARY KEY,
            assignment_id INTEGER NOT NULL UNIQUE REFERENCES assignments(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            rejected_by INTEGER REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'upheld', 'overturned')),
            decided_by INTEGER REFERENCES users(id),
            decided_at TEXT,
            decision_note TEXT
        )""")
    db.execute("CREATE INDEX appeals_open ON appeals(status, created_at)")
    db.execute("CREATE INDEX appeals_user ON appeals(user_id)")
    # A task never has more live leases plus answers than it wants.
    db.execute("""
        CREATE TRIGGER assignments_within_wanted BEFORE INSERT ON assignments
        WHEN (SELECT t.answers_count FROM tasks t WHERE t.id = NEW.task_id)
           + (SELECT count(*) FROM assignments a WHERE a.task_id = NEW.task_id
              AND a.state = 'active' AND a.lease_expires_at > NEW.claimed_at)
           >= (SELECT coalesce(t.wanted, p.redundancy) FROM tasks t
               JOIN projects p ON p.id = t.project_id WHERE t.id = NEW.task_id)
        BEGIN SELECT RAISE(ABORT, 'task_full: the task has all the answers and leases it wants');
        END""")
    # An appeal is decided once, and not by the supervisor who rejected the answer while
    # her centre has another active supervisor.
    db.execute("""
        CREATE TRIGGER appeals_decided_once BEFORE UPDATE ON appeals
        WHEN OLD.status != 'open'
        BEGIN SELECT RAISE(ABORT, 'appeal_decided: a decided appeal does not change'); END""")
    db.execute("""
        CREATE TRIGGER appeals_not_by_rejecter BEFORE UPDATE OF decided_by ON appeals
        WHEN NEW.decided_by = OLD.rejected_by AND EXISTS (
            SELECT 1 FROM users s JOIN users r ON r.id = OLD.rejected_by
            WHERE s.role = 'supervisor' AND s.active = 1 AND s.centre_id = r.centre_id
              AND s.id != r.id)
        BEGIN SELECT RAISE(ABORT, 'appeal_needs_other: another supervisor decides this appeal');
        END""")
@migrations(name="0011_ops")
def _ops_indexes(db):
    # Her card shows today's answers and earnings: one range of this index, read alone
    # (the sums' columns are in it), not a table row per answer (0.6 ms at 1,000 a day).
    db.execute("CREATE INDEX assignments_user_day ON assignments"
               "(user_id, state, submitted_at, review_state, pay_paise)")
    db.execute("DROP INDEX assignments_user")  # its columns lead the new one


# An answer's part in her day's figures (answers_by_day): one if submitted, and its pay
# while accepted or pending, on India's day of submitted_at.
_DAY_OF = "date({row}.submitted_at, '+330 minutes')"
_EARNED = ("CASE WHEN {row}.review_state IN ('accepted', 'pending') THEN {row}.pay_paise"
           " ELSE 0 END")
_ADD_DAY = """INSERT INTO answers_by_day (user_id, day, answers, earned_paise)
    SELECT {row}.user_id, {day}, {sign}, {sign} * {earned} WHERE {row}.state = 'submitted'
    ON CONFLICT (user_id, day) DO UPDATE SET answers = answers + excluded.answers,
        earned_paise = earned_paise + excluded.earned_paise;"""


def _day_change(row: str, sign: int) -> str:
    return _ADD_DAY.format(row=row, sign=sign, day=_DAY_OF.format(row=row),
                           earned=_EARNED.format(row=row))


@migrations(name="0012_answers_by_day")
def _answers_by_day(db):
    # Her card shows today's answers and earnings on every task: summed over her answers
    # of the day that was 0.5 ms by evening (1,600 answers). The database keeps the sums
    # by triggers, for every way an answer changes, so they cannot drift from the rows.
    db.execute("""
        CREATE TABLE answers_by_day (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,  -- India's day, YYYY-MM-DD
            answers INTEGER NOT NULL,
            earned_paise INTEGER NOT NULL,  -- pay of the answers not rejected
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID""")
    db.execute(f"""
        INSERT INTO answers_by_day (user_id, day, answers, earned_paise)
        SELECT a.user_id, {_DAY_OF.format(row="a")}, count(*), sum({_EARNED.format(row="a")})
        FROM assignments a WHERE a.state = 'submitted' GROUP BY 1, 2""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_insert AFTER INSERT ON assignments
        WHEN NEW.state = 'submitted' BEGIN {_day_change("NEW", 1)} END""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_delete AFTER DELETE ON assignments
        WHEN OLD.state = 'submitted' BEGIN {_day_change("OLD", -1)} END""")
    db.execute(f"""
        CREATE TRIGGER answers_by_day_update
        AFTER UPDATE OF state, review_state, pay_paise, submitted_at, user_id ON assignments
        WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
            OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id
            OR OLD.submitted_at IS NOT NEW.submitted_at
            OR ({_EARNED.format(row="OLD")}) IS NOT ({_EARNED.format(row="NEW")}))
        BEGIN {_day_change("OLD", -1)} {_day_change("NEW", 1)} END""")

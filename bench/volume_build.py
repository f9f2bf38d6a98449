"""The volume centre: 450 annotators with 91-97 days of work behind them (over 10 million
answers),
built once by the real migrations and cached in .cache/ (`make bench-volume` measures it).

Everything is generated in SQL (INSERT ... SELECT over small tables of days, slots and
people) in one transaction, with SQLite's journal and syncs off while it builds. The
assignments' and tasks' indexes and triggers are dropped for the load and made again after
it, exactly as the migrations wrote them; what those triggers keep (answers_by_day) is
summed once, as migration 0012 does. The money tables are written as the core writes them:
every payout is inserted as a draft, its lines and items under the money triggers, then
approved by a second supervisor (the approval trigger checks the totals) and paid.

The data, per day in India (09:00-17:00), per annotator: 250 answers in four projects:
  sentiment  single_choice, redundancy 3, 40% of answers, 1 in 10 tasks a check task
  yes-no     yes_no, redundancy 3, 30%, check tasks too
  pictures   single_choice, redundancy 1, 20%
  typing     free_text, redundancy 1, 10%
Answers that agree with their task's majority and right check answers are accepted; wrong
check answers are rejected by the system; the rest (dissent, redundancy 1) wait for review
on the last two days and were reviewed (4% rejected, 16% accepted by a supervisor) or
accepted by the review window before. One in ten rejections is appealed (open in the last
week). Twelve weekly payouts are approved (eleven of them paid); last week is left for the
benchmark to draft. The dates run up to yesterday in India, from the day it was built.
"""
import datetime as dt
import glob
import importlib
import os
import pkgutil
import sqlite3
import time

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations
from werkzeug.security import generate_password_hash

from core import migrations
from core.clock import IST, stamp, utcnow
from core.payouts import _end_stamp, last_week

VERSION = 1  # change it when the data changes: the cached database is built again
BUILT_ON = "0012_answers_by_day"  # the last migration the data is written for
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, ".cache")
PATH = os.path.join(CACHE, f"volume-v{VERSION}.db")

# 450 people x 250 answers a day, from the Monday 13 weeks before last week's up to
# yesterday: 91 to 97 days, 10.2 to 10.9 million answers.
PEOPLE, SLOTS = 450, 250
OPEN_TASKS = 30_000  # per crowd project, for the task cycle
PIN, PASSWORD = "3917", "volume-bench-password"
CHEAP_HASH = "pbkdf2:sha256:1000"
SUPERVISORS = ("vol-reviewer", "vol-approver")
WEEKS = 12

# project id, slug, task type, redundancy, pay (paise), labels
PROJECTS = [(1, "sentiment", "single_choice", 3, 50, ("pos", "neg", "neu")),
            (2, "yesno", "yes_no", 3, 30, ("yes", "no")),
            (3, "typing", "free_text", 1, 120, ()),
            (4, "pictures", "single_choice", 1, 40, ("crop", "weed"))]
# slot k -> project by k % 10: 0-3 sentiment, 4-6 yes-no, 7-8 pictures, 9 typing
PROJECT_OF = "(CASE WHEN g.k % 10 < 4 THEN 1 WHEN g.k % 10 < 7 THEN 2" \
             " WHEN g.k % 10 < 9 THEN 4 ELSE 3 END)"


def _hash(expr: str, salt: int) -> str:
    """A cheap deterministic 0-99 from an integer SQL expression."""
    return f"((({expr}) * 2654435761 + {salt}) % 1000003 % 100)"


def build(path: str = PATH) -> dict:
    """Build the centre into `path` (replaced); returns its counts and the build's seconds."""
    started = time.perf_counter()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".building"
    for leftover in glob.glob(tmp + "*"):
        os.remove(leftover)
    conn = sqlite3.connect(tmp, isolation_level=None)
    db = Database(conn, execute_plugins=False)
    _migrate_to(db, BUILT_ON)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1500000")  # 1.5 GB while it builds
    conn.execute("PRAGMA temp_store = MEMORY")
    now = utcnow().replace(minute=0, second=0)
    first_day = last_week(now)[0] - dt.timedelta(days=7 * WEEKS)  # day e = 0
    days = (now.astimezone(IST).date() - first_day).days
    # Midnight in India of day 0, as UTC epoch seconds.
    day0 = int(dt.datetime.combine(first_day, dt.time(), IST).timestamp())
    # Indexes and triggers of the bulk tables go while they load and come back after.
    kept = list(conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('assignments', 'tasks')"
        " AND type IN ('index', 'trigger') AND sql IS NOT NULL"))
    conn.execute("BEGIN")
    for kind, name, _ in kept:
        conn.execute(f"DROP {kind.upper()} {name}")
    _people(conn, now)
    _work(conn, day0, days, now)
    for kind, _, sql in sorted(kept, key=lambda row: row[0] != "index"):
        conn.execute(sql)
    _summaries(conn)
    _payouts(conn, now)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    counts = {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
              for name in ("assignments", "tasks", "payout_items", "appeals", "audit_log")}
    conn.execute(f"INSERT INTO audit_log (at, action, subject, detail) VALUES"
                 f" ('{stamp(now)}', 'bench.volume', 'version:{VERSION}', '{{}}')")
    conn.close()
    os.replace(tmp, path)
    for old in glob.glob(os.path.join(CACHE, "volume-v*.db*")):
        if not os.path.basename(old).startswith(f"volume-v{VERSION}.db"):
            os.remove(old)  # an older version's database
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _migrate_to(db, last: str) -> None:
    """Apply the migrations up to `last` (by name): the schema this generator writes.
    Later ones are applied to each copy by the benchmark, as `flask init-db` upgrades a
    centre's database, so the cached build outlives them."""
    steps = Migrations("velai")
    for module in sorted(m.name for m in pkgutil.iter_modules(migrations.__path__)):
        if migrations.NAME.fullmatch(module) and module <= last:
            steps(name=module)(importlib.import_module(f"core.migrations.{module}").apply)
    db.execute("PRAGMA journal_mode = WAL")
    steps.apply(db)


def _people(conn, now) -> None:
    at = stamp(now - dt.timedelta(days=130))
    conn.execute("INSERT INTO centres (id, code, name, min_wage_paise_per_hour)"
                 " VALUES (1, 'VOL', 'Volume centre', 4000)")
    pin = generate_password_hash(PIN, method=CHEAP_HASH)
    password = generate_password_hash(PASSWORD, method=CHEAP_HASH)
    conn.executemany(
        "INSERT INTO users (id, login, name, role, centre_id, password_hash, lang, created_at,"
        " welcomed_at) VALUES (?, ?, ?, 'supervisor', 1, ?, 'en', ?, ?)",
        [(n + 1, login, login.replace("-", " ").title(), password, at, at)
         for n, login in enumerate(SUPERVISORS)])
    conn.executemany(
        "INSERT INTO users (id, login, name, role, centre_id, password_hash, lang, created_at,"
        " welcomed_at) VALUES (?, ?, ?, 'annotator', 1, ?, ?, ?, ?)",
        [(10 + u, f"97{u:08d}", f"Annotator {u:03d}", pin, ("ta", "hi", "en")[u % 3], at, at)
         for u in range(PEOPLE)])
    for pid, slug, kind, redundancy, pay, labels in PROJECTS:
        conn.execute(
            "INSERT INTO projects (id, centre_id, slug, task_type, name_en, name_ta, name_hi,"
            " instructions_en, redundancy, pay_paise, created_at) VALUES"
            " (?, 1, ?, ?, ?, ?, ?, 'Choose the answer that fits.', ?, ?, ?)",
            (pid, slug, kind, slug.title(), slug.title(), slug.title(), redundancy, pay, at))
        conn.executemany("INSERT INTO labels (project_id, value, text_en, text_ta, text_hi,"
                         " position) VALUES (?, ?, ?, ?, ?, ?)",
                         [(pid, value, value.title(), value.title(), value.title(), n)
                          for n, value in enumerate(labels)])
    conn.execute("INSERT INTO qualifications (user_id, project_id, status, updated_at)"
                 " SELECT u.id, p.id, 'qualified', ? FROM users u, projects p"
                 " WHERE u.role = 'annotator'", (at,))
    conn.execute("INSERT INTO payment_details (user_id, kind, upi_id, entered_by, entered_at,"
                 " confirmed_by, confirmed_at) SELECT id, 'vpa', login || '@upi', 1, ?, 2, ?"
                 " FROM users WHERE role = 'annotator'", (at, at))


def _work(conn, day0: int, days: int, now) -> None:
    """Tasks and answers for every (day, slot, annotator); then open tasks for the cycle."""
    conn.execute("CREATE TEMP TABLE days (e INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE slots (k INTEGER PRIMARY KEY)")
    conn.execute("CREATE TEMP TABLE annot (u INTEGER PRIMARY KEY)")
    conn.executemany("INSERT INTO days VALUES (?)", [(e,) for e in range(days)])
    conn.executemany("INSERT INTO slots VALUES (?)", [(k,) for k in range(SLOTS)])
    conn.executemany("INSERT INTO annot VALUES (?)", [(u,) for u in range(PEOPLE)])
    r = "(CASE WHEN {p} IN (1, 2) THEN 3 ELSE 1 END)".format(p=PROJECT_OF)
    # One row per answer, with its index i (increasing with time), project, task and user.
    base = f"""SELECT g.e, g.k, g.u, (g.e * {SLOTS} + g.k) * {PEOPLE} + g.u AS i,
        {PROJECT_OF} AS p, {r} AS r,
        (g.e * {SLOTS} + g.k) * {PEOPLE} + g.u - g.u % {r} + 1 AS task,
        {PROJECT_OF} IN (1, 2) AND (g.k / 10) % 10 = 0 AS gold,
        {day0} + g.e * 86400 + 9 * 3600 + g.k * 115 + g.u % 97 AS at
        FROM days g CROSS JOIN slots s CROSS JOIN annot a"""
    base = base.replace("g.k", "s.k").replace("g.u", "a.u")
    truth = ("CASE x.p WHEN 1 THEN (CASE x.task % 3 WHEN 0 THEN 'pos' WHEN 1 THEN 'neg'"
             " ELSE 'neu' END) WHEN 2 THEN (CASE x.task % 2 WHEN 0 THEN 'yes' ELSE 'no' END)"
             " WHEN 4 THEN (CASE x.task % 2 WHEN 0 THEN 'crop' ELSE 'weed' END)"
             " ELSE 'words ' || x.task END")
    other = ("CASE x.p WHEN 1 THEN (CASE x.task % 3 WHEN 0 THEN 'neg' ELSE 'pos' END)"
             " WHEN 2 THEN (CASE x.task % 2 WHEN 0 THEN 'no' ELSE 'yes' END) ELSE NULL END")
    # The third of each crowd task's three differs now and then: 8% of ordinary tasks,
    # 15% of check tasks (her check accuracy stays above the project's minimum).
    dissent = (f"(x.r = 3 AND x.u % 3 = 2 AND {_hash('x.i', 1)}"
               f" < CASE WHEN x.gold THEN 15 ELSE 8 END)")
    conn.execute(f"""
        INSERT INTO tasks (id, project_id, payload_text, gold_answer, status, answers_count,
                           aggregate, confidence, created_at)
        SELECT x.task, x.p, 'Item ' || x.task, CASE WHEN x.gold THEN {truth} END, 'done', x.r,
          {truth}, CASE WHEN x.r = 3 AND {_hash('x.i + 2', 1)} < CASE WHEN x.gold THEN 15
                        ELSE 8 END THEN 0.6667 ELSE 1.0 END,
          datetime(x.at - 86400, 'unixepoch')
        FROM ({base}) x WHERE x.u % x.r = 0""")
    # Review: accepted when it agrees (crowd) or is a right check answer; wrong check
    # answers rejected by the system; the rest pending on the last two days, else
    # reviewed by a supervisor (rejected 4%, accepted 16%) or accepted by the window.
    h = _hash("x.i", 7)
    waits = f"(x.r = 1 OR {dissent}) AND NOT x.gold"
    state = (f"CASE WHEN x.gold THEN (CASE WHEN {dissent} THEN 'rejected' ELSE 'accepted' END)"
             f" WHEN NOT ({waits}) THEN 'accepted' WHEN x.e >= {days - 2} THEN 'pending'"
             f" WHEN {h} < 4 THEN 'rejected' ELSE 'accepted' END")
    reviewer = f"CASE WHEN {waits} AND x.e < {days - 2} AND {h} < 20 THEN 1 END"
    reviewed = (f"CASE WHEN x.gold OR NOT ({waits}) THEN x.at + 60 WHEN x.e >= {days - 2}"
                f" THEN NULL WHEN {h} < 20 THEN x.at + 86400 ELSE x.at + 3 * 86400 END")
    seconds = f"CASE WHEN {_hash('x.i', 3)} < 3 THEN 1 ELSE 3 + {_hash('x.i', 5)} % 30 END"
    conn.execute(f"""
        INSERT INTO assignments (id, task_id, user_id, project_id, state, claimed_at,
          lease_expires_at, answer, submitted_at, seconds_spent, review_state, pay_paise,
          reviewed_by, reviewed_at, reject_reason)
        SELECT y.i + 1, y.task, y.u + 10, y.p, 'submitted',
          datetime(y.at - y.seconds, 'unixepoch'), datetime(y.at - y.seconds + 900, 'unixepoch'),
          y.answer, datetime(y.at, 'unixepoch'), y.seconds, y.state,
          (SELECT pay_paise FROM projects WHERE id = y.p), y.reviewer,
          datetime(y.reviewed, 'unixepoch'),
          CASE WHEN y.reviewer IS NOT NULL AND y.state = 'rejected' THEN 'wrong_answer' END
        FROM (SELECT x.*, CASE WHEN {dissent} THEN {other} ELSE {truth} END AS answer,
                {state} AS state, {reviewer} AS reviewer, {reviewed} AS reviewed,
                {seconds} AS seconds FROM ({base}) x) y""")
    # Open work for the task cycle, with check tasks among it, as an import leaves it.
    top = days * SLOTS * PEOPLE + 1
    conn.execute("""
        WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < ? - 1)
        INSERT INTO tasks (id, project_id, payload_text, gold_answer, status, created_at)
        SELECT ? + p.id * ? + n.v, p.id, 'New item ' || n.v,
          CASE WHEN n.v % 10 = 0 THEN (CASE p.id WHEN 1 THEN 'pos' ELSE 'yes' END) END,
          'open', ? FROM n, projects p WHERE p.id IN (1, 2)""",
                 (OPEN_TASKS, top, OPEN_TASKS, stamp(now - dt.timedelta(hours=6))))


def _summaries(conn) -> None:
    """What triggers keep, summed once; appeals and the audit of supervisors' reviews."""
    conn.execute("""
        INSERT INTO answers_by_day (user_id, day, answers, earned_paise)
        SELECT a.user_id, date(a.submitted_at, '+330 minutes'), count(*),
          sum(CASE WHEN a.review_state IN ('accepted', 'pending') THEN a.pay_paise ELSE 0 END)
        FROM assignments a WHERE a.state = 'submitted' GROUP BY 1, 2""")
    conn.execute("""
        INSERT INTO gold_stats (user_id, project_id, answered, right_count, judged_answered,
          judged_right, updated_at)
        SELECT a.user_id, a.project_id, count(*), sum(a.review_state = 'accepted'), count(*),
          sum(a.review_state = 'accepted'), max(a.submitted_at)
        FROM assignments a JOIN tasks t ON t.id = a.task_id
        WHERE t.gold_answer IS NOT NULL AND a.state = 'submitted' GROUP BY 1, 2""")
    conn.execute(f"""
        INSERT INTO appeals (assignment_id, user_id, note, created_at, rejected_by, status,
          decided_by, decided_at, decision_note)
        SELECT a.id, a.user_id, 'I followed the instructions.',
          datetime(a.reviewed_at, '+1 hour'), 1,
          CASE WHEN a.reviewed_at > datetime('now', '-7 days') THEN 'open' ELSE 'upheld' END,
          CASE WHEN a.reviewed_at > datetime('now', '-7 days') THEN NULL ELSE 2 END,
          CASE WHEN a.reviewed_at > datetime('now', '-7 days') THEN NULL
               ELSE datetime(a.reviewed_at, '+1 day') END,
          NULL
        FROM assignments a WHERE a.reviewed_by = 1 AND a.review_state = 'rejected'
          AND {_hash('a.id', 11)} < 10 ORDER BY a.reviewed_at""")
    conn.execute("""
        INSERT INTO audit_log (at, actor_id, action, subject, detail)
        SELECT at, actor, action, subject, detail FROM (
          SELECT a.reviewed_at AS at, 1 AS actor, 'review.' || CASE a.review_state
            WHEN 'accepted' THEN 'accept' ELSE 'reject' END AS action,
            'assignment:' || a.id AS subject,
            CASE a.review_state WHEN 'accepted' THEN '{"before": "pending"}'
              ELSE '{"reason": "wrong_answer", "note": null}' END AS detail
          FROM assignments a WHERE a.reviewed_by = 1
          UNION ALL
          SELECT ap.created_at, ap.user_id, 'appeal.create', 'assignment:' || ap.assignment_id,
            '{}' FROM appeals ap
          UNION ALL
          SELECT ap.decided_at, 2, 'appeal.upheld', 'assignment:' || ap.assignment_id,
            '{"appeal": ' || ap.id || ', "note": null}' FROM appeals ap
          WHERE ap.status = 'upheld') ORDER BY at""")


def _payouts(conn, now) -> None:
    """Twelve weekly payouts, as the core makes them: a draft by one supervisor, lines
    and items under the money triggers, approved by the other; all but the last paid."""
    monday, _ = last_week(now)
    since = "0000"
    for n in range(WEEKS, 0, -1):
        first = monday - dt.timedelta(days=7 * n)
        last = first + dt.timedelta(days=6)
        end = _end_stamp(last)
        drafted = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(10), IST)
        payout = conn.execute(
            "INSERT INTO payouts (centre_id, period_start, period_end, drafted_by, drafted_at)"
            " VALUES (1, ?, ?, 1, ?)", (first.isoformat(), last.isoformat(), stamp(drafted))
        ).lastrowid
        # Every earlier answer is in an earlier payout: this week's accepted ones only.
        window = "a.state = 'submitted' AND a.review_state = 'accepted'" \
                 " AND a.submitted_at >= :since AND a.submitted_at < :end"
        params = {"payout": payout, "since": since, "end": end}
        conn.execute(f"""
            INSERT INTO payout_lines (payout_id, user_id, payment_detail_id, answers,
              items_paise, amount_paise)
            SELECT :payout, a.user_id, d.id, count(*), sum(a.pay_paise), sum(a.pay_paise)
            FROM assignments a JOIN payment_details d ON d.user_id = a.user_id
            WHERE {window} GROUP BY a.user_id ORDER BY a.user_id""", params)
        conn.execute(f"""
            INSERT INTO payout_items (payout_id, line_id, assignment_id, pay_paise)
            SELECT :payout, l.id, a.id, a.pay_paise FROM payout_lines l
            JOIN assignments a ON a.user_id = l.user_id
            WHERE l.payout_id = :payout AND {window} ORDER BY l.id, a.id""", params)
        conn.execute("UPDATE payouts SET total_paise = (SELECT sum(amount_paise)"
                     " FROM payout_lines WHERE payout_id = ?) WHERE id = ?", (payout, payout))
        approved = drafted + dt.timedelta(hours=4)
        conn.execute("UPDATE payouts SET status = 'approved', approved_by = 2, approved_at = ?"
                     " WHERE id = ?", (stamp(approved), payout))
        if n > 1:
            conn.execute("INSERT INTO payout_results (line_id, status, utr, recorded_by,"
                         " recorded_at) SELECT id, 'paid', 'UTR' || printf('%08d', id), 2, ?"
                         " FROM payout_lines WHERE payout_id = ?",
                         (stamp(approved + dt.timedelta(days=1)), payout))
        for action, actor, at in (("payout.draft", 1, drafted), ("payout.approve", 2, approved)):
            conn.execute("INSERT INTO audit_log (at, actor_id, action, subject, detail)"
                         " VALUES (?, ?, ?, ?, '{}')", (stamp(at), actor, action,
                                                        f"payout:{payout}"))
        since = end


def cached() -> str:
    """The cached database's path, built first when missing (or of an older version)."""
    if not os.path.exists(PATH):
        print(f"Building the volume centre into {os.path.relpath(PATH, ROOT)}"
              " (once; several minutes)...", flush=True)
        counts = build(PATH)
        print(f"  built in {counts['seconds']:,.0f} s: " + ", ".join(
            f"{v:,} {k}" for k, v in counts.items() if k != "seconds"), flush=True)
    return PATH


if __name__ == "__main__":
    print(build())

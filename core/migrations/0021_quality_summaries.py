"""Quality figures kept as answers come in (#15): the quality dashboards computed
agreement, the 14 days and every annotator's figures from every answer of a project at
each look (235 s for a centre of 10 million answers). Triggers on assignments and tasks
keep them here, and core.quality reads a few hundred rows.

Two answers are compared as core.tasktypes.normalise compares them, through the SQL
function velai_answer_key that core.db.connect registers on every connection: a program
that writes answers or tasks' majorities through a bare sqlite3 connection must register
it too (tests/browser do), or SQLite refuses the write ("no such function").
"""
from collections import defaultdict

from sqlite_utils import Database

KEY = "velai_answer_key"


def _same(a: str, b: str) -> str:
    # Equal as typed is the common case: the key (a call into Python) only when not.
    return f"(CASE WHEN {a} = {b} THEN 1 ELSE coalesce({KEY}({a}) = {KEY}({b}), 0) END)"


# An answer's (or a skip's) part in its person's figures for the project, with its
# task's check answer and majority as they are now. `s`: 1 to add it, -1 to take it out.
def _person(r: str, s: int) -> str:
    submitted = f"{r}.state = 'submitted'"
    gold = f"{submitted} AND t.gold_answer IS NOT NULL"
    compared = f"{submitted} AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL"
    return f"""
    INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                   compared, agree)
    SELECT {r}.project_id, {r}.user_id, {s} * ({submitted}),
        {s} * ({r}.state IN ('skipped', 'reported')), {s} * ({gold}),
        {s} * ({gold} AND {_same(f"{r}.answer", "t.gold_answer")}), {s} * ({compared}),
        {s} * ({compared} AND {_same(f"{r}.answer", "t.aggregate")})
    FROM tasks t WHERE t.id = {r}.task_id AND {r}.state != 'active'
    ON CONFLICT (project_id, user_id) DO UPDATE SET answers = answers + excluded.answers,
        skips = skips + excluded.skips, gold = gold + excluded.gold,
        gold_right = gold_right + excluded.gold_right, compared = compared + excluded.compared,
        agree = agree + excluded.agree;
    INSERT INTO seconds_by_person (project_id, user_id, seconds, answers)
    SELECT {r}.project_id, {r}.user_id, {r}.seconds_spent, {s}
    WHERE {submitted} AND {r}.seconds_spent IS NOT NULL
    ON CONFLICT (project_id, user_id, seconds) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO gold_by_day (project_id, day, answers, correct)
    SELECT {r}.project_id, date({r}.submitted_at, '+330 minutes'), {s},
        {s} * {_same(f"{r}.answer", "t.gold_answer")}
    FROM tasks t WHERE t.id = {r}.task_id AND {gold}
    ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
        correct = correct + excluded.correct;"""


# A task's part in agreement: with m >= 2 answers, on India's day of its last answer,
# each answer (as compared) counted, and sum of c * (m - c) over its groups of c equal
# answers (Krippendorff's disagreement, divided by m - 1 when read). Taken out before its
# answers change and put back after, read from the answers themselves each time.
def _agreement(task: str, project: str, s: int) -> str:
    answers = f"FROM assignments WHERE task_id = {task} AND state = 'submitted'"
    last = f"(SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m {answers}) w"
    groups = f"(SELECT {KEY}(answer) AS k, count(*) AS n {answers} GROUP BY 1) v"
    return f"""
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT {project}, w.day, v.k, {s} * v.n FROM {last}, {groups} WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT {project}, w.day, w.m, {s}, {s} * sum(v.n * (w.m - v.n)) FROM {last}, {groups}
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs;"""


_VOTES_CHANGE = """(OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
    OLD.state IS NOT NEW.state OR OLD.answer IS NOT NEW.answer
    OR OLD.submitted_at IS NOT NEW.submitted_at)"""
_PERSON_CHANGE = """(OLD.state != 'active' OR NEW.state != 'active') AND (
    OLD.state IS NOT NEW.state OR OLD.answer IS NOT NEW.answer
    OR OLD.seconds_spent IS NOT NEW.seconds_spent OR OLD.submitted_at IS NOT NEW.submitted_at
    OR OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id)"""


def _task_change(row: str, sign: str) -> str:
    """One answer's check-task and majority figures with the task's values in `row`."""
    gold = f"{row}.gold_answer IS NOT NULL"
    compared = f"{row}.gold_answer IS NULL AND {row}.aggregate IS NOT NULL"
    return (f"{sign} ({gold})", f"{sign} ({gold} AND {_same('a.answer', f'{row}.gold_answer')})",
            f"{sign} ({compared})", f"{sign} ({compared} AND {_same('a.answer', f'{row}.aggregate')})")


def apply(db: Database) -> None:
    db.execute("""
        CREATE TABLE quality_by_person (
            project_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            answers INTEGER NOT NULL,  -- submitted
            skips INTEGER NOT NULL,  -- skipped or reported
            gold INTEGER NOT NULL,  -- answers to check tasks
            gold_right INTEGER NOT NULL,
            compared INTEGER NOT NULL,  -- answers to tasks with a majority (not check tasks)
            agree INTEGER NOT NULL,  -- of those, the same as the majority
            PRIMARY KEY (project_id, user_id)
        ) WITHOUT ROWID""")
    # Her answers by the seconds they took: the median and the too-fast count for any
    # project minimum, from a few dozen rows.
    db.execute("""
        CREATE TABLE seconds_by_person (
            project_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            seconds INTEGER NOT NULL,
            answers INTEGER NOT NULL,
            PRIMARY KEY (project_id, user_id, seconds)
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE gold_by_day (
            project_id INTEGER NOT NULL,
            day TEXT NOT NULL,  -- India's day of the answer
            answers INTEGER NOT NULL,  -- answers to check tasks
            correct INTEGER NOT NULL,
            PRIMARY KEY (project_id, day)
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE agreement_by_day (
            project_id INTEGER NOT NULL,
            day TEXT NOT NULL,  -- India's day of the task's last answer
            answer_key TEXT NOT NULL,  -- an answer as compared (core.tasktypes.normalise)
            answers INTEGER NOT NULL,  -- in tasks with two answers or more
            PRIMARY KEY (project_id, day, answer_key)
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE disagreement_by_day (
            project_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            m INTEGER NOT NULL,  -- answers in the task
            tasks INTEGER NOT NULL,
            pairs INTEGER NOT NULL,  -- sum over its groups of c equal answers of c * (m - c)
            PRIMARY KEY (project_id, day, m)
        ) WITHOUT ROWID""")
    _fill(db)
    for when, row, sign in (("INSERT", "NEW", 1), ("DELETE", "OLD", -1)):
        state = f"{row}.state = 'submitted'"
        db.execute(f"""
            CREATE TRIGGER quality_person_{when.lower()} AFTER {when} ON assignments
            WHEN {row}.state != 'active' BEGIN {_person(row, sign)} END""")
        db.execute(f"""
            CREATE TRIGGER agreement_before_{when.lower()} BEFORE {when} ON assignments
            WHEN {state} BEGIN {_agreement(f"{row}.task_id", f"{row}.project_id", -1)} END""")
        db.execute(f"""
            CREATE TRIGGER agreement_after_{when.lower()} AFTER {when} ON assignments
            WHEN {state} BEGIN {_agreement(f"{row}.task_id", f"{row}.project_id", 1)} END""")
    # Taken out and put back by two triggers: on the task cycle (active to submitted)
    # only the second runs.
    for row, sign, when in (("OLD", -1, "old"), ("NEW", 1, "new")):
        db.execute(f"""
            CREATE TRIGGER quality_person_update_{when}
            AFTER UPDATE OF state, answer, seconds_spent, submitted_at, user_id, project_id
            ON assignments WHEN {row}.state != 'active' AND {_PERSON_CHANGE}
            BEGIN {_person(row, sign)} END""")
    # An answer never moves to another task: OLD.task_id is NEW.task_id.
    db.execute(f"""
        CREATE TRIGGER agreement_before_update BEFORE UPDATE OF state, answer, submitted_at
        ON assignments WHEN {_VOTES_CHANGE}
        BEGIN {_agreement("OLD.task_id", "OLD.project_id", -1)} END""")
    db.execute(f"""
        CREATE TRIGGER agreement_after_update AFTER UPDATE OF state, answer, submitted_at
        ON assignments WHEN {_VOTES_CHANGE}
        BEGIN {_agreement("NEW.task_id", "NEW.project_id", 1)} END""")
    # A task's majority (it settles, or asks for one more answer) or check answer
    # changes: each of its answers is judged again.
    new, old = _task_change("NEW", "+"), _task_change("OLD", "-")
    deltas = ", ".join(f"{n} {o}" for n, o in zip(new, old))
    db.execute(f"""
        CREATE TRIGGER quality_task_update AFTER UPDATE OF aggregate, gold_answer ON tasks
        WHEN OLD.aggregate IS NOT NEW.aggregate OR OLD.gold_answer IS NOT NEW.gold_answer
        BEGIN
        INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                       compared, agree)
        SELECT a.project_id, a.user_id, 0, 0, {deltas}
        FROM assignments a WHERE a.task_id = NEW.id AND a.state = 'submitted'
        ON CONFLICT (project_id, user_id) DO UPDATE SET gold = gold + excluded.gold,
            gold_right = gold_right + excluded.gold_right,
            compared = compared + excluded.compared, agree = agree + excluded.agree;
        INSERT INTO gold_by_day (project_id, day, answers, correct)
        SELECT a.project_id, date(a.submitted_at, '+330 minutes'), {new[0]} {old[0]},
            {new[1]} {old[1]}
        FROM assignments a WHERE a.task_id = NEW.id AND a.state = 'submitted'
            AND OLD.gold_answer IS NOT NEW.gold_answer
        ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
            correct = correct + excluded.correct;
        END""")


def _fill(db: Database) -> None:
    """The figures of the answers already given, in one pass over them in task order
    (each task's answers together, its row read once), each distinct answer normalised
    once: three GROUP BYs over every answer and a sort on the compared answer took
    several times as long on a centre's quarter."""
    from core.tasktypes import normalise

    keys: dict = {}

    def key(answer):
        found = keys.get(answer)
        if found is None:
            if len(keys) > 100_000:
                keys.clear()  # free text: not worth remembering every one
            found = keys[answer] = normalise(answer)
        return found

    person: dict = defaultdict(lambda: [0] * 6)
    seconds: dict = defaultdict(int)
    gold_days: dict = defaultdict(lambda: [0, 0])
    values: dict = defaultdict(int)
    pairs: dict = defaultdict(lambda: [0, 0])

    def task_done(project, task_answers):
        m = len(task_answers)
        if m < 2:
            return
        day = max(day for day, _ in task_answers)
        counts: dict = defaultdict(int)
        for _, answer_key in task_answers:
            counts[answer_key] += 1
        for answer_key, n in counts.items():
            values[(project, day, answer_key)] += n
        entry = pairs[(project, day, m)]
        entry[0] += 1
        entry[1] += sum(n * (m - n) for n in counts.values())

    current, project, task_answers = None, None, []
    for task_id, project_id, user_id, state, answer, secs, day, gold, aggregate in \
            db.conn.execute(
                "SELECT a.task_id, a.project_id, a.user_id, a.state, a.answer, a.seconds_spent,"
                " date(a.submitted_at, '+330 minutes'), t.gold_answer, t.aggregate"
                " FROM tasks t JOIN assignments a INDEXED BY assignments_task"
                " ON a.task_id = t.id WHERE a.state != 'active' ORDER BY t.id"):
        if task_id != current:
            task_done(project, task_answers)
            current, project, task_answers = task_id, project_id, []
        figures = person[(project_id, user_id)]
        if state != "submitted":
            figures[1] += 1
            continue
        figures[0] += 1
        answer_key = key(answer)
        task_answers.append((day, answer_key))
        if secs is not None:
            seconds[(project_id, user_id, secs)] += 1
        if gold is not None:
            right = answer == gold or answer_key == key(gold)
            figures[2] += 1
            figures[3] += right
            entry = gold_days[(project_id, day)]
            entry[0] += 1
            entry[1] += right
        elif aggregate is not None:
            figures[4] += 1
            figures[5] += answer == aggregate or answer_key == key(aggregate)
    task_done(project, task_answers)
    db.conn.executemany("INSERT INTO quality_by_person (project_id, user_id, answers, skips,"
                        " gold, gold_right, compared, agree) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(*k, *v) for k, v in person.items()])
    db.conn.executemany("INSERT INTO seconds_by_person (project_id, user_id, seconds, answers)"
                        " VALUES (?, ?, ?, ?)", [(*k, n) for k, n in seconds.items()])
    db.conn.executemany("INSERT INTO gold_by_day (project_id, day, answers, correct)"
                        " VALUES (?, ?, ?, ?)", [(*k, *v) for k, v in gold_days.items()])
    db.conn.executemany("INSERT INTO agreement_by_day (project_id, day, answer_key, answers)"
                        " VALUES (?, ?, ?, ?)", [(*k, n) for k, n in values.items()])
    db.conn.executemany("INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)"
                        " VALUES (?, ?, ?, ?, ?)", [(*k, *v) for k, v in pairs.items()])

"""What a centre of 450 annotators with 10 million answers needs (#15, measured by
`make bench-volume`): indexes for the review queue's missed check tasks and the tasks
that need a look, and summary tables kept by triggers, as answers_by_day is (0012), so that the supervisor's home and
fair pay read a few thousand rows instead of every answer."""
from sqlite_utils import Database

# An answer's part in work_by_day: one if submitted, its seconds, and its pay while
# accepted or pending, on India's day of submitted_at, per person and project.
_DAY_OF = "date({row}.submitted_at, '+330 minutes')"
_EARNED = ("CASE WHEN {row}.review_state IN ('accepted', 'pending') THEN {row}.pay_paise"
           " ELSE 0 END")
_ADD_WORK = """INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)
    SELECT {row}.project_id, {day}, {row}.user_id, {sign}, {sign} * coalesce({row}.seconds_spent, 0),
      {sign} * {earned} WHERE {row}.state = 'submitted'
    ON CONFLICT (project_id, day, user_id) DO UPDATE SET answers = answers + excluded.answers,
        seconds = seconds + excluded.seconds,
        earned_paise = earned_paise + excluded.earned_paise;
    INSERT INTO answers_by_project (project_id, answers)
    SELECT {row}.project_id, {sign} WHERE {row}.state = 'submitted'
    ON CONFLICT (project_id) DO UPDATE SET answers = answers + excluded.answers;"""
# A task's part in tasks_by_status: one in its project's row for its status.
_ADD_TASK = """INSERT INTO tasks_by_status (project_id, status, tasks)
    VALUES ({row}.project_id, {row}.status, {sign})
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = tasks + excluded.tasks;"""


def _work(row: str, sign: int) -> str:
    return _ADD_WORK.format(row=row, sign=sign, day=_DAY_OF.format(row=row),
                            earned=_EARNED.format(row=row))


def apply(db: Database) -> None:
    # The review queue's "missed check tasks": wrong check answers the system rejected and
    # no supervisor has looked at. Without it the filter reads every answer ever given;
    # with it, only those few (a wrong check answer enters it).
    db.execute("CREATE INDEX assignments_missed ON assignments(submitted_at, project_id,"
               " user_id) WHERE review_state = 'rejected' AND reviewed_by IS NULL")
    # The review queue, oldest first: read in this order, a page stops after its rows
    # instead of sorting every answer waiting (tens of thousands a day in a real centre),
    # and its count reads this index alone.
    db.execute("CREATE INDEX assignments_review_queue ON assignments(submitted_at,"
               " project_id, user_id, seconds_spent, review_state)"
               " WHERE review_state = 'pending'")
    # Answers, seconds and earnings per project, day and person: the home's answers (in
    # all, today) and fair pay's weeks, a row per person and day instead of every answer.
    db.execute("""
        CREATE TABLE work_by_day (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            day TEXT NOT NULL,  -- India's day, YYYY-MM-DD
            user_id INTEGER NOT NULL REFERENCES users(id),
            answers INTEGER NOT NULL,
            seconds INTEGER NOT NULL,  -- seconds_spent of every answer
            earned_paise INTEGER NOT NULL,  -- pay of the answers not rejected
            PRIMARY KEY (project_id, day, user_id)
        ) WITHOUT ROWID""")
    # Her answers per project on her page: a row per day, not everyone's days. A row
    # enters it once per person, project and day; the sums change beside it.
    db.execute("CREATE INDEX work_by_day_user ON work_by_day(user_id, project_id)")
    db.execute(f"""
        INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)
        SELECT a.project_id, {_DAY_OF.format(row="a")}, a.user_id, count(*),
          coalesce(sum(a.seconds_spent), 0), sum({_EARNED.format(row="a")})
        FROM assignments a WHERE a.state = 'submitted' GROUP BY 1, 2, 3""")
    # Every answer of a project, for the home's "answers in all" (a sum over work_by_day
    # would read a row per person and day since the project began).
    db.execute("""
        CREATE TABLE answers_by_project (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id),
            answers INTEGER NOT NULL
        )""")
    db.execute("INSERT INTO answers_by_project (project_id, answers) SELECT project_id,"
               " count(*) FROM assignments WHERE state = 'submitted' GROUP BY 1")
    db.execute(f"""
        CREATE TRIGGER work_by_day_insert AFTER INSERT ON assignments
        WHEN NEW.state = 'submitted' BEGIN {_work("NEW", 1)} END""")
    db.execute(f"""
        CREATE TRIGGER work_by_day_delete AFTER DELETE ON assignments
        WHEN OLD.state = 'submitted' BEGIN {_work("OLD", -1)} END""")
    db.execute(f"""
        CREATE TRIGGER work_by_day_update
        AFTER UPDATE OF state, review_state, pay_paise, submitted_at, user_id, project_id,
          seconds_spent ON assignments
        WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
            OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id
            OR OLD.project_id IS NOT NEW.project_id
            OR OLD.submitted_at IS NOT NEW.submitted_at
            OR OLD.seconds_spent IS NOT NEW.seconds_spent
            OR ({_EARNED.format(row="OLD")}) IS NOT ({_EARNED.format(row="NEW")}))
        BEGIN {_work("OLD", -1)} {_work("NEW", 1)} END""")
    # Tasks a supervisor should look at (held, or reported by someone): her home counts
    # them; without it, a look at every task.
    db.execute("CREATE INDEX tasks_attention ON tasks(project_id)"
               " WHERE status = 'held' OR reports_count > 0")
    # Tasks per project and status: the home's open, done and held without counting
    # millions of tasks. A task changes status once or twice in its life.
    db.execute("""
        CREATE TABLE tasks_by_status (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            status TEXT NOT NULL,
            tasks INTEGER NOT NULL,
            PRIMARY KEY (project_id, status)
        ) WITHOUT ROWID""")
    db.execute("INSERT INTO tasks_by_status (project_id, status, tasks)"
               " SELECT project_id, status, count(*) FROM tasks GROUP BY 1, 2")
    db.execute(f"""
        CREATE TRIGGER tasks_by_status_insert AFTER INSERT ON tasks
        BEGIN {_ADD_TASK.format(row="NEW", sign=1)} END""")
    db.execute(f"""
        CREATE TRIGGER tasks_by_status_delete AFTER DELETE ON tasks
        BEGIN {_ADD_TASK.format(row="OLD", sign=-1)} END""")
    db.execute(f"""
        CREATE TRIGGER tasks_by_status_update AFTER UPDATE OF status, project_id ON tasks
        WHEN OLD.status IS NOT NEW.status OR OLD.project_id IS NOT NEW.project_id
        BEGIN {_ADD_TASK.format(row="OLD", sign=-1)} {_ADD_TASK.format(row="NEW", sign=1)} END""")

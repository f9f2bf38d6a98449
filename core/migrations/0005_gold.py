"""Check-task (gold) accuracy per annotator per project (#6): kept up to date inside the
answer's own transaction (one upsert, check tasks only), so judging her never scans her
history. `answered`/`right_count` since she began; `judged_*` since she was last
reinstated, so a reinstatement gives her a fresh start; `gold_slot`: the ordinary task a
check task was last put in front of (core.gold.spread). users.welcomed_at: the first-day
welcome was shown. users.offline_key: the AES key her phone keeps unsent answers under
(#10), given only in her own pages; new users get one from a trigger.
"""
from sqlite_utils import Database


def apply(db: Database) -> None:
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

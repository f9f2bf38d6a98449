"""Sessions on the server (logout, a PIN change, a deactivation end them); login attempts
remember the device they came from (a known device is not locked by strangers); a login
guessed at too often from unknown devices waits for a supervisor's unlock (#10).
"""
from sqlite_utils import Database


def apply(db: Database) -> None:
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

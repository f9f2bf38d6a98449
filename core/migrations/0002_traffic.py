"""Bytes sent to each user per day in India: shown to her as her data cost."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("""
        CREATE TABLE traffic (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,
            bytes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, day)
        )""")

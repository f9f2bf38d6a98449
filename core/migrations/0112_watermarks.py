"""Watermarks (#19): a client whose pictures an annotator sees marked with her
pseudonymous id and the day (core/watermark.py). On by default: leaks are traced."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("ALTER TABLE clients ADD COLUMN watermark INTEGER NOT NULL DEFAULT 1"
               " CHECK (watermark IN (0, 1))")

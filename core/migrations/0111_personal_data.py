"""Personal data at import (#19): whether a project refuses a task file in which phone
numbers, Aadhaar or PAN numbers, e-mail addresses or UPI handles are found, or masks them
before any phone sees them (core/personal_data.py)."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("ALTER TABLE projects ADD COLUMN personal_data TEXT NOT NULL DEFAULT 'mask'"
               " CHECK (personal_data IN ('mask', 'refuse'))")

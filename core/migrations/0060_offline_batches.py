"""Offline batches per project (#15): how many tasks a batch holds, how long its leases
run, and the most of the project's open tasks one person may hold at once, so that a
batch taken for a day without signal does not starve everyone else of a small project."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("ALTER TABLE projects ADD COLUMN batch_size INTEGER NOT NULL DEFAULT 20"
               " CHECK (batch_size BETWEEN 1 AND 100)")
    db.execute("ALTER TABLE projects ADD COLUMN batch_lease_seconds INTEGER NOT NULL"
               " DEFAULT 7200 CHECK (batch_lease_seconds BETWEEN 600 AND 43200)")
    db.execute("ALTER TABLE projects ADD COLUMN batch_share_percent INTEGER NOT NULL"
               " DEFAULT 20 CHECK (batch_share_percent BETWEEN 1 AND 100)")

"""Settings of photo and transcription projects (#18): the size a photo is kept at, whether
its location is kept (and she is told so), and how far two transcripts may differ (a
character error rate) and still be the same transcript."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("ALTER TABLE projects ADD COLUMN photo_max_px INTEGER NOT NULL DEFAULT 1280"
               " CHECK (photo_max_px BETWEEN 320 AND 4096)")
    db.execute("ALTER TABLE projects ADD COLUMN photo_max_bytes INTEGER NOT NULL"
               " DEFAULT 204800 CHECK (photo_max_bytes BETWEEN 20480 AND 2097152)")
    db.execute("ALTER TABLE projects ADD COLUMN keep_location INTEGER NOT NULL DEFAULT 0"
               " CHECK (keep_location IN (0, 1))")
    db.execute("ALTER TABLE projects ADD COLUMN cer_threshold REAL NOT NULL DEFAULT 0.1"
               " CHECK (cer_threshold >= 0 AND cer_threshold <= 0.5)")

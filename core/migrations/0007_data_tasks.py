"""Import (#7): the picture's path as the client's file gave it, handed back in the export."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("ALTER TABLE tasks ADD COLUMN image_ref TEXT")

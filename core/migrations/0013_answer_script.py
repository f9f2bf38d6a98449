"""A free-text project may require its answers in one script (#17): core/scripts.py."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    # NULL: any script. The database refuses a code it does not know and a script on a
    # project whose answers are not typed, so no path can set one that would never apply.
    db.execute("""
        ALTER TABLE projects ADD COLUMN answer_script TEXT CHECK (answer_script IS NULL OR
            (answer_script IN ('Taml', 'Deva', 'Knda', 'Telu', 'Latn')
             AND task_type = 'free_text'))
    """)

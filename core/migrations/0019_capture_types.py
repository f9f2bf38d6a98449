"""Room for data collection (#18): four more task types a project may be, typed
transcripts in one script, and media that are sound as well as pictures, made by an
annotator as well as imported."""
import importlib
import re

from sqlite_utils import Database

OLD_TYPES = "task_type IN ('single_choice', 'yes_no', 'free_text')"
NEW_TYPES = ("task_type IN ('single_choice', 'yes_no', 'free_text', 'record',"
             " 'verify_recording', 'transcribe', 'photo')")
OLD_SCRIPT = "AND task_type = 'free_text'"
NEW_SCRIPT = "AND task_type IN ('free_text', 'transcribe')"


def apply(db: Database) -> None:
    (create,) = db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'projects'").fetchone()
    assert OLD_TYPES in create and OLD_SCRIPT in create, "projects is not as 0014 left it"
    create = create.replace(OLD_TYPES, NEW_TYPES).replace(OLD_SCRIPT, NEW_SCRIPT)
    columns = [row[1] for row in db.conn.execute("PRAGMA table_info(projects)")]
    rebuild = importlib.import_module("core.migrations.0014_content_rows")._rebuild
    create = re.sub(r'^CREATE TABLE "?projects"?', "CREATE TABLE projects_new", create)
    rebuild(db, "projects", create, columns)
    # A recording or a photo is a media row like a task's picture: `kind` says which, the
    # maker is the annotator who gave it (NULL: imported), `original` the bytes as she
    # sent them (kept for the client's export) beside `data`, the small copy phones get.
    db.execute("ALTER TABLE media ADD COLUMN kind TEXT NOT NULL DEFAULT 'image'"
               " CHECK (kind IN ('image', 'audio'))")
    db.execute("ALTER TABLE media ADD COLUMN duration_ms INTEGER"
               " CHECK (duration_ms IS NULL OR duration_ms >= 0)")
    db.execute("ALTER TABLE media ADD COLUMN original BLOB")
    db.execute("ALTER TABLE media ADD COLUMN original_type TEXT")
    db.execute("ALTER TABLE media ADD COLUMN user_id INTEGER REFERENCES users(id)")

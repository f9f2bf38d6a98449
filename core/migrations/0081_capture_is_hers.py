"""A photo or recording answer is her own (#18): the media row it names was made by the
annotator answering, in the same project. An answer is paid, so no route may hand her
someone else's file, or a picture imported by the client, as her work."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("""
        CREATE TRIGGER assignments_capture_is_hers
        BEFORE UPDATE OF answer ON assignments
        WHEN NEW.answer IS NOT NULL AND NEW.answer IS NOT OLD.answer
          AND (SELECT task_type FROM projects WHERE id = NEW.project_id) IN ('photo', 'record')
          AND NOT EXISTS (SELECT 1 FROM media m WHERE m.id = CAST(NEW.answer AS INTEGER)
                          AND m.project_id = NEW.project_id AND m.user_id = NEW.user_id)
        BEGIN
            SELECT RAISE(ABORT, 'capture_not_hers');
        END""")

"""Recording speech (#18): how long a recording may be, which project verifies a record
project's recordings, the verification task's link back to the recording it judges, and
uploads that resume after a dropped link and are stored once."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    # The longest recording a record project takes (seconds): the phone stops there and
    # the server refuses longer ones.
    db.execute("ALTER TABLE projects ADD COLUMN max_record_seconds INTEGER NOT NULL"
               " DEFAULT 15 CHECK (max_record_seconds BETWEEN 2 AND 120)")
    # A record project's recordings become tasks of this verify_recording project.
    db.execute("ALTER TABLE projects ADD COLUMN verified_by_project_id INTEGER"
               " REFERENCES projects(id)")
    # A verification task judges one recording: the recorder's assignment. One task per
    # recording, whatever happens twice.
    db.execute("ALTER TABLE tasks ADD COLUMN recording_assignment_id INTEGER"
               " REFERENCES assignments(id)")
    db.execute("CREATE UNIQUE INDEX tasks_one_per_recording ON tasks(recording_assignment_id)"
               " WHERE recording_assignment_id IS NOT NULL")
    # One upload per file she sends: `key` is the server's name for it (the idempotency
    # key), `received` how many of its `size` bytes are in; once complete it names the
    # media row it became and never changes again.
    db.execute("""CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        assignment_id INTEGER NOT NULL REFERENCES assignments(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size > 0),
        received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
        data BLOB NOT NULL DEFAULT x'',
        media_id INTEGER REFERENCES media(id),
        created_at TEXT NOT NULL,
        done_at TEXT,
        CHECK ((media_id IS NULL) = (done_at IS NULL)),
        CHECK (media_id IS NULL OR received = size),
        -- The bytes in so far; once complete they live in media.original, not here.
        CHECK (length(data) = CASE WHEN media_id IS NULL THEN received ELSE 0 END)
    )""")
    db.execute("CREATE INDEX uploads_assignment ON uploads(assignment_id)")
    # An assignment's answer is one file: at most one upload of it completes.
    db.execute("CREATE UNIQUE INDEX uploads_done_once ON uploads(assignment_id)"
               " WHERE media_id IS NOT NULL")
    db.execute("""CREATE TRIGGER uploads_done_stays BEFORE UPDATE ON uploads
        WHEN OLD.media_id IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'upload_done: a completed upload does not change'); END""")
    # Money: a recording of a verified project is paid only when its listeners said it
    # matches (its verification task settled "yes") or a person accepted it (a
    # supervisor, an appeal); never by the review window's automatic acceptance, nor by
    # any code that forgets the rule.
    db.execute("""CREATE TRIGGER recordings_accepted_when_verified
        BEFORE UPDATE OF review_state ON assignments
        WHEN NEW.review_state = 'accepted' AND OLD.review_state IS NOT 'accepted'
            AND NEW.reviewed_by IS NULL
            AND EXISTS (SELECT 1 FROM projects p WHERE p.id = NEW.project_id
                        AND p.verified_by_project_id IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.recording_assignment_id = NEW.id
                            AND t.status = 'done' AND t.aggregate = 'yes')
        BEGIN SELECT RAISE(ABORT, 'recording_unverified: its listeners have not said yes');
        END""")

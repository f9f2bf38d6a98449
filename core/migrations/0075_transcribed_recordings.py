"""Recordings transcribed (#18): a record project may name the transcription project its
accepted recordings go to; such a task links back to the recording it plays, once."""
from sqlite_utils import Database


def apply(db: Database) -> None:
    # A record project's recordings, once its listeners accept them, become tasks of this
    # transcribe project.
    db.execute("ALTER TABLE projects ADD COLUMN transcribed_by_project_id INTEGER"
               " REFERENCES projects(id)")
    # The recording (the recorder's assignment) a transcription task plays: one task per
    # recording, whatever decides it twice.
    db.execute("ALTER TABLE tasks ADD COLUMN transcribes_assignment_id INTEGER"
               " REFERENCES assignments(id)")
    db.execute("CREATE UNIQUE INDEX tasks_one_transcript_per_recording"
               " ON tasks(transcribes_assignment_id) WHERE transcribes_assignment_id IS NOT NULL")

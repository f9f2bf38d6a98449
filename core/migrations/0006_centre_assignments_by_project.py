"""The supervisor's home counts each project's live leases and today's answers: without
this index each count reads every assignment of every project (#7).
"""
from sqlite_utils import Database


def apply(db: Database) -> None:
    db.execute("CREATE INDEX assignments_project ON assignments(project_id, state,"
               " submitted_at)")

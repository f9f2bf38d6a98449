"""The schema: migrations applied in the order of their numbers, and core/schema.sql kept
equal to what they build, so that a change to the schema shows in review as a diff."""
import importlib
import pathlib
import re

import pytest

from core import migrations
from core.db import connect

SCHEMA_SQL = pathlib.Path(__file__).parent.parent / "core" / "schema.sql"
REGENERATE = "python -m core.migrations > core/schema.sql"


def test_the_committed_schema_is_what_the_migrations_build(tmp_path):
    database = connect(tmp_path / "fresh.db")
    migrations.migrate(database)
    assert migrations.schema(database) == SCHEMA_SQL.read_text(encoding="utf-8"), (
        f"core/schema.sql differs from a freshly migrated database: run `{REGENERATE}`"
        " and review the diff")


def test_migrations_are_applied_in_the_order_of_their_numbers():
    names = [step.name for step in migrations.steps._migrations]
    numbers = [int(name[:4]) for name in names]
    # None twice, in order from 0001; a number may be held for a change not merged yet,
    # so a gap may stand until it lands.
    assert numbers[0] == 1 and numbers == sorted(set(numbers)), names
    assert names == sorted(names)


def test_a_migrated_database_has_nothing_pending_and_migrates_again_unchanged(tmp_path):
    database = connect(tmp_path / "v.db")
    migrations.migrate(database)
    before = migrations.schema(database)
    assert migrations.steps.pending(database) == []
    migrations.migrate(database)
    assert migrations.schema(database) == before



def _statements(database) -> list[str]:
    seen: list[str] = []
    database.conn.set_trace_callback(seen.append)
    return seen


def test_starting_on_a_migrated_database_reads_no_references(tmp_path):
    """A full foreign key check read every row at every start: minutes on a centre's
    quarter (#15). With nothing pending, none runs."""
    database = connect(tmp_path / "started.db")
    migrations.migrate(database)
    seen = _statements(database)
    migrations.migrate(database)
    assert not [sql for sql in seen if "foreign_key_check" in sql]


def test_a_migration_has_the_references_of_what_it_made_or_rebuilt_checked(
        tmp_path, monkeypatch):
    database = connect(tmp_path / "next.db")
    migrations.migrate(database)
    steps = migrations.Migrations("velai")
    for step in migrations.steps._migrations:
        steps(name=step.name)(step.fn)

    @steps(name="9999_rebuild_projects")
    def rebuild(db):
        sql = db.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'projects'"
                              ).fetchone()[0]
        columns = [row[1] for row in db.conn.execute("PRAGMA table_info(projects)")]
        create = re.sub(r'^CREATE TABLE "?projects"?', "CREATE TABLE projects_new", sql)
        importlib.import_module("core.migrations.0014_content_rows")._rebuild(
            db, "projects", create, columns)
        db.execute("CREATE TABLE notes (task_id INTEGER REFERENCES tasks(id))")
        db.execute("INSERT INTO notes VALUES (424242)")  # a reference to no task

    monkeypatch.setattr(migrations, "steps", steps)
    seen = _statements(database)
    with pytest.raises(RuntimeError, match="broken references"):
        migrations.migrate(database)
    checked = {sql.split("[")[1].split("]")[0] for sql in seen if "foreign_key_check" in sql}
    # The rebuilt table, the new one, and those that refer to the rebuilt one; not the rest.
    assert {"projects", "notes", "tasks", "assignments"} <= checked
    assert "audit_log" not in checked and "sessions" not in checked

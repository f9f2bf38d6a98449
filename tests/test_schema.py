"""The schema: migrations applied in the order of their numbers, and core/schema.sql kept
equal to what they build, so that a change to the schema shows in review as a diff."""
import pathlib

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


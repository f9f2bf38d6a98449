"""Named schema migrations, one module each (NNNN_name.py, with `apply(db)`), applied in
the order of their numbers. sqlite-utils records each by its name, so a database keeps
the ones it has and gets only the new ones; adding a migration is adding a file."""
import importlib
import pkgutil
import re

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

NAME = re.compile(r"\d{4}_\w+")


def _declared() -> Migrations:
    steps = Migrations("velai")
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if NAME.fullmatch(m.name))
    for name in names:
        steps(name=name)(importlib.import_module(f"{__name__}.{name}").apply)
    return steps


steps = _declared()


def migrate(db: Database) -> None:
    """Apply pending migrations; WAL lets readers run beside the one writer.

    Foreign keys are off while migrations run, so that a migration may rebuild a table
    (SQLite's way to change a CHECK). When one was applied, the references of the tables
    it made or rebuilt, and of the tables that refer to a rebuilt one, are checked before
    they go back on: a full check reads every row (minutes on a centre's quarter), and
    nothing else can break a reference while foreign keys are off. With nothing pending,
    nothing is read.
    """
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        before = _tables(db)
        pending = steps.pending(db)
        steps.apply(db)
        learn_languages(db)
        if pending:
            broken = [row for table in touched(db, before)
                      for row in db.query(f"PRAGMA foreign_key_check([{table}])")]
            if broken:
                raise RuntimeError(f"migration left broken references: {broken[:5]}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def _tables(db: Database) -> dict:
    """name -> root page of every table (a rebuilt table gets a new one)."""
    return {name: root for name, root in db.conn.execute(
        "SELECT name, rootpage FROM sqlite_master WHERE type = 'table'"
        " AND name NOT LIKE 'sqlite_%'")}


def touched(db: Database, before: dict) -> list[str]:
    """Tables new or rebuilt since `before` (_tables), and the tables whose foreign keys
    refer to a rebuilt one: those whose references a migration may have broken."""
    now = _tables(db)
    changed = {name for name, root in now.items() if before.get(name) != root}
    rebuilt = {name for name in changed if name in before}
    children = {name for name in now for (parent,) in db.conn.execute(
        "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)", (name,))
        if parent in rebuilt}
    return sorted(changed | children)


def learn_languages(db: Database) -> None:
    """Add the languages of core.languages that the database does not know yet (a new
    catalog folder in translations/): users.lang and texts.lang refer to this table.
    A language is never removed here: rows may still be written in it."""
    from core import languages

    if "languages" in db.table_names():
        db.conn.executemany("INSERT OR IGNORE INTO languages (code) VALUES (?)",
                            [(code,) for code in languages.CODES])


def schema(db: Database) -> str:
    """The database's tables, indexes and triggers (in that order, each by name) as SQLite
    keeps their SQL: what core/schema.sql holds (sqlite-utils' own record of the applied
    migrations left out)."""
    found = db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        " AND tbl_name != ? ORDER BY type = 'trigger', type = 'index', name",
        (steps.migrations_table,))
    return "".join(f"{sql};\n\n" for (sql,) in found).rstrip("\n") + "\n"

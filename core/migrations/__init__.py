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
    (SQLite's way to change a CHECK); every reference is checked before they go back on.
    """
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        steps.apply(db)
        learn_languages(db)
        broken = list(db.query("PRAGMA foreign_key_check"))
        if broken:
            raise RuntimeError(f"migration left broken references: {broken[:5]}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


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

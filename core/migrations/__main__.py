"""Print the schema a fresh database gets: `python -m core.migrations > core/schema.sql`."""
import os
import tempfile

from core.db import connect

from . import migrate, schema

with tempfile.TemporaryDirectory() as folder:
    database = connect(os.path.join(folder, "schema.db"))
    migrate(database)
    print(schema(database), end="")

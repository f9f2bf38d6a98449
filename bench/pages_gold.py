"""Check-task and first-day pages for `make bench`, each in its reader's language: Help
(the welcome), the card of a project paused by check tasks, the supervisor's screen."""
import sqlite3

from tests import live

KAVITHA = {"login": "9876500001", "password": live.DEMO["ta"][1], "lang": "ta"}
LAKSHMI = {"login": "9876500009", "password": live.DEMO["ta"][1], "lang": "ta"}  # paused in the demo
MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}


def pages(db_path):
    conn = sqlite3.connect(db_path)
    try:
        leaf = conn.execute("SELECT id FROM projects WHERE slug = 'leaf-health-photos'"
                            ).fetchone()[0]
    finally:
        conn.close()
    return [
        {"name": "help", "path": "/help", **KAVITHA},
        {"name": "home_paused", "path": "/home", **LAKSHMI},
        {"name": "task_paused", "path": "/tasks/leaf-health-photos/next", **LAKSHMI},
        {"name": "sup_gold", "path": f"/supervisor/gold/?project={leaf}", **MEENA},
    ]

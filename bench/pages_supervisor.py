"""Supervisor pages for `make bench`: each is weighed in the supervisor's own language."""

MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}


def pages(db_path):
    return [{"name": "sup_overview", "path": "/supervisor/", **MEENA}]

"""Task-data pages for `make bench`, weighed in Meena's Tamil: the list, the import form,
the import result and the reported tasks (with reports in it, so the page is full)."""
from core import db as coredb
from core import consent, importing, qualifications, tasks, taskdata, users
from tests import live

MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}
PROJECT = "tamil-review-sentiment"


def _prepare(db) -> tuple[int, int]:
    """An import of 20 Tamil rows and a full page of reported tasks; (project, import) ids."""
    project = taskdata.get_project_by_slug(db, PROJECT)
    rows = "".join(f"bench-{i},இந்தக் கடையில் சேவை நன்றாக இருந்தது {i}\n" for i in range(20))
    done = importing.import_tasks(db, project, f"id,text\n{rows}".encode(), "bench.csv")
    centre = project["centre_id"]
    code = coredb.one(db, "SELECT code FROM centres WHERE id = ?", (centre,))["code"]
    for n in range(2):  # two reports each: the tasks are held
        worker = users.create_user(db, login=f"98700{n:05d}", password=live.DEMO["ta"][1],
                                   role="annotator", name=f"Bench {n}", centre=code,
                                   lang="ta", hash_method="pbkdf2:sha256:1000")
        consent.record(db, worker["id"], None)  # agreed at her first login
        qualifications.set_status(db, worker["id"], project["id"], "qualified")  # the quiz
        for _ in range(taskdata.PER_PAGE):
            assignment = tasks.claim_next(db, worker["id"], project)
            tasks.skip(db, assignment["id"], worker["id"], "broken")
    return project["id"], done["audit_id"]


def pages(db_path):
    db = coredb.connect(db_path)
    try:
        project_id, audit_id = _prepare(db)
    finally:
        db.close()
    base = f"/supervisor/projects/{project_id}"
    return [
        {"name": "data_list", "path": "/supervisor/data", **MEENA},
        {"name": "data_import_form", "path": f"{base}/import", **MEENA},
        {"name": "data_import_result", "path": f"{base}/import/{audit_id}", **MEENA},
        {"name": "data_reported", "path": f"{base}/reported", **MEENA},
    ]

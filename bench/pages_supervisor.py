"""Supervisor pages for `make bench`: each is weighed in the supervisor's own language.

A full page of people is what a real centre shows, so the demo's Karur gets a page's
worth of annotators first (through core, as the CSV upload would add them).
"""
from core import db as coredb
from core import people

MEENA = {"login": "meena", "password": "velai-demo", "lang": "ta"}
ADMIN = {"login": "admin", "password": "velai-admin", "lang": "en"}


def _fill_centre(db) -> None:
    if coredb.one(db, "SELECT 1 AS x FROM users WHERE login = '9000000100'"):
        return
    meena = coredb.one(db, "SELECT * FROM users WHERE login = 'meena'")
    rows = "".join(f"கலைச்செல்வி {n},90000001{n:02d},ta,\n" for n in range(people.PAGE_SIZE + 5))
    people.add_many(db, meena, meena["centre_id"], ("name,phone,lang,pin\n" + rows).encode(),
                    hash_method="pbkdf2:sha256:1000")


def pages(db_path):
    db = coredb.connect(db_path)
    try:
        _fill_centre(db)
        kavitha = coredb.one(db, "SELECT id FROM users WHERE login = '9876500001'")["id"]
        project = coredb.one(db, "SELECT id FROM projects WHERE slug = 'tamil-review-sentiment'")
        meena = coredb.one(db, "SELECT id FROM users WHERE login = 'meena'")["id"]
    finally:
        db.conn.close()
    return [
        {"name": "sup_overview", "path": "/supervisor/", **MEENA},
        {"name": "sup_people", "path": "/supervisor/people/", **MEENA},
        {"name": "sup_person", "path": f"/supervisor/people/{kavitha}", **MEENA},
        {"name": "sup_person_edit", "path": f"/supervisor/people/{kavitha}/edit", **MEENA},
        {"name": "sup_person_new", "path": "/supervisor/people/new", **MEENA},
        {"name": "sup_people_upload", "path": "/supervisor/people/upload", **MEENA},
        {"name": "sup_project_new", "path": "/supervisor/projects/new", **MEENA},
        {"name": "sup_project_edit", "path": f"/supervisor/projects/{project['id']}/edit",
         **MEENA},
        {"name": "sup_clients", "path": "/supervisor/clients", **MEENA},
        {"name": "sup_access_log", "path": "/supervisor/access", **MEENA},
        {"name": "admin_overview", "path": "/supervisor/", **ADMIN},
        {"name": "admin_people", "path": "/supervisor/people/", **ADMIN},
        {"name": "admin_centres", "path": "/supervisor/centres", **ADMIN},
        {"name": "admin_staff_password", "path": f"/supervisor/staff/{meena}/password",
         **ADMIN},
    ]

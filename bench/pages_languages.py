"""The main pages in Kannada and Telugu for `make bench`: an annotator's and a supervisor's
in each, weighed in that language like every other page (inside 10 KB). Their scripts
take more bytes a letter than Latin, so the budget is checked in them too.

The readers are made here through core, in the demo's Karur centre (its projects and
people give the pages their usual content), so the figures do not depend on a centre of
that language being in the demo."""
import sys

from core import db as coredb
from core import consent, languages, qualifications, users
from tests import live

NEW = ("kn", "te")  # the languages weighed here: the others are weighed by every module
PIN = live.DEMO["ta"][1]
PASSWORD = "bench-reader-long-password"
CENTRE = "KRR"


def _reader(db, login, role, lang) -> dict:
    """Her account (made once), ready to work in every project of the centre."""
    row = coredb.one(db, "SELECT * FROM users WHERE login = ?", (login,))
    if row is None:
        row = users.create_user(db, login=login, password=PIN if role == "annotator" else PASSWORD,
                                role=role, name=f"{languages.name(lang)} {role}",
                                centre=CENTRE, lang=lang, hash_method="pbkdf2:sha256:1000")
        if role == "annotator":
            consent.record(db, row["id"], None)  # agreed at her first login
            qualifications.qualify_for(
                db, row["id"], qualifications.projects_to_qualify(db, CENTRE, ["all"]))
    return row


def pages(db_path):
    wanted = [code for code in NEW if code in languages.CODES]
    if len(wanted) < len(NEW):
        print(f"bench: {', '.join(set(NEW) - set(wanted))} not in core/languages.py yet:"
              " their pages are not weighed", file=sys.stderr)
    db = coredb.connect(db_path)
    try:
        project = coredb.one(db, "SELECT p.id, p.slug FROM projects p JOIN centres c"
                                 " ON c.id = p.centre_id WHERE c.code = ? AND p.status = 'live'"
                                 " ORDER BY p.id LIMIT 1", (CENTRE,))
        kavitha = coredb.one(db, "SELECT id FROM users WHERE login = '9876500001'")["id"]
        out = []
        for n, lang in enumerate(wanted):
            annotator = {"login": _reader(db, f"98711000{n:02d}", "annotator", lang)["login"],
                         "password": PIN, "lang": lang}
            supervisor = {"login": _reader(db, f"bench-{lang}", "supervisor", lang)["login"],
                          "password": PASSWORD, "lang": lang}
            out += [
                {"name": f"{lang}_home", "path": "/home", **annotator},
                {"name": f"{lang}_task", "path": f"/tasks/{project['slug']}/next", **annotator},
                {"name": f"{lang}_earnings", "path": "/earnings", **annotator},
                {"name": f"{lang}_help", "path": "/help", **annotator},
                {"name": f"{lang}_sup_overview", "path": "/supervisor/", **supervisor},
                {"name": f"{lang}_sup_people", "path": "/supervisor/people/", **supervisor},
                {"name": f"{lang}_sup_person", "path": f"/supervisor/people/{kavitha}",
                 **supervisor},
                {"name": f"{lang}_sup_project_edit",
                 "path": f"/supervisor/projects/{project['id']}/edit", **supervisor},
                {"name": f"{lang}_sup_review", "path": "/supervisor/review", **supervisor},
                {"name": f"{lang}_sup_payouts", "path": "/supervisor/payouts", **supervisor},
            ]
    finally:
        db.conn.close()
    return out

"""Clients as tenants inside a centre (#19): every project has a client of its own centre
(the database holds it), an admin or an unlimited supervisor manages clients and limits,
and a limited supervisor sees only her clients."""
import importlib
import sqlite3

import pytest

from core import clients, users
from core.db import one, rows
from core.errors import Invalid, NotFound


def test_every_project_gets_its_centres_first_client(db, make_project):
    project = make_project()
    client = one(db, "SELECT * FROM clients WHERE id = ?", (project["client_id"],))
    assert client["centre_id"] == project["centre_id"]
    assert client["name"] == importlib.import_module("core.migrations.0090_clients").DEFAULT_NAME


def test_a_new_centre_starts_with_a_client(db):
    centre = users.get_centre(db, "TRY", "Tiruchi", create=True)
    assert [r["name"] for r in rows(db, "SELECT name FROM clients WHERE centre_id = ?",
                                     (centre["id"],))] == ["Centre's own work"]


def test_the_migration_gives_existing_projects_a_client(tmp_path):
    """A database from before 0090: its projects get their centre's first client."""
    from core import db as coredb
    from core.migrations import steps

    db = coredb.connect(tmp_path / "old.db")
    db.execute("PRAGMA foreign_keys = OFF")
    for migration in steps.pending(db):
        if migration.name >= "0090":
            break
        migration.fn(db)
    db.execute("INSERT INTO centres (code, name) VALUES ('KRR', 'Karur')")
    db.execute("INSERT INTO projects (centre_id, slug, task_type, pay_paise, created_at)"
               " VALUES (1, 'old', 'yes_no', 10, '2026-01-01 00:00:00')")
    importlib.import_module("core.migrations.0090_clients").apply(db)
    project = one(db, "SELECT client_id FROM projects WHERE slug = 'old'")
    assert one(db, "SELECT centre_id FROM clients WHERE id = ?",
               (project["client_id"],))["centre_id"] == 1
    db.close()


def test_the_database_refuses_a_project_of_another_centres_client_or_none(db, make_project):
    karur = make_project()
    sitapur = make_project(centre="STP", slug="p-stp")
    with pytest.raises(sqlite3.IntegrityError, match="client of its own centre"):
        db.execute("UPDATE projects SET client_id = ? WHERE id = ?",
                   (sitapur["client_id"], karur["id"]))
    with pytest.raises(sqlite3.IntegrityError, match="client of its own centre"):
        db.execute("UPDATE projects SET client_id = NULL WHERE id = ?", (karur["id"],))


def test_only_a_supervisor_of_the_clients_centre_may_be_limited_to_it(db, make_user,
                                                                      make_project):
    project = make_project()
    for person in (make_user(), make_user(role="supervisor", centre="STP")):
        with pytest.raises(sqlite3.IntegrityError, match="only a supervisor"):
            db.execute("INSERT INTO user_clients (user_id, client_id) VALUES (?, ?)",
                       (person["id"], project["client_id"]))


def test_names_are_checked_and_unique_in_a_centre(db, make_user, make_project):
    project = make_project()
    boss = make_user(role="supervisor")
    with pytest.raises(Invalid) as refusal:
        clients.add_client(db, boss, project["centre_id"], "   ")
    assert refusal.value.code == "client_name"
    clients.add_client(db, boss, project["centre_id"], "Agri  Co")
    with pytest.raises(Invalid) as refusal:
        clients.add_client(db, boss, project["centre_id"], "Agri Co")
    assert refusal.value.code == "client_taken"


def test_a_limited_supervisor_manages_nothing_and_sees_only_her_clients(db, make_user,
                                                                        make_project):
    project = make_project()
    boss = make_user(role="supervisor")
    other = clients.add_client(db, boss, project["centre_id"], "Seed Co")
    limited = make_user(role="supervisor")
    assert clients.limit_supervisor(db, boss, limited["id"], [other["id"]]) == [other["id"]]
    assert [c["name"] for c in clients.list_clients(db, limited)] == ["Seed Co"]
    assert len(clients.list_clients(db, boss)) == 2
    with pytest.raises(NotFound):
        clients.add_client(db, limited, project["centre_id"], "Mine")
    with pytest.raises(NotFound):
        clients.limit_supervisor(db, limited, boss["id"], [])
    with pytest.raises(NotFound):  # nobody lifts her own limit, nor sets one on herself
        clients.limit_supervisor(db, boss, boss["id"], [other["id"]])
    # No clients ticked: every client of her centre again.
    assert clients.limit_supervisor(db, boss, limited["id"], []) == []
    assert len(clients.list_clients(db, limited)) == 2


def test_the_clients_page_adds_renames_moves_and_limits(db, visitor, make_user, make_project):
    project = make_project()
    boss, deputy = make_user(role="supervisor"), make_user(role="supervisor")
    visitor.login(boss)
    page = visitor.get("/supervisor/clients").get_data(as_text=True)
    assert "Centre&#39;s own work" in page and "New client" in page
    assert visitor.post("/supervisor/clients", {"name": "Agri Co"}).status_code == 303
    agri = one(db, "SELECT * FROM clients WHERE name = 'Agri Co'")
    assert visitor.post(f"/supervisor/clients/{agri['id']}",
                        {"name": "Agri Co (Tamil)"}).status_code == 303
    assert visitor.post("/supervisor/clients/projects",
                        {"project": project["id"], "client": agri["id"]}).status_code == 303
    assert one(db, "SELECT client_id FROM projects WHERE id = ?",
               (project["id"],))["client_id"] == agri["id"]
    assert visitor.post(f"/supervisor/clients/supervisors/{deputy['id']}",
                        {"clients": str(agri["id"])}).status_code == 303
    assert rows(db, "SELECT client_id FROM user_clients WHERE user_id = ?",
                (deputy["id"],)) == [{"client_id": agri["id"]}]
    refused = visitor.post("/supervisor/clients", {"name": "Agri Co (Tamil)"})
    assert refused.status_code == 400
    assert "already has a client by that name" in refused.get_data(as_text=True)
    audit = [r["action"] for r in rows(db, "SELECT action FROM audit_log ORDER BY id")]
    assert {"client.create", "client.rename", "project.client", "user.clients"} <= set(audit)


def test_the_project_list_narrows_to_a_client(db, visitor, make_user, make_project):
    first = make_project()
    boss = make_user(role="supervisor")
    other = clients.add_client(db, boss, first["centre_id"], "Seed Co")
    second = make_project(slug="p-seed")
    clients.set_project_client(db, boss, second["id"], other["id"])
    db.execute("INSERT INTO texts (kind, owner_id, field, lang, text)"
               " VALUES ('project', ?, 'name', 'en', 'Seed photos')"
               " ON CONFLICT DO UPDATE SET text = excluded.text", (second["id"],))
    visitor.login(boss)
    everything = visitor.get("/supervisor/").get_data(as_text=True)
    assert "Seed photos" in everything and "Reviews" in everything and "All clients" in everything
    narrowed = visitor.get(f"/supervisor/?client={other['id']}").get_data(as_text=True)
    assert "Seed photos" in narrowed and "Reviews" not in narrowed
    quality = visitor.get(f"/supervisor/quality?client={other['id']}").get_data(as_text=True)
    assert "Seed photos" in quality and "Reviews" not in quality
    data = visitor.get(f"/supervisor/data?client={first['client_id']}").get_data(as_text=True)
    assert "Reviews" in data and "Seed photos" not in data


def test_the_demo_has_two_clients_in_karur_and_kala_sees_one(db, app):
    from core import demo
    from tests.conftest import Visitor

    demo.seed(db, hash_method="pbkdf2:sha256:1000")
    karur = one(db, "SELECT id FROM centres WHERE code = 'KRR'")["id"]
    assert [r["name"] for r in rows(db, "SELECT name FROM clients WHERE centre_id = ?"
                                        " ORDER BY id", (karur,))] == list(demo.data.CLIENTS)
    visitor = Visitor(app.test_client())
    visitor.login({"login": "kala", "role": "supervisor"}, password="velai-demo")
    page = visitor.get("/supervisor/data").get_data(as_text=True)
    assert "/supervisor/projects/%d/" % one(
        db, "SELECT id FROM projects WHERE slug = 'leaf-health-photos'")["id"] in page
    for slug in ("tamil-review-sentiment", "english-to-tamil"):
        project = one(db, "SELECT id FROM projects WHERE slug = ?", (slug,))
        assert "/supervisor/projects/%d/" % project["id"] not in page
        assert visitor.get(f"/supervisor/projects/{project['id']}/export.csv").status_code == 404


def test_a_project_a_limited_supervisor_makes_is_her_clients(db, make_user, make_project):
    from core import projects

    first = make_project()
    boss = make_user(role="supervisor")
    other = clients.add_client(db, boss, first["centre_id"], "Seed Co")
    limited = make_user(role="supervisor")
    clients.limit_supervisor(db, boss, limited["id"], [other["id"]])
    made = projects.save_project(db, limited, {
        "slug": "seed-photos", "task_type": "yes_no", "name": {"en": "Seed photos"},
        "languages": ["en"], "pay": "0.50", "status": "draft"})
    assert made["client_id"] == other["id"]
    assert projects.get_project_or_404(db, limited, made["id"])["id"] == made["id"]

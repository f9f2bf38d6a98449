"""A phone several people share (#10): her key only in her pages, nothing of her in the
saved offline page, her pages kept out of the browser's cache."""
import re

from core.db import one


def test_each_person_has_her_own_key_and_only_her_pages_carry_it(visitor, make_user, db):
    first, second = make_user(), make_user()
    keys = [one(db, "SELECT offline_key FROM users WHERE id = ?", (u["id"],))["offline_key"]
            for u in (first, second)]
    assert all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys) and keys[0] != keys[1]
    visitor.login(first)
    home = visitor.get("/home").get_data(as_text=True)
    assert f'data-key="{keys[0]}"' in home and keys[1] not in home
    visitor.post("/logout")
    assert keys[0] not in visitor.get("/login").get_data(as_text=True)


def test_the_offline_page_holds_nothing_of_the_person_who_saved_it(visitor, make_user, db):
    worker = make_user(lang="ta")
    key = one(db, "SELECT offline_key FROM users WHERE id = ?", (worker["id"],))["offline_key"]
    visitor.login(worker)
    response = visitor.get("/offline")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="ta"' in page and "சிக்னல்" in page
    for hers in (key, worker["name"], worker["login"], "csrf", "data-user", "<script"):
        assert hers not in page, hers


def test_her_pages_are_not_stored_by_the_browser_cache(visitor, make_user, make_project):
    project = make_project()
    visitor.login(make_user())
    for url in ("/home", f"/tasks/{project['slug']}/next", "/earnings"):
        assert visitor.get(url).headers["Cache-Control"] == "no-store", url
    fragment = visitor.get(f"/tasks/{project['slug']}/next", htmx=True)
    assert "Cache-Control" not in fragment.headers  # bytes saved on every task
    assert "no-store" not in visitor.get("/offline").headers.get("Cache-Control", "")


def test_a_new_account_gets_a_key_from_the_database_itself(db, make_user):
    centre = make_user()["centre_id"]
    db.execute("INSERT INTO users (login, name, role, centre_id, password_hash, created_at)"
               " VALUES ('direct', 'Direct', 'annotator', ?, 'h', 'now')", (centre,))
    keys = [r["offline_key"] for r in db.query("SELECT offline_key FROM users")]
    assert len(keys) == 2 and all(k and len(k) == 64 for k in keys) and keys[0] != keys[1]

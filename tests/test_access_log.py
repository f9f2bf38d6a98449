"""The item-level access log (#19): every view of a task's content or media, by an
annotator, a reviewer, a supervisor or an export, is one row (who, which session, what,
when); written with the claim it records, append-only, kept 400 days, searchable and
exported per client by a supervisor of that client."""
import csv
import datetime as dt
import io
import random
import sqlite3

import pytest

from core import access_log, clients, projects, review, tasks
from core import db as coredb
from core.clock import stamp, utcnow
from core.db import one, rows


def _log(db, **where):
    access_log.flush(db)  # the recent rows into the searchable table
    clause = " AND ".join(f"{key} = :{key}" for key in where) or "1"
    return rows(db, f"SELECT * FROM access_log WHERE {clause} ORDER BY id", where)


@pytest.fixture
def picture():
    from core.demo import leaf_picture
    from core.media import prepare_image
    return prepare_image(leaf_picture("healthy", random.Random(2)))


def test_the_task_card_she_is_shown_is_logged_with_her_session(db, visitor, make_user,
                                                               make_project):
    project = make_project()
    her = make_user()
    visitor.login(her)
    page = visitor.get(f"/tasks/{project['slug']}/next")
    assert page.status_code == 200
    held = one(db, "SELECT * FROM assignments WHERE user_id = ?", (her["id"],))
    [row] = _log(db, user_id=her["id"])
    assert (row["kind"], row["task_id"], row["project_id"], row["client_id"]) == \
        ("task", held["task_id"], project["id"], project["client_id"])
    # Which session: a digest, never the session id itself (a credential).
    [session] = rows(db, "SELECT id FROM sessions WHERE user_id = ? AND ended_at IS NULL",
                     (her["id"],))
    assert row["session"] and len(row["session"]) == 16 and row["session"] not in session["id"]
    # The reload shows the same card again: a second view.
    visitor.get(f"/tasks/{project['slug']}/next")
    assert [r["task_id"] for r in _log(db, user_id=her["id"])] == [held["task_id"]] * 2


def test_an_answer_and_the_next_card_take_one_write_with_its_log_row(db, visitor, make_user,
                                                                     make_project,
                                                                     monkeypatch):
    """The next card's row goes in the answer's own transaction: no commit of its own."""
    project = make_project()
    her = make_user()
    visitor.login(her)
    visitor.get(f"/tasks/{project['slug']}/next")
    first = one(db, "SELECT id FROM assignments WHERE user_id = ?", (her["id"],))["id"]
    writes = []
    real = coredb.write

    def counted(database, durable=True):
        writes.append(durable)
        return real(database, durable)

    for module in (coredb, tasks, access_log):
        monkeypatch.setattr(module, "write", counted)
    response = visitor.post(f"/answers/{first}", {"answer": "pos"}, htmx=True)
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert writes == [True]
    shown = _log(db, user_id=her["id"])
    assert len(shown) == 2 and shown[1]["task_id"] != shown[0]["task_id"]


def test_a_picture_is_logged_when_fetched_by_her_and_by_a_supervisor(db, visitor, make_user,
                                                                    make_project, app,
                                                                    picture):
    project = make_project(tasks=0)
    projects.add_tasks(db, project["id"], [{"image": picture}])
    her, boss = make_user(), make_user(role="supervisor")
    visitor.login(her)
    visitor.get(f"/tasks/{project['slug']}/next")
    media = one(db, "SELECT media_id FROM tasks WHERE project_id = ?", (project["id"],))
    assert visitor.get(f"/media/{media['media_id']}").status_code == 200
    seen = _log(db, user_id=her["id"], kind="media")
    assert [(r["media_id"], r["project_id"]) for r in seen] == [(media["media_id"],
                                                                 project["id"])]
    staff = type(visitor)(app.test_client())
    staff.login(boss)
    for path in (f"/supervisor/media/{media['media_id']}",
                 f"/supervisor/review/media/{media['media_id']}"):
        assert staff.get(path).status_code == 200
    assert len(_log(db, user_id=boss["id"], kind="media")) == 2


def test_the_review_queue_logs_each_answer_it_shows(db, visitor, make_user, make_project):
    project = make_project()
    workers = [make_user() for _ in range(2)]
    for worker in workers:
        assignment = tasks.claim_next(db, worker["id"], project)
        tasks.record_answer(db, assignment["id"], worker["id"], "pos")
    boss = make_user(role="supervisor")
    visitor.login(boss)
    assert visitor.get("/supervisor/review?reason=any").status_code == 200
    shown = _log(db, user_id=boss["id"], kind="task")
    pending = rows(db, "SELECT task_id FROM assignments WHERE review_state = 'pending'")
    assert sorted(r["task_id"] for r in shown) == sorted(r["task_id"] for r in pending)


def test_an_export_is_one_row_with_its_task_count(db, visitor, make_user, make_project):
    project = make_project(tasks=7)
    boss = make_user(role="supervisor")
    visitor.login(boss)
    response = visitor.get(f"/supervisor/projects/{project['id']}/export.csv")
    assert response.status_code == 200
    response.get_data()
    [row] = _log(db, user_id=boss["id"])
    assert (row["kind"], row["items"], row["project_id"], row["task_id"]) == \
        ("export", 7, project["id"], None)


def test_the_log_refuses_any_update_and_any_delete_before_its_retention(db, make_user,
                                                                        make_project):
    project = make_project()
    her = make_user()
    tasks.claim_next(db, her["id"], project)
    [row] = _log(db, user_id=her["id"])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE access_log SET user_id = NULL WHERE id = ?", (row["id"],))
    # The rows not yet moved are held alike: no change, and no delete before the move.
    tasks.claim_next(db, make_user()["id"], project)
    recent = one(db, "SELECT max(id) AS id FROM access_log_recent")["id"]
    assert one(db, "SELECT count(*) AS n FROM access_log WHERE id = ?", (recent,))["n"] == 0
    for sql in ("UPDATE access_log_recent SET user_id = NULL WHERE id = ?",
                "DELETE FROM access_log_recent WHERE id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql, (recent,))
    with pytest.raises(sqlite3.IntegrityError, match="kept 400 days"):
        db.execute("DELETE FROM access_log WHERE id = ?", (row["id"],))
    # 399 days old: still kept, by the purge too; 401 days: the purge takes it.
    for days in (399, 401):
        db.execute("INSERT INTO access_log (at, user_id, kind, task_id, project_id, client_id)"
                   " VALUES (?, ?, 'task', ?, ?, ?)",
                   (stamp(utcnow() - dt.timedelta(days=days)), her["id"], row["task_id"],
                    project["id"], project["client_id"]))
    with pytest.raises(sqlite3.IntegrityError, match="kept 400 days"):
        db.execute("DELETE FROM access_log WHERE at < ?",
                   (stamp(utcnow() - dt.timedelta(days=398)),))
    assert access_log.purge_expired(db) == 1
    assert len(_log(db, user_id=her["id"])) == 2


def test_a_view_is_not_logged_when_the_log_is_switched_off_for_measuring(tmp_path,
                                                                         migrated_template):
    import shutil

    from tests.conftest import Visitor, app_for, project_maker, user_maker

    path = tmp_path / "off.db"
    shutil.copyfile(migrated_template, path)
    app = app_for(path)
    app.config["ACCESS_LOG"] = False
    db = coredb.connect(path)
    project = project_maker(db)()
    her = user_maker(db)()
    visitor = Visitor(app.test_client())
    visitor.login(her)
    assert visitor.get(f"/tasks/{project['slug']}/next").status_code == 200
    assert one(db, "SELECT count(*) AS n FROM assignments")["n"] == 1
    assert one(db, "SELECT count(*) AS n FROM access_log")["n"] == 0
    db.close()


@pytest.fixture
def two_clients(db, make_user, make_project):
    """Karur: the first client's project, a second client's, an annotator who saw a task
    of each, and a supervisor limited to the second client."""
    admin = make_user(role="admin")
    first = make_project()
    other = clients.add_client(db, admin, first["centre_id"], "Seed Co")
    second = make_project(slug="p-seed")
    clients.set_project_client(db, admin, second["id"], other["id"])
    her = make_user()
    seen = [tasks.claim_next(db, her["id"], project) for project in (first, second)]
    limited = make_user(role="supervisor")
    clients.limit_supervisor(db, admin, limited["id"], [other["id"]])
    return {"first": first, "second": second, "other": other, "her": her, "seen": seen,
            "limited": limited, "boss": make_user(role="supervisor")}


def test_a_limited_supervisor_searches_only_her_clients_log(db, two_clients):
    world = two_clients
    found, more = access_log.search(db, world["limited"], {})
    assert {r["project_id"] for r in found} == {world["second"]["id"]} and not more
    everything, _ = access_log.search(db, world["boss"], {})
    assert {r["project_id"] for r in everything} == {world["first"]["id"], world["second"]["id"]}
    # Narrowed by client, project, person and item; another client's item finds nothing.
    assert access_log.search(db, world["boss"], {"client": world["other"]["id"]})[0] == found
    assert access_log.search(db, world["boss"], {"person": world["her"]["login"]})[0] == \
        everything
    task = world["seen"][0]["task_id"]
    assert [r["task_id"] for r in access_log.search(db, world["boss"], {"task": task})[0]] == \
        [task]
    assert access_log.search(db, world["limited"], {"task": task})[0] == []
    assert access_log.search(db, world["limited"],
                             {"project": world["first"]["id"]})[0] == []


def test_the_access_log_page_filters_pages_and_exports_csv(db, visitor, two_clients):
    world = two_clients
    visitor.login(world["limited"])
    page = visitor.get("/supervisor/access").get_data(as_text=True)
    assert "p-seed" in page and world["first"]["slug"] not in page
    assert world["her"]["name"] in page
    # Her own visit to a client she is not given: 404.
    first_client = world["first"]["client_id"]
    assert visitor.get(f"/supervisor/access?client={first_client}").status_code == 404
    response = visitor.get(f"/supervisor/access.csv?person={world['her']['login']}")
    assert response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == list(access_log.CSV_HEADER)
    body = [dict(zip(table[0], line)) for line in table[1:]]
    assert [(r["project"], r["client"], r["user_name"]) for r in body if r["kind"] == "task"] \
        == [("p-seed", "Seed Co", world["her"]["name"])]


def test_the_access_log_page_is_paged(db, visitor, make_user, make_project):
    project = make_project(tasks=0)
    projects.add_tasks(db, project["id"], [{"text": f"T {i}"} for i in range(40)])
    worker = make_user()
    # A batch of 35 tasks: the project's batch size, all of its open tasks may go.
    db.execute("UPDATE projects SET batch_size = 35, batch_share_percent = 100 WHERE id = ?",
               (project["id"],))
    project = {**project, "batch_size": 35, "batch_share_percent": 100}
    batch = tasks.claim_batch(db, worker["id"], project)
    assert len(batch) == 35
    boss = make_user(role="supervisor")
    visitor.login(boss)
    first = visitor.get("/supervisor/access").get_data(as_text=True)
    assert "page=2" in first
    second = visitor.get("/supervisor/access?page=2").get_data(as_text=True)
    assert f"Task {batch[0]['task_id']}" in second and f"Task {batch[0]['task_id']}<" not in first


def test_a_reviewers_view_names_her_and_the_client(db, two_clients):
    world = two_clients
    assignment = world["seen"][1]
    tasks.record_answer(db, assignment["id"], world["her"]["id"], "pos")
    result = review.queue(db, world["limited"], {"reason": "any"})
    assert [r["task_id"] for r in result["rows"]] == [assignment["task_id"]]
    [row] = _log(db, user_id=world["limited"]["id"])
    assert (row["task_id"], row["client_id"]) == (assignment["task_id"], world["other"]["id"])


def test_the_purge_command_removes_only_rows_past_their_retention(app, db, make_user,
                                                                  make_project):
    project = make_project()
    her = make_user()
    tasks.claim_next(db, her["id"], project)
    db.execute("INSERT INTO access_log (at, user_id, kind, task_id, project_id, client_id)"
               " VALUES (?, ?, 'task', 1, ?, ?)",
               (stamp(utcnow() - dt.timedelta(days=500)), her["id"], project["id"],
                project["client_id"]))
    result = app.test_cli_runner().invoke(args=["purge-access-log"])
    assert result.exit_code == 0 and "Deleted 1 " in result.output
    assert len(_log(db, user_id=her["id"])) == 1


def test_recent_rows_move_in_batches_and_ids_never_start_over(db, make_user, make_project,
                                                              monkeypatch):
    """Rows go in with no index to update (one page a cycle); every FLUSH_EVERY-th moves
    the batch into the searchable table, keeping ids; ids go on after a move."""
    monkeypatch.setattr(access_log, "FLUSH_EVERY", 3)
    project = make_project(tasks=10)
    workers = [make_user() for _ in range(5)]
    for worker in workers[:2]:
        tasks.claim_next(db, worker["id"], project)
    assert one(db, "SELECT count(*) AS n FROM access_log")["n"] == 0
    tasks.claim_next(db, workers[2]["id"], project)  # the third: the batch moves
    assert [r["id"] for r in rows(db, "SELECT id FROM access_log ORDER BY id")] == [1, 2, 3]
    assert [r["id"] for r in rows(db, "SELECT id FROM access_log_recent")] == [3]
    for worker in workers[3:]:
        tasks.claim_next(db, worker["id"], project)
    access_log.flush(db)
    assert [r["id"] for r in rows(db, "SELECT id FROM access_log ORDER BY id")] == \
        [1, 2, 3, 4, 5]
    assert [r["user_id"] for r in rows(db, "SELECT user_id FROM access_log ORDER BY id")] == \
        [w["id"] for w in workers]

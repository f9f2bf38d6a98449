"""The supervisor's home, and access: a supervisor sees and changes only her own centre
(admin: every centre); another centre's ids give 404 and change nothing."""
import datetime as dt
import re

import pytest

from core import people, projects, tasks
from core.db import one


def test_home_counts_open_in_progress_done_and_held_tasks_and_today(visitor, db, make_user,
                                                                     make_project):
    project = make_project(tasks=4, redundancy=1)
    other = make_project(tasks=3, centre="STP", slug="other-centre")
    a, b = make_user(), make_user()
    first = tasks.claim_next(db, a["id"], project)
    tasks.record_answer(db, first["id"], a["id"], "pos")
    tasks.claim_next(db, a["id"], project)  # a live lease: in progress
    held = tasks.claim_next(db, b["id"], project)
    db.execute("UPDATE tasks SET status = 'held' WHERE id = ?", (held["task_id"],))
    meena = make_user(role="supervisor", password="long-password")
    visitor.login(meena, password="long-password")
    body = visitor.get("/supervisor/").get_data(as_text=True)
    row = projects.centre_overview(db, meena["centre_id"])[0][0]
    assert (row["tasks_open"], row["tasks_in_progress"], row["tasks_done"],
            row["tasks_held"], row["answers_today"]) == (1, 1, 1, 1, 1)
    assert projects.centre_today(db, meena["centre_id"]) == {"answers": 1, "annotators": 1}
    # One row per project: open, being answered, done, held, answers today.
    row = re.search(r'<tr>\n<td><b>[^<]+</b>.*?</tr>', body, re.S).group(0)
    assert re.findall(r'<td class="n" data-label="([^"]+)">(\d+)</td>', row) == [
        ("Tasks open", "1"), ("Being answered now", "1"), ("Tasks done", "1"),
        ("Tasks held", "1"), ("Answers today", "1")]
    assert "Annotators active today</dt><dd>1" in body
    for link in ("/supervisor/people/", "/supervisor/people/new", "/supervisor/people/upload",
                 "/supervisor/projects/new", f"/supervisor/projects/{project['id']}/edit"):
        assert f'href="{link}' in body, link
    assert f"/supervisor/projects/{other['id']}/edit" not in body


def test_answers_today_start_at_midnight_in_india(db, make_user, make_project):
    project = make_project(tasks=2, redundancy=1)
    worker = make_user()
    evening = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.timezone.utc)  # 23:30 in India
    done = tasks.claim_next(db, worker["id"], project, now=evening)
    tasks.record_answer(db, done["id"], worker["id"], "pos", now=evening)
    after_midnight = evening + dt.timedelta(hours=1)
    assert projects.centre_today(db, project["centre_id"], now=evening)["answers"] == 1
    assert projects.centre_today(db, project["centre_id"], now=after_midnight)["answers"] == 0


def test_home_is_in_tamil_for_a_tamil_supervisor(visitor, make_user, make_project):
    make_project()
    meena = make_user(role="supervisor", lang="ta", password="long-password")
    visitor.login(meena, password="long-password")
    body = visitor.get("/supervisor/").get_data(as_text=True)
    assert '<html lang="ta">' in body and "இன்றைய பதில்கள்" in body


def test_admin_sees_every_centre_and_filters_by_one(visitor, db, make_user, make_project):
    krr = make_project(slug="krr-one")
    stp = make_project(centre="STP", slug="stp-one")
    admin = make_user(role="admin", password="long-password")
    visitor.login(admin, password="long-password")
    every = visitor.get("/supervisor/").get_data(as_text=True)
    assert f"/projects/{krr['id']}/edit" in every and f"/projects/{stp['id']}/edit" in every
    only = visitor.get(f"/supervisor/?centre={stp['centre_id']}").get_data(as_text=True)
    assert f"/projects/{krr['id']}/edit" not in only and f"/projects/{stp['id']}/edit" in only
    assert visitor.get("/supervisor/?centre=999").status_code == 404
    assert visitor.get("/supervisor/?centre=x").status_code == 200


@pytest.fixture
def two_centres(db, make_user, make_project):
    """Meena of KRR, and Rakesh's STP with an annotator and a project."""
    meena = make_user(role="supervisor", password="long-password")
    stp_worker = make_user(centre="STP")
    stp_project = make_project(centre="STP", slug="stp-project")
    krr_worker = make_user()
    krr_project = make_project(slug="krr-project")
    rakesh = make_user(role="supervisor", centre="STP", password="long-password")
    return {"meena": meena, "worker": stp_worker, "project": stp_project,
            "krr_worker": krr_worker, "krr_project": krr_project, "rakesh": rakesh}


GETS = ["/supervisor/people/{worker}", "/supervisor/projects/{project}/edit",
        "/supervisor/?centre={centre}", "/supervisor/people/?centre={centre}",
        "/supervisor/people/{worker}/edit"]
# Supervisors and admins are managed by an admin only: to a supervisor, another centre's
# supervisor and her own account alike are not found.
STAFF_GETS = ["/supervisor/staff/{staff}/password", "/supervisor/staff/{meena}/password"]
POSTS = [
    ("/supervisor/people/{worker}/edit", {"name": "Taken over", "phone": "9000012399",
                                          "lang": "ta"}),
    ("/supervisor/people/{worker}/edit", {"name": "", "phone": "1", "lang": "xx"}),
    ("/supervisor/staff/{staff}/password", {"password": "a long password"}),
    ("/supervisor/staff/{staff}/password", {"password": ""}),
    ("/supervisor/staff/{meena}/password", {"password": "a long password"}),
    ("/supervisor/staff/{staff}/active", {"active": "0"}),
    ("/supervisor/staff/{meena}/active", {"active": "0"}),
    ("/supervisor/people/{worker}/pin", {}),
    ("/supervisor/people/{worker}/unlock", {}),
    ("/supervisor/people/{worker}/active", {"active": "0"}),
    ("/supervisor/people/{worker}/projects/{project}", {"status": "paused"}),
    ("/supervisor/people/{krr_worker}/projects/{project}", {"status": "paused"}),
    ("/supervisor/projects/{project}/edit", {"name_en": "Taken over", "pay": "9.00"}),
    ("/supervisor/people/new", {"name": "A", "phone": "9000012345", "lang": "ta",
                                "centre": "{centre}"}),
    ("/supervisor/projects/new", {"slug": "sneaky", "name_en": "S", "task_type": "yes_no",
                                  "redundancy": "1", "pay": "1", "lease_minutes": "5",
                                  "gold_percent": "0", "status": "live", "centre": "{centre}"}),
]


def _ids(two_centres):
    return {"worker": two_centres["worker"]["id"], "project": two_centres["project"]["id"],
            "centre": two_centres["project"]["centre_id"],
            "krr_worker": two_centres["krr_worker"]["id"],
            "staff": two_centres["rakesh"]["id"], "meena": two_centres["meena"]["id"]}


def _snapshot(db):
    return [list(db.query(f"SELECT * FROM {table} ORDER BY rowid")) for table in
            ("users", "projects", "labels", "qualifications", "audit_log", "login_attempts")]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("path", GETS + STAFF_GETS)
def test_a_supervisor_gets_404_for_another_centres_pages(visitor, two_centres, path, htmx):
    visitor.login(two_centres["meena"], password="long-password")
    response = visitor.get(path.format(**_ids(two_centres)), htmx=htmx)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert two_centres["worker"]["name"] not in body


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("path,data", POSTS)
def test_a_supervisor_changes_nothing_of_another_centre(visitor, db, two_centres, path, data,
                                                        htmx):
    ids = _ids(two_centres)
    visitor.login(two_centres["meena"], password="long-password")
    before = _snapshot(db)
    response = visitor.post(path.format(**ids), {k: v.format(**ids) for k, v in data.items()},
                            htmx=htmx)
    assert response.status_code == 404
    assert _snapshot(db) == before


def test_the_same_pages_work_for_her_own_centre(visitor, two_centres):
    """The 404s above are about the centre, not broken pages."""
    visitor.login(two_centres["meena"], password="long-password")
    own = {"worker": two_centres["krr_worker"]["id"],
           "project": two_centres["krr_project"]["id"],
           "centre": two_centres["meena"]["centre_id"]}
    for path in GETS:
        assert visitor.get(path.format(**own)).status_code == 200, path


def test_admin_may_open_and_change_any_centre(visitor, db, two_centres, make_user):
    admin = make_user(role="admin", password="long-password")
    visitor.login(admin, password="long-password")
    ids = _ids(two_centres)
    for path in GETS + STAFF_GETS:
        assert visitor.get(path.format(**ids)).status_code == 200, path
    visitor.post(f"/supervisor/people/{ids['worker']}/active", {"active": "0"})
    assert one(db, "SELECT active FROM users WHERE id = ?", (ids["worker"],))["active"] == 0


def test_only_annotators_are_people_to_manage(visitor, db, make_user):
    meena = make_user(role="supervisor", password="long-password")
    colleague = make_user(role="supervisor", password="long-password")
    visitor.login(meena, password="long-password")
    assert visitor.get(f"/supervisor/people/{colleague['id']}").status_code == 404
    assert visitor.post(f"/supervisor/people/{colleague['id']}/pin").status_code == 404


def test_an_annotator_is_refused_every_supervisor_screen(visitor, make_user, two_centres):
    worker = two_centres["krr_worker"]
    visitor.login(worker)
    for path in ("/supervisor/", "/supervisor/people/", "/supervisor/people/new",
                 "/supervisor/projects/new", "/supervisor/centres",
                 f"/supervisor/people/{worker['id']}"):
        assert visitor.get(path).status_code == 403, path
    assert visitor.post(f"/supervisor/people/{worker['id']}/pin").status_code == 403


def test_get_or_404_functions_refuse_foreign_rows_without_flask(db, two_centres):
    from core.errors import NotFound

    meena = two_centres["meena"]
    for call in (lambda: people.get_person_or_404(db, meena, two_centres["worker"]["id"]),
                 lambda: projects.get_project_or_404(db, meena, two_centres["project"]["id"]),
                 lambda: people.get_centre_or_404(db, meena, two_centres["project"]["centre_id"]),
                 lambda: people.get_person_or_404(db, meena, 10**9),
                 lambda: people.get_staff_or_404(db, meena, two_centres["rakesh"]["id"]),
                 lambda: people.get_staff_or_404(db, meena, meena["id"])):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("lang", ["ta", "hi"])
def test_supervisor_pages_in_tamil_and_hindi_have_no_english_left(visitor, db, make_user,
                                                                 make_project, lang):
    from tests.test_i18n import DEVANAGARI, LATIN_WORD, TAMIL, _text_of

    project = make_project(tasks=2)
    worker = make_user()
    boss = make_user(role="supervisor", lang=lang, password="long-password")
    visitor.login(boss, password="long-password")
    for url in ("/supervisor/", "/supervisor/people/", f"/supervisor/people/{worker['id']}",
                "/supervisor/people/new", f"/supervisor/people/{worker['id']}/edit"):
        body = visitor.get(url).get_data(as_text=True)
        assert f'<html lang="{lang}">' in body
        text = _text_of(body)
        for data in (worker["name"], worker["login"], "English", "KRR", project["slug"],
                     "CSV", "JSONL", "zip"):  # file formats, named as the files are
            text = text.replace(data, "")
        assert (TAMIL if lang == "ta" else DEVANAGARI).search(text), url
        assert not LATIN_WORD.findall(text), f"{url}: English left: {LATIN_WORD.findall(text)}"


@pytest.mark.parametrize("centre", ["99999999999999999999999", "-1", "0", "x", "1.5"])
def test_odd_centre_ids_in_forms_are_refused_not_a_server_error(visitor, db, make_user,
                                                                centre):
    admin = make_user(role="admin", password="long-password")
    visitor.login(admin, password="long-password")
    before = db["users"].count, db["projects"].count
    for url, data in (("/supervisor/people/new", {"name": "A", "phone": "9000012345",
                                                  "lang": "ta", "centre": centre}),
                      ("/supervisor/staff", {"login": "kala", "name": "K", "role": "supervisor",
                                             "lang": "ta", "password": "long enough!",
                                             "centre": centre}),
                      ("/supervisor/projects/new", {"slug": "odd", "name_en": "O",
                                                    "task_type": "yes_no", "redundancy": "1",
                                                    "pay": "1", "lease_minutes": "5",
                                                    "gold_percent": "0", "status": "live",
                                                    "centre": centre})):
        response = visitor.post(url, data)
        assert response.status_code in (400, 404), (url, response.status_code)
    assert visitor.get(f"/supervisor/?centre={centre}").status_code in (200, 404)
    assert (db["users"].count, db["projects"].count) == before


def test_home_pages_projects_closed_ones_last(visitor, db, make_user, make_project):
    made = [make_project(tasks=0, slug=f"p-{n:02d}") for n in range(projects.OVERVIEW_PAGE + 1)]
    db.execute("UPDATE projects SET status = 'closed' WHERE id = ?", (made[0]["id"],))
    meena = make_user(role="supervisor", password="long-password")
    visitor.login(meena, password="long-password")
    first = visitor.get("/supervisor/").get_data(as_text=True)
    assert f"/projects/{made[1]['id']}/edit" in first
    assert f"/projects/{made[0]['id']}/edit" not in first and "?page=2" in first
    second = visitor.get("/supervisor/?page=2").get_data(as_text=True)
    assert f"/projects/{made[0]['id']}/edit" in second
    assert visitor.get("/supervisor/?page=x").status_code == 200

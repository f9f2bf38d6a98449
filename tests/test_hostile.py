"""Hostile input: markup in anything a person can fill comes out escaped, SQL
metacharacters are only text, bodies and uploads have a size limit (#10 item 5).

Each field is one line in FIELDS: where the text goes in (a function of the world and the
payload) and the pages that show it, as whom. Quiz explanations, review and appeal notes
and imported files add their line when their screens exist.
"""
import collections
import json

import pytest
from markupsafe import escape

from core import content
from core import consent, projects, users
from core.db import one
from tests.conftest import CHEAP_HASH, PIN, Visitor

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><b>bold</b>",
    "{{ 7 * 7 }}{% raw %}",
    "javascript:alert(1)",
]


class World:
    def __init__(self, app, db, make_user):
        self.app, self.db, self.make_user = app, db, make_user
        self.centre = users.get_centre(db, "KRR", create=True)
        self.annotator = make_user()
        self.supervisor = make_user(role="supervisor")

    def project(self, payload="Plain", field=None, task_type="single_choice", tasks=1):
        """A project whose `field` carries the payload (the rest plain)."""
        def text(name):
            value = payload if field == name else f"Plain {name}"
            return {"en": value, "ta": value, "hi": value}
        labels = [("pos" if field != "label value" else payload, text("label")),
                  ("neg", {"en": "No", "ta": "No", "hi": "No"})]
        project = projects.create_project(
            self.db, centre_id=self.centre["id"], slug=f"p{self.db['projects'].count}",
            task_type=task_type, name=text("name"), instructions=text("instructions"),
            labels=labels if task_type == "single_choice" else (), pay_paise=50)
        projects.add_tasks(self.db, project["id"], [
            {"text": payload if field == "task text" else "Plain task"}] * tasks)
        return project

    def visitor(self, user):
        visitor = Visitor(self.app.test_client())
        visitor.login(user)
        return visitor


def _named(world, payload):
    """An annotator whose name is the payload."""
    world.annotator = users.create_user(
        world.db, login="9000000077", password=PIN, role="annotator", name=payload,
        centre="KRR", hash_method=CHEAP_HASH)
    consent.record(world.db, world.annotator["id"], None)
    world.project()


def _typed_back(world, payload):
    """Her free-text answer, refused (too long) and given back to mend."""
    world.project(task_type="free_text")
    world.typed = payload + "x" * 2001


def _quiz(world, prompt="Plain prompt", explanation="Plain why", answers="pos",
          task_type="single_choice"):
    """A project with its quiz on and one question; a trainee for it."""
    from core import qualifications, quiz_bank
    from tests.quiz_helpers import add_quiz
    project = world.project(task_type=task_type)
    quiz = add_quiz(world.db, project, questions=1, supervisor_id=world.supervisor["id"])
    text = {"en": prompt, "ta": prompt, "hi": prompt}
    why = {"en": explanation, "ta": explanation, "hi": explanation}
    world.question = quiz_bank.save_question(world.db, quiz, {
        "prompt": text, "explanation": why, "answers": answers},
        question_id=None, actor_id=world.supervisor["id"])["id"]
    world.trainee = world.make_user()
    qualifications.set_status(world.db, world.trainee["id"], project["id"], "trainee")


def _rejected(world, note="Plain note", appeal="Plain appeal"):
    """Her answer rejected with a note by another supervisor (so the page's supervisor
    decides it), and her appeal."""
    from core import review
    from core.clock import utcnow
    from tests import payout_helpers
    project = world.project()
    [answer] = payout_helpers.answers(world.db, world.annotator, project, 1,
                                      review="pending", at=utcnow())
    review.reject(world.db, answer, world.make_user(role="supervisor"), "wrong_answer", note=note)
    review.appeal(world.db, answer, world.annotator["id"], appeal)


def _bonus(world, reason):
    from core import payouts
    from tests import payout_helpers
    project = world.project()
    # confirmed by another than the drafter: new details' first payout
    payout_helpers.paid_to(world.db, world.annotator, world.make_user(role="admin"))
    payout_helpers.answers(world.db, world.annotator, project, 2)
    world.payout = payouts.draft(world.db, world.supervisor, *payout_helpers.PERIOD,
                                 now=payout_helpers.NOW)
    line = payouts.lines(world.db, world.payout)[0][0]["id"]
    payouts.set_bonus(world.db, world.payout, line, world.supervisor, "10", reason)


def _centre(world, name):
    from core import people
    world.admin = world.make_user(role="admin")
    people.create_centre(world.db, world.admin, code="TRY", name=name)


def _added(world, name):
    from core import people
    people.add_annotator(world.db, world.supervisor, world.centre["id"], name=name,
                         phone="9123456780", lang="ta", pin="3917", hash_method=CHEAP_HASH)


def _added_by_csv(world, name):
    import csv
    import io

    from core import people
    out = io.StringIO()
    csv.writer(out).writerows([("name", "phone", "lang"), (name, "9123456781", "ta")])
    people.add_many(world.db, world.supervisor, world.centre["id"], out.getvalue().encode(),
                    hash_method=CHEAP_HASH)


def _imported(world, text, fmt="csv"):
    import csv
    import io

    from core import importing
    project = world.project(tasks=0)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows([("id", "text"), ("c1", text)])
        data, name = out.getvalue().encode(), "tasks.csv"
    else:
        data, name = (json.dumps({"id": "c1", "text": text}) + "\n").encode(), "tasks.jsonl"
    importing.import_tasks(world.db, project, data, name, actor_id=world.supervisor["id"])


ANNOTATOR_PAGES = ("/home", "/tasks/{slug}/next", "/tasks/{slug}/next#htmx",
                   "/tasks/{slug}/batch")

# field: (set it up, who looks, pages)
FIELDS = {
    "user name": (_named, "annotator", ("/home",)),
    "project name": (lambda w, p: w.project(p, "name"), "annotator", ANNOTATOR_PAGES),
    "project name (supervisor)": (lambda w, p: w.project(p, "name"), "supervisor",
                                  ("/supervisor/",)),
    "instructions": (lambda w, p: w.project(p, "instructions"), "annotator",
                     ANNOTATOR_PAGES[1:]),
    "label text": (lambda w, p: w.project(p, "label"), "annotator", ANNOTATOR_PAGES[1:]),
    "label value": (lambda w, p: w.project(p, "label value"), "annotator",
                    ANNOTATOR_PAGES[1:]),
    "task text": (lambda w, p: w.project(p, "task text"), "annotator", ANNOTATOR_PAGES[1:]),
    "quiz prompt": (lambda w, p: _quiz(w, prompt=p), "trainee",
                    ("/quiz/{slug}/practice/2",)),  # after add_quiz's own
    "quiz prompt (supervisor)": (lambda w, p: _quiz(w, prompt=p), "supervisor",
                                 ("/supervisor/quiz/{pid}", "/supervisor/quiz/{pid}/questions/{q}")),
    "quiz explanation (supervisor)": (lambda w, p: _quiz(w, explanation=p), "supervisor",
                                      ("/supervisor/quiz/{pid}/questions/{q}",)),
    "quiz accepted answer (supervisor)": (
        lambda w, p: _quiz(w, answers=[p, "Vanakkam"], task_type="free_text"), "supervisor",
        ("/supervisor/quiz/{pid}/questions/{q}",)),
    "review note": (lambda w, p: _rejected(w, note=p), "annotator", ("/earnings",)),
    "appeal note": (lambda w, p: _rejected(w, appeal=p), "supervisor", ("/supervisor/appeals",)),
    "bonus reason": (_bonus, "supervisor", ("/supervisor/payouts/{payout}",)),
    "centre name": (_centre, "admin", ("/supervisor/centres",)),
    "person added by a supervisor": (_added, "supervisor", ("/supervisor/people/",)),
    "person added by CSV": (_added_by_csv, "supervisor", ("/supervisor/people/",)),
    "imported CSV task text": (_imported, "annotator", ANNOTATOR_PAGES[1:3]),
    "imported JSONL task text": (lambda w, p: _imported(w, p, "jsonl"), "annotator",
                                 ANNOTATOR_PAGES[1:3]),
}


@pytest.fixture
def world(app, db, make_user):
    return World(app, db, make_user)


def _get(visitor, world, page):
    project = one(world.db, "SELECT id, slug FROM projects ORDER BY id DESC LIMIT 1") or {
        "id": 0, "slug": "none"}
    path, _, mode = page.format(slug=project["slug"], pid=project["id"],
                                q=getattr(world, "question", 0),
                                payout=getattr(world, "payout", 0)).partition("#")
    response = visitor.get(path, htmx=mode == "htmx")
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _assert_escaped(body, payload, where):
    if str(escape(payload)) == payload:  # template syntax, no markup: shown as it is
        assert payload in body, f"{where}: the text is not shown as typed"
        return
    assert payload not in body, f"{where}: raw markup in the page"
    assert str(escape(payload)) in body, f"{where}: the text is not shown (escaped)"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_markup_in_a_field_comes_out_escaped(world, field, payload):
    setup, who, pages = FIELDS[field]
    setup(world, payload)
    visitor = world.visitor(getattr(world, who))
    for page in pages:
        body = _get(visitor, world, page)
        if payload.startswith("javascript:"):
            assert 'href="javascript:' not in body and 'src="javascript:' not in body
            continue
        _assert_escaped(body, payload, f"{field} on {page}")


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_her_refused_text_comes_back_escaped(world, payload):
    _typed_back(world, payload)
    visitor = world.visitor(world.annotator)
    _get(visitor, world, "/tasks/{slug}/next")
    for htmx in (False, True):
        response = visitor.post("/answers/1", {"answer": world.typed}, htmx=htmx)
        assert response.status_code == 400
        _assert_escaped(response.get_data(as_text=True), payload, "refused answer")


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_markup_typed_in_the_login_box_comes_back_escaped(visitor, payload):
    response = visitor.post("/login", {"login": payload, "password": "x"})
    assert response.status_code == 401
    _assert_escaped(response.get_data(as_text=True), payload, "login box")


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_a_check_note_sent_by_sync_carries_the_label_as_text(world, payload):
    """The note goes into the page by textContent; its JSON keeps the label as data."""
    project = world.project(payload, "label")
    db = world.db
    db.execute("UPDATE tasks SET gold_answer = 'pos'")  # the payload label is right
    visitor = world.visitor(world.annotator)
    visitor.get(f"/tasks/{project['slug']}/next")
    response = visitor.client.post("/answers/sync", data=json.dumps(
        {"items": [{"id": 1, "answer": "neg"}]}), headers={
        "Content-Type": "application/json", "X-CSRFToken": visitor.token})
    assert response.status_code == 200 and response.mimetype == "application/json"
    result = response.get_json()["results"][0]
    assert result["ok"] and payload in result["message"]  # data, for textContent
    import os
    script = open(os.path.join(world.app.root_path, "static", "app.js")).read()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "me.textContent" in script


# SQL metacharacters

SQL = ["' OR '1'='1", "9876500001' --", "admin'--", '"; DROP TABLE users; --',
       "1; DELETE FROM sessions", "%", "_", "\\", "' UNION SELECT password_hash FROM users --"]


@pytest.mark.parametrize("login", SQL)
def test_sql_in_the_login_box_is_only_a_wrong_login(visitor, make_user, db, login):
    make_user()
    response = visitor.post("/login", {"login": login, "password": "' OR '1'='1"})
    assert response.status_code == 401
    assert one(db, "SELECT count(*) AS n FROM users")["n"] == 1
    assert one(db, "SELECT login FROM login_attempts ORDER BY id DESC")["login"] == login.strip()


@pytest.mark.parametrize("arg", SQL)
def test_sql_in_query_arguments_and_paths_is_harmless(world, arg):
    from urllib.parse import quote
    project = world.project()
    annotator = world.visitor(world.annotator)
    assert annotator.get("/earnings", query_string={"page": arg}).status_code == 200
    assert annotator.get(f"/tasks/{project['slug']}/next",
                         query_string={"missed": arg}).status_code == 200
    assert annotator.get(f"/tasks/{quote(arg, safe='')}/next").status_code in (404, 405)
    assert annotator.get(f"/media/{quote(arg, safe='')}").status_code == 404
    supervisor = world.visitor(world.supervisor)
    assert supervisor.get("/supervisor/", query_string={"page": arg}).status_code == 200
    assert one(world.db, "SELECT count(*) AS n FROM users")["n"] == 2


# Size limits: every POST route refuses a body past 1 MB; uploads add their line here.

APP_LIMIT = 1024 * 1024  # app.py MAX_CONTENT_LENGTH: every form, uploads included


def _uploads():
    from core import people
    # path: (form field, its limit in bytes, what the refusal says)
    return {
        "/supervisor/projects/{pid}/import": ("file", 3 * 1024 * 1024,
                                              "The file is too big: at most"),
        "/supervisor/people/upload": ("file", people.MAX_CSV_BYTES, "This file is too big"),
        "/supervisor/quiz/{pid}/import": ("file", APP_LIMIT, "Something went wrong"),
        "/supervisor/quiz/{pid}/questions/new": ("image", APP_LIMIT, "Something went wrong"),
        "/supervisor/payouts/{payout}/results": ("file", APP_LIMIT, "Something went wrong"),
    }


UPLOADS = ("taskdata.import_upload",)  # routes with a limit of their own, above the app's


def test_every_post_route_refuses_a_body_past_the_limit(app, world):
    from tests.test_access import ROUTES
    visitor = world.visitor(world.annotator)
    visitor.get("/home")
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for (method, endpoint), (template, _statuses, _body) in ROUTES.items():
        if method != "POST" or endpoint in UPLOADS:
            continue
        path = template.format_map(collections.defaultdict(lambda: 1, slug="p0"))
        response = visitor.post(path, {"pad": big})
        assert response.status_code == 413, f"{endpoint}: {response.status_code}"
        assert "Something went wrong" in response.get_data(as_text=True)


def test_every_upload_refuses_a_file_past_its_limit(world, monkeypatch):
    import io

    from core import importing
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 3 * 1024 * 1024)  # not 50 MB in memory
    project = world.project()
    visitor = world.visitor(world.supervisor)
    for route, (field, limit, says) in _uploads().items():
        path = route.format(pid=project["id"], payout=1)
        response = visitor.post(path, {field: (io.BytesIO(b"x" * (limit + 1)), "big.csv")},
                                content_type="multipart/form-data")
        assert response.status_code in (400, 413), f"{route}: {response.status_code}"
        assert says in response.get_data(as_text=True), route


# Exported files: a cell a person typed that starts like a formula stays text

@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"pay\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_a_formula_as_her_name_stays_text_in_the_payout_file(world, name):
    import csv
    import io

    from core import payouts, users as users_
    from tests import payout_helpers
    admin = world.make_user(role="admin")
    her = users_.create_user(world.db, login="9000000088", password=PIN, role="annotator",
                             name=name, centre="KRR", hash_method=CHEAP_HASH)
    project = world.project()
    payout_helpers.paid_to(world.db, her, admin)
    payout_helpers.answers(world.db, her, project, 2)
    payout = payouts.draft(world.db, world.supervisor, *payout_helpers.PERIOD,
                           now=payout_helpers.NOW)
    payouts.approve(world.db, payout, admin, now=payout_helpers.NOW)
    response = world.visitor(world.supervisor).get(f"/supervisor/payouts/{payout}/file.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    # her display name is never the account holder: the name on the account is
    assert not [cell for row in rows[1:] for cell in row if name in cell]
    assert rows[1][1] == "KAVITHA M"
    assert not any(cell[:1] in "=+-@" for row in rows[1:] for cell in row[:2])


# The project form: what a supervisor types there comes back escaped, on her form (also
# when it is refused) and on the annotator's task card

def _project_form(payload, slug="hostile"):
    form = {"slug": slug, "task_type": "single_choice", "redundancy": "3", "pay": "0.50",
            "lease_minutes": "15", "gold_percent": "0", "status": "live"}
    for lang in ("en", "ta", "hi"):
        form[f"name_{lang}"] = payload
        form[f"instructions_{lang}"] = payload
        form["label_0_" + lang] = payload
        form["label_1_" + lang] = "No"
    form["label_0_value"], form["label_1_value"] = "pos", "neg"
    return form


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_what_she_types_in_the_project_form_comes_out_escaped(world, payload):
    supervisor = world.visitor(world.supervisor)
    refused = supervisor.post("/supervisor/projects/new", {**_project_form(payload),
                                                           "slug": "Not a slug!"})
    assert refused.status_code == 400
    _assert_escaped(refused.get_data(as_text=True), payload, "refused project form")
    created = supervisor.post("/supervisor/projects/new", _project_form(payload))
    assert created.status_code == 303, created.get_data(as_text=True)[-2000:]
    project = one(world.db, "SELECT id FROM projects WHERE slug = 'hostile'")
    texts = content.project_texts(world.db, project["id"])
    assert texts["name"]["en"] == payload and texts["instructions"]["ta"] == payload
    body = supervisor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    _assert_escaped(body, payload, "project form")
    from core import projects as projects_
    projects_.add_tasks(world.db, project["id"], [{"text": "Plain task"}])
    for page in ANNOTATOR_PAGES[1:3]:
        _assert_escaped(_get(world.visitor(world.annotator), world, page), payload, page)


@pytest.mark.parametrize("payload", PAYLOADS[:3])
def test_a_client_id_in_a_refused_import_comes_back_escaped(world, payload):
    project = world.project(tasks=0)
    import io
    data = "\n".join(json.dumps({"id": payload, "text": f"t{n}"}) for n in range(2)).encode()
    response = world.visitor(world.supervisor).post(
        f"/supervisor/projects/{project['id']}/import",
        {"file": (io.BytesIO(data), "tasks.jsonl")}, content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert payload not in body and str(escape(payload)) in body
    assert one(world.db, "SELECT count(*) AS n FROM tasks WHERE project_id = ?",
               (project["id"],))["n"] == 0

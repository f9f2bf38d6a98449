"""Fixtures: a fresh SQLite file per test, built by the production migrations."""
import pathlib
import re
import shutil

import jinja2
import pytest

from app import create_app
from core import db as coredb
from core import consent, migrations, projects, tasktypes, users
from tests import live

CHEAP_HASH = "pbkdf2:sha256:1000"  # real hashing, cheap enough for hundreds of logins
PIN = "3917"  # annotators' default PIN (not among the commonest, which are refused)
PASSWORD = "test-password-long"  # supervisors' and admins' default (10 characters or more)


def default_secret(role: str) -> str:
    return PIN if role == "annotator" else PASSWORD


# A form's hidden field, or the header htmx sends (every page's <body> carries it).
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken":"([^"]+)"')
TESTS = pathlib.Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Mark the slow kinds by what they use, so no test module has to remember to:
    browser tests (tests/browser/, each against a real server) and the other users of
    tests/live.py. Under pytest-xdist (`make test`) a live module's tests run in one
    worker, so that its server starts once; every other test goes where there is room."""
    for item in items:
        if (TESTS / "browser") in item.path.parents:
            item.add_marker(pytest.mark.browser)
        elif not (getattr(item, "module", None) and any(
                value is live for value in vars(item.module).values())):
            continue
        item.add_marker(pytest.mark.live)
        item.add_marker(pytest.mark.xdist_group(item.path.stem))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database built once per session by the production migrations. Each test gets a
    copy of the file: migrating costs a third of a second, copying it a millisecond."""
    path = tmp_path_factory.mktemp("template") / "velai.db"
    database = coredb.connect(path)
    migrations.migrate(database)
    settle(database)
    return path


def settle(database):
    """Move the whole write-ahead log into the database file and close, so that copying
    the file alone copies every row."""
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per session and shared by every test's app. Each app has
    its own Jinja environment, and compiling the same templates again was most of a view
    test's time. Jinja checks each entry against the template's source."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def app_for(db_path):
    """The app as tests configure it, on the database file at `db_path`."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "VELAI_DB": str(db_path), "PASSWORD_HASH": CHEAP_HASH})
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture
def app(tmp_path, migrated_template):
    path = tmp_path / "velai.db"
    shutil.copyfile(migrated_template, path)
    return app_for(path)


@pytest.fixture
def db(app):
    database = coredb.connect(app.config["VELAI_DB"])
    yield database
    database.close()


class Visitor:
    """A test client that carries its CSRF token like a browser's forms do."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def _keep_token(self, response):
        if response.mimetype != "text/html":
            return response
        found = TOKEN.search(response.get_data(as_text=True))
        if found:
            self.token = found.group(1) or found.group(2)
        return response

    def get(self, url, htmx=False, headers=None, **kwargs):
        headers = {**(headers or {}), **({"HX-Request": "true"} if htmx else {})}
        return self._keep_token(self.client.get(url, headers=headers, **kwargs))

    def post(self, url, data=None, htmx=False, csrf=True, headers=None, **kwargs):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login", follow_redirects=True)  # any page carries a token
            data.setdefault("csrf_token", self.token)
        headers = {**(headers or {}), **({"HX-Request": "true"} if htmx else {})}
        response = self.client.post(url, data=data, headers=headers, **kwargs)
        if url in ("/login", "/logout"):
            self.token = None  # the session starts anew
        return self._keep_token(response)

    def login(self, user, password=None):
        response = self.post("/login", {"login": user["login"],
                                        "password": password or default_secret(user["role"])})
        assert response.status_code == 303, response.get_data(as_text=True)
        return response


@pytest.fixture
def visitor(app):
    return Visitor(app.test_client())


@pytest.fixture
def make_user(db):
    return user_maker(db)


@pytest.fixture
def make_project(db):
    return project_maker(db)


def user_maker(db):
    """make(role, lang, centre, password): a new user of `db`, each with her own login."""
    counter = iter(range(1, 10_000))

    def make(role="annotator", lang="en", centre="KRR", password=None, consented=True):
        n = next(counter)
        user = users.create_user(db, login=f"98765{n:05d}",
                                 password=password or default_secret(role), role=role,
                                 name=f"Worker {n}", centre=centre, lang=lang,
                                 hash_method=CHEAP_HASH)
        if consented and consent.needed(user):  # she agreed at her first login
            consent.record(db, user["id"], None)
            user = users.get_user(db, user["id"])
        return user
    return make


def project_maker(db):
    """make(task_type, tasks, redundancy, centre, ...): a project of `db` with its tasks."""
    def make(task_type="single_choice", tasks=5, redundancy=3, centre="KRR", slug=None,
             pay_paise=50, gold=None, lease_seconds=900, batch_share_percent=100):
        """A batch may hold every task unless a test says otherwise (the share cap, #15,
        is tested where it is the point: tests/test_offline_batches.py)."""
        centre_row = users.get_centre(db, centre, create=True)
        labels = [("pos", {"en": "Happy", "ta": "மகிழ்ச்சி", "hi": "खुश"}),
                  ("neg", {"en": "Unhappy", "ta": "வருத்தம்", "hi": "नाखुश"})]
        project = projects.create_project(
            db, centre_id=centre_row["id"], slug=slug or f"p-{task_type}-{centre}",
            task_type=task_type, name={"en": "Reviews", "ta": "விமர்சனங்கள்", "hi": "समीक्षाएँ"},
            instructions={"en": "Pick one.", "ta": "ஒன்றைத் தேர்வு செய்யுங்கள்.",
                          "hi": "एक चुनें।"},
            labels=labels if tasktypes.TYPES[task_type].needs_labels else (), redundancy=redundancy,
            pay_paise=pay_paise, lease_seconds=lease_seconds)
        projects.add_tasks(db, project["id"], [
            {"text": f"Sentence {i}", "gold": gold} for i in range(tasks)])
        db["projects"].update(project["id"], {"batch_share_percent": batch_share_percent})
        return {**project, "batch_share_percent": batch_share_percent}
    return make

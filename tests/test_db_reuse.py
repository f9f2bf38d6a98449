"""A server thread keeps its connection for its next request (VELAI_DB_REUSE): it is
handed on clean, and sees every write made since by anyone."""
import pytest

from app import create_app
from core import db as coredb
from core import consent, migrations
from core.db import one
from tests.conftest import CHEAP_HASH, Visitor

PIN = "7391"


@pytest.fixture
def reusing_app(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "VELAI_DB_REUSE": True,
                      "VELAI_DB": str(tmp_path / "velai.db"), "PASSWORD_HASH": CHEAP_HASH})
    migrations.migrate(coredb.connect(app.config["VELAI_DB"]))
    return app


def test_a_kept_connection_sees_writes_made_by_others_since(reusing_app, make_user_in):
    worker = make_user_in(reusing_app, name="Before")
    visitor = Visitor(reusing_app.test_client())
    visitor.login(worker, password=PIN)
    assert "Before" in visitor.get("/home").get_data(as_text=True)
    with reusing_app.app_context():
        from views import db as views_db
        first = views_db.get_db()
    other = coredb.connect(reusing_app.config["VELAI_DB"])
    other.execute("UPDATE users SET name = 'After' WHERE id = ?", (worker["id"],))
    other.close()
    page = visitor.get("/home").get_data(as_text=True)
    assert "After" in page and "Before" not in page
    with reusing_app.app_context():
        assert views_db.get_db() is first  # the same connection, kept


def test_a_request_that_fails_inside_a_transaction_hands_on_no_transaction(reusing_app):
    from views import db as views_db
    with reusing_app.app_context():
        db = views_db.get_db()
        db.conn.execute("BEGIN IMMEDIATE")  # as a view that died half-way would leave it
    with reusing_app.app_context():
        kept = views_db.get_db()
        assert kept is db and not kept.conn.in_transaction
        other = coredb.connect(reusing_app.config["VELAI_DB"])
        with coredb.write(other):  # nobody holds the write lock any more
            other.execute("UPDATE users SET lang = 'ta' WHERE 0")
        other.close()
    assert one(coredb.connect(reusing_app.config["VELAI_DB"]), "SELECT 1 AS x")["x"] == 1


@pytest.fixture
def make_user_in():
    from core import users

    def make(app, name):
        db = coredb.connect(app.config["VELAI_DB"])
        try:
            user = users.create_user(db, login="9876512345", password=PIN, role="annotator",
                                     name=name, centre="KRR", hash_method=CHEAP_HASH)
            consent.record(db, user["id"], None)  # she agreed at her first login
            return user
        finally:
            db.close()
    return make

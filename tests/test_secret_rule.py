"""Who may have which PIN or password (#14): one rule, core.credentials, and every path
that sets a secret agrees with it. The same secrets go through the command line, her own
change, a supervisor adding her alone or from a CSV, an admin creating or resetting a
supervisor or admin; each path must accept exactly what the rule accepts."""
import io
import itertools

import pytest
from werkzeug.security import check_password_hash

from core import credentials
from core.db import one
from core.errors import Invalid
from tests.conftest import PASSWORD, PIN, Visitor

# secret, allowed for an annotator, allowed for a supervisor or admin
SECRETS = [
    ("4739", True, False),
    ("58203", True, False),
    (" 4739 ", True, False),  # a PIN typed with spaces around it is the PIN
    ("1234", False, False),
    ("0000", False, False),
    ("2580", False, False),
    ("4747", False, False),  # two digits repeated: a supervisor's form always refused it
    ("19", False, False),
    ("123456789", False, False),  # nine digits: no PIN, and too short for a password
    ("௪௭௩௯", False, False),  # Tamil digits: no PIN a phone keypad types
    ("mangoes and rice", True, True),
    ("long-password", True, True),
    ("k7mq-x3pa-9rtw", True, True),
    ("nine char", False, False),
    ("aaaaaaaaaaaa", False, False),
    ("x" * 129, False, False),
    # what the web forms for staff used to accept
    ("1234567890", False, False),
    ("qwertyuiop", False, False),
    ("password123", False, False),
    ("password12", False, False),
    ("karur12345", False, False),
    ("chennai2024", False, False),
]
STAFF = ("supervisor", "admin")
_phones = (f"9{n:09d}" for n in itertools.count(100))


def _user(db, login):
    return one(db, "SELECT * FROM users WHERE login = ?", (login,))


def _rule(role, secret):
    try:
        credentials.check_secret(role, secret)
    except Invalid:
        return False
    return True


def _cli(app, db, role, secret):
    login = next(_phones)
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--login", login, "--password", secret, "--role", role, "--name", "N"])
    return result.exit_code == 0 and _user(db, login) is not None


def _own_change(app, db, make_user, role, secret):
    """She changes her own PIN or password on /account/pin."""
    person = make_user(role=role)
    visitor = Visitor(app.test_client())
    visitor.login(person)
    old = PIN if role == "annotator" else PASSWORD
    visitor.post("/account/pin", {"old": old, "new": secret, "repeat": secret})
    return check_password_hash(_user(db, person["login"])["password_hash"], secret.strip())


def _supervisor_adds(visitor, db, secret):
    phone = next(_phones)
    visitor.post("/supervisor/people/new", {"name": "Anitha", "phone": phone, "lang": "ta",
                                            "pin": secret})
    return _user(db, phone) is not None


def _csv_upload(visitor, db, secret):
    phone = next(_phones)
    data = f"name,phone,lang,pin\nRekha,{phone},hi,{secret}\n".encode()
    visitor.post("/supervisor/people/upload", {"file": (io.BytesIO(data), "people.csv")},
                 content_type="multipart/form-data")
    return _user(db, phone) is not None


def _admin_creates(visitor, db, role, secret, centre_id):
    login = f"staff{next(_phones)[-6:]}"
    visitor.post("/supervisor/staff", {"login": login, "name": "Kala", "role": role,
                                       "centre": centre_id, "lang": "ta", "password": secret})
    return _user(db, login) is not None


def _admin_resets(visitor, db, person, secret):
    visitor.post(f"/supervisor/staff/{person['id']}/password", {"password": secret})
    return check_password_hash(_user(db, person["login"])["password_hash"], secret)


@pytest.mark.parametrize("secret,for_annotator,for_staff", SECRETS)
def test_every_path_that_sets_an_annotators_pin_agrees(app, db, make_user, secret,
                                                       for_annotator, for_staff):
    supervisor = make_user(role="supervisor")
    visitor = Visitor(app.test_client())
    visitor.login(supervisor)
    paths = {
        "rule": _rule("annotator", secret),
        "command line": _cli(app, db, "annotator", secret),
        "her own change": _own_change(app, db, make_user, "annotator", secret),
        "supervisor adds her": _supervisor_adds(visitor, db, secret),
        "people CSV": _csv_upload(visitor, db, secret),
    }
    assert paths == dict.fromkeys(paths, for_annotator)


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("secret,for_annotator,for_staff", SECRETS)
def test_every_path_that_sets_a_staff_password_agrees(app, db, make_user, role, secret,
                                                      for_annotator, for_staff):
    admin = make_user(role="admin")
    visitor = Visitor(app.test_client())
    visitor.login(admin)
    target = make_user(role=role)
    paths = {
        "rule": _rule(role, secret),
        "command line": _cli(app, db, role, secret),
        "her own change": _own_change(app, db, make_user, role, secret),
        "admin creates her": _admin_creates(visitor, db, role, secret, admin["centre_id"]),
        "admin resets hers": _admin_resets(visitor, db, target, secret),
    }
    assert paths == dict.fromkeys(paths, for_staff)


def test_generated_pins_and_passwords_pass_the_rule():
    for _ in range(300):
        credentials.check_secret("annotator", credentials.new_pin())
        credentials.check_secret("supervisor", credentials.new_password())


@pytest.mark.parametrize("lang,words", [
    ("ta", "இந்தக் கடவுச்சொல்லை எளிதில் ஊகிக்கலாம்"),
    ("hi", "इस पासवर्ड का अंदाज़ा लगाना आसान है"),
    ("en", "This password is too easy to guess"),
])
def test_the_staff_forms_refuse_a_guessable_password_in_her_language(app, db, make_user, lang,
                                                                      words):
    admin = make_user(role="admin", lang=lang)
    target = make_user(role="supervisor")
    visitor = Visitor(app.test_client())
    visitor.login(admin)
    created = visitor.post("/supervisor/staff", {
        "login": "kala", "name": "Kala", "role": "supervisor", "centre": admin["centre_id"],
        "lang": "ta", "password": "karur12345"})
    reset = visitor.post(f"/supervisor/staff/{target['id']}/password",
                         {"password": "password123"})
    for response in (created, reset):
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)
    assert _user(db, "kala") is None
    assert not check_password_hash(_user(db, target["login"])["password_hash"], "password123")

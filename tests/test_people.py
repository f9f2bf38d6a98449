"""People: her centre's annotators, added one by one or from a CSV, PINs reset and shown
once, unlocking, deactivating, qualifying by hand; admin centres and supervisors."""
import datetime as dt
import json
import re

import pytest

from core import people, users
from core.clock import stamp
from core.db import one
from core.errors import Conflict, Invalid, NotFound
from tests.conftest import CHEAP_HASH, PIN

PIN_SHOWN = re.compile(r'<b class="pin">(\d+)</b>')


@pytest.fixture
def meena(make_user):
    return make_user(role="supervisor", password="long-password")


def login(visitor, user):
    visitor.login(user, password="long-password")


def audit_actions(db):
    return [row["action"] for row in db.query("SELECT action FROM audit_log ORDER BY id")]


# -- core ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["9876543210", "98765 43210", "+91 98765-43210",
                                 "+919876543210", "919876543210", "09876543210",
                                 " 98765.43210 "])
def test_an_indian_mobile_is_stored_as_its_ten_digits(raw):
    assert people.clean_phone(raw) == "9876543210"


@pytest.mark.parametrize("raw", ["", "12345", "0431 2345678", "5876543210", "+1 415 555 0100",
                                 "98765432100", "९८७६५४३२१०", "98765abcde", None])
def test_anything_but_an_indian_mobile_is_refused(raw):
    with pytest.raises(Invalid, match="bad_phone"):
        people.clean_phone(raw)


def test_generated_pins_are_four_digits_and_never_the_commonest():
    pins = {people.new_pin() for _ in range(3000)}
    assert all(len(pin) == 4 and pin.isdigit() for pin in pins)
    assert not pins & users.COMMON_PINS
    assert not any(people.is_weak_pin(pin) for pin in pins)
    assert len(pins) > 1000  # random, not a short list


@pytest.mark.parametrize("pin", ["1234", "0000", "2580", "9876", "1212", "4444"])
def test_weak_pins_are_spotted(pin):
    assert people.is_weak_pin(pin)
    with pytest.raises(Invalid, match="weak_pin"):
        people.clean_pin(pin)


def test_adding_writes_a_hashed_pin_she_can_log_in_with_and_an_audit_row(db, meena):
    added = people.add_annotator(db, meena, meena["centre_id"], name="  Anitha   K ",
                                 phone="+91 90000 12345", lang="ta", hash_method=CHEAP_HASH)
    row = one(db, "SELECT * FROM users WHERE login = '9000012345'")
    assert (row["name"], row["role"], row["lang"], row["centre_id"]) == (
        "Anitha K", "annotator", "ta", meena["centre_id"])
    assert added["generated"] and added["pin"] not in row["password_hash"]
    user, refusal = users.authenticate(db, "9000012345", added["pin"], "1.2.3.4")
    assert refusal is None and user["id"] == row["id"]
    assert one(db, "SELECT actor_id, action FROM audit_log WHERE subject = ?",
               (f"user:{row['id']}",)) == {"actor_id": meena["id"], "action": "user.create"}


def test_adding_a_taken_phone_names_the_field_and_writes_nothing(db, meena, make_user):
    taken = make_user()
    with pytest.raises(Invalid) as refusal:
        people.add_annotator(db, meena, meena["centre_id"], name="", phone=taken["login"],
                             lang="xx", pin="12")
    assert refusal.value.detail["errors"] == {"name": "name_required", "phone": "phone_taken",
                                              "lang": "bad_lang", "pin": "bad_pin"}
    assert db["users"].count == 2


def test_a_supervisor_cannot_add_to_another_centre(db, meena):
    other = users.get_centre(db, "STP", create=True)
    with pytest.raises(NotFound):
        people.add_annotator(db, meena, other["id"], name="A", phone="9000012345", lang="ta")
    assert db["users"].count == 1


def test_a_locked_account_shows_locked_and_unlock_clears_it(db, meena, make_user):
    worker = make_user()
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, worker["login"], "0000", "1.2.3.4")
    assert people.get_person_or_404(db, meena, worker["id"])["status"] == "locked"
    people.unlock(db, meena, worker["id"])
    assert people.get_person_or_404(db, meena, worker["id"])["status"] == "active"
    user, refusal = users.authenticate(db, worker["login"], PIN, "1.2.3.5")
    assert refusal is None and user["id"] == worker["id"]
    assert "user.unlock" in audit_actions(db)


def test_the_list_counts_answers_today_in_india_and_pages(db, meena, make_user, make_project):
    from core import tasks

    project = make_project(tasks=3)
    workers = [make_user() for _ in range(people.PAGE_SIZE + 1)]
    now = dt.datetime(2026, 12, 1, 19, 0, tzinfo=dt.timezone.utc)  # 00:30 on 2 Dec in India
    assignment = tasks.claim_next(db, workers[0]["id"], project, now=now)
    tasks.record_answer(db, assignment["id"], workers[0]["id"], "pos", now=now)
    rows, more = people.list_people(db, meena, page=1, now=now)
    assert more and len(rows) == people.PAGE_SIZE
    first = next(r for r in rows if r["id"] == workers[0]["id"])
    assert first["answers_today"] == 1 and first["last_active"] == stamp(now)
    later = now + dt.timedelta(hours=6)  # still 2 Dec in India
    assert people.get_person_or_404(db, meena, workers[0]["id"], now=later)["answers_today"] == 1
    next_day = now + dt.timedelta(days=1)
    assert people.get_person_or_404(db, meena, workers[0]["id"],
                                    now=next_day)["answers_today"] == 0
    rest, more = people.list_people(db, meena, page=2, now=now)
    assert len(rest) == 1 and not more


# -- the list and the person page -----------------------------------------------------

def test_people_list_shows_her_centre_only_with_status(visitor, db, meena, make_user):
    mine = make_user()
    gone = make_user()
    people.set_active(db, meena, gone["id"], False)
    other = make_user(centre="STP")
    login(visitor, meena)
    body = visitor.get("/supervisor/people/").get_data(as_text=True)
    assert mine["name"] in body and mine["login"] in body and gone["name"] in body
    assert other["name"] not in body
    assert "Deactivated" in body and "English" in body


def test_people_list_searches_by_phone_and_survives_a_bad_page_number(visitor, meena,
                                                                       make_user):
    a, b = make_user(), make_user()
    login(visitor, meena)
    body = visitor.get(f"/supervisor/people/?q={b['login']}").get_data(as_text=True)
    assert b["name"] in body and a["name"] not in body
    assert visitor.get("/supervisor/people/?page=x").status_code == 200


def test_adding_one_with_a_generated_pin_shows_it_once(visitor, db, meena):
    login(visitor, meena)
    assert visitor.get("/supervisor/people/new").status_code == 200
    response = visitor.post("/supervisor/people/new", {"name": "Anitha", "phone": "90000 12345",
                                                       "lang": "ta", "pin": ""})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    pin = PIN_SHOWN.search(response.get_data(as_text=True)).group(1)
    user, _ = users.authenticate(db, "9000012345", pin, "1.2.3.4")
    assert user["name"] == "Anitha"
    person_page = visitor.get(f"/supervisor/people/{user['id']}").get_data(as_text=True)
    assert pin not in person_page


def test_adding_one_with_a_typed_pin_uses_it(visitor, db, meena):
    login(visitor, meena)
    visitor.post("/supervisor/people/new", {"name": "Rani", "phone": "9000012346",
                                            "lang": "hi", "pin": "4826"})
    user, refusal = users.authenticate(db, "9000012346", "4826", "1.2.3.4")
    assert refusal is None and user["lang"] == "hi"


def test_a_bad_add_form_comes_back_with_each_error_beside_its_field_in_her_language(
        visitor, db, make_user):
    meena = make_user(role="supervisor", lang="ta", password="long-password")
    login(visitor, meena)
    response = visitor.post("/supervisor/people/new", {"name": "Anitha", "phone": "12345",
                                                       "lang": "ta", "pin": "1234"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="phone-error"' in body and 'id="pin-error"' in body
    assert 'value="Anitha"' in body  # what she typed stays
    assert "10 இலக்க மொபைல் எண்ணை" in body
    assert db["users"].count == 1


def test_reset_pin_shows_a_new_pin_once_and_the_old_one_stops_working(visitor, db, meena,
                                                                       make_user):
    worker = make_user()
    login(visitor, meena)
    response = visitor.post(f"/supervisor/people/{worker['id']}/pin")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    pin = PIN_SHOWN.search(response.get_data(as_text=True)).group(1)
    assert users.authenticate(db, worker["login"], PIN, "1.2.3.4")[0] is None
    assert users.authenticate(db, worker["login"], pin, "1.2.3.4")[0]["id"] == worker["id"]
    assert audit_actions(db)[-1] == "user.reset_pin"


def test_reset_pin_by_htmx_swaps_her_card_only(visitor, db, meena, make_user):
    worker = make_user()
    login(visitor, meena)
    response = visitor.post(f"/supervisor/people/{worker['id']}/pin", htmx=True)
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="person"' in body and PIN_SHOWN.search(body)
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("htmx", [False, True])
def test_unlock_page_and_htmx(visitor, db, meena, make_user, htmx):
    worker = make_user()
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, worker["login"], "0000", "1.2.3.4")
    login(visitor, meena)
    assert "Unlock" in visitor.get(f"/supervisor/people/{worker['id']}").get_data(as_text=True)
    response = visitor.post(f"/supervisor/people/{worker['id']}/unlock", htmx=htmx)
    if htmx:
        assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    else:
        assert response.status_code == 303
    assert one(db, "SELECT count(*) AS n FROM login_attempts WHERE login = ? AND ok = 0",
               (worker["login"],))["n"] == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_deactivated_she_cannot_log_in_and_reactivated_she_can(visitor, app, db, meena,
                                                                make_user, htmx):
    from tests.conftest import Visitor

    worker = make_user()
    phone = Visitor(app.test_client())
    phone.login(worker)
    assert phone.get("/home").status_code == 200
    login(visitor, meena)
    visitor.post(f"/supervisor/people/{worker['id']}/active", {"active": "0"}, htmx=htmx)
    assert one(db, "SELECT active FROM users WHERE id = ?", (worker["id"],))["active"] == 0
    assert phone.get("/home").status_code == 302  # her session ends with her account
    assert users.authenticate(db, worker["login"], PIN, "1.2.3.4")[0] is None
    visitor.post(f"/supervisor/people/{worker['id']}/active", {"active": "1"}, htmx=htmx)
    assert users.authenticate(db, worker["login"], PIN, "1.2.3.4")[0]["id"] == worker["id"]
    assert audit_actions(db)[-2:] == ["user.deactivate", "user.activate"]


@pytest.mark.parametrize("htmx", [False, True])
def test_pause_then_qualify_by_hand_changes_what_she_may_work_on(visitor, db, meena, make_user,
                                                                  make_project, htmx):
    from core import qualifications, tasks

    project = make_project()
    worker = make_user()
    login(visitor, meena)
    url = f"/supervisor/people/{worker['id']}/projects/{project['id']}"
    response = visitor.post(url, {"status": "paused"}, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    assert qualifications.get_status(db, worker["id"], project["id"]) == "paused"
    assert tasks.worker_projects(db, worker) == []
    visitor.post(url, {"status": "qualified"}, htmx=htmx)
    assert qualifications.get_status(db, worker["id"], project["id"]) == "qualified"
    row = one(db, "SELECT actor_id, detail FROM audit_log"
                  " WHERE action = 'qualification.qualified'")
    assert row["actor_id"] == meena["id"] and json.loads(row["detail"])["before"] == "paused"
    assert visitor.post(url, {"status": "trainee"}).status_code == 400


# -- add many from a CSV --------------------------------------------------------------

def upload(visitor, text, encoding="utf-8"):
    import io

    data = text.encode(encoding) if isinstance(text, str) else text
    return visitor.post("/supervisor/people/upload",
                        {"file": (io.BytesIO(data), "people.csv")},
                        content_type="multipart/form-data")


def test_a_good_csv_adds_everyone_and_shows_each_pin_once(visitor, db, meena):
    login(visitor, meena)
    csv = ("\ufeffname,phone,lang,pin\r\nஅனிதா,98765 43210,ta,\r\nRekha Devi,+91 91234 56789,"
           "HI,4826\r\n\r\nPriya,09000012345,en,\r\n")
    response = upload(visitor, csv)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    pins = PIN_SHOWN.findall(body)
    assert len(pins) == 3 and pins[1] == "4826"
    rows = {r["login"]: r for r in db.query("SELECT * FROM users WHERE role = 'annotator'")}
    assert set(rows) == {"9876543210", "9123456789", "9000012345"}
    assert rows["9876543210"]["name"] == "அனிதா" and rows["9123456789"]["lang"] == "hi"
    assert users.authenticate(db, "9876543210", pins[0], "1.2.3.4")[0] is not None


def test_a_csv_with_bad_lines_adds_no_one_and_lists_every_error_by_line(visitor, db, meena,
                                                                        make_user):
    taken = make_user()
    login(visitor, meena)
    csv = ("phone,name,lang\n9876543210,Anitha,ta\n12345,Rekha,hi\n9876543210,Priya,en\n"
           f"{taken['login']},,xx\n9000012345,Kala,ta\n")
    response = upload(visitor, csv)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3, Phone number: Please type a 10-digit mobile number." in body
    assert "Line 4, Phone number: This number is on an earlier line too." in body
    assert "Line 5, Name: Please type a name." in body
    assert "Line 5, Phone number: Someone already logs in with this number." in body
    assert "Line 5, Language: The language must be ta, hi or en." in body
    assert "Line 2" not in body and "Line 6" not in body
    assert db["users"].count == 2  # meena and the one already there
    assert db["audit_log"].count == 2


def test_csv_errors_are_listed_in_her_language(visitor, make_user):
    meena = make_user(role="supervisor", lang="hi", password="long-password")
    login(visitor, meena)
    body = upload(visitor, "name,phone,lang\nRekha,123,hi\n").get_data(as_text=True)
    assert "लाइन 2" in body


@pytest.mark.parametrize("data,says", [
    (b"", "This file has no people in it."),
    (b"name,phone,lang\n", "This file has no people in it."),
    ("name,phone,lang\nஅனிதா,9876543210,ta\n".encode("utf-16"), "is not UTF-8"),
    (b"\xff\xfename;phone\n", "is not UTF-8"),
    (b"name,mobile,lang\nA,9876543210,ta\n", "Missing: phone."),
    (b"name,phone,lang\nA,9876543210,ta\n" + b"x" * 200_000 + b",1,ta\n",
     "Line 3: This line is too long: at most 1000 characters."),
])
def test_a_csv_that_is_not_one_is_refused_whole(visitor, db, meena, data, says):
    login(visitor, meena)
    response = upload(visitor, data)
    assert response.status_code == 400 and says in response.get_data(as_text=True)
    assert db["users"].count == 1


def test_uploading_without_a_file_is_refused(visitor, meena):
    login(visitor, meena)
    response = visitor.post("/supervisor/people/upload", {}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Please choose a file." in response.get_data(
        as_text=True)


# -- admin: centres and supervisors ---------------------------------------------------

def test_admin_creates_a_centre_and_a_supervisor_with_a_real_password(visitor, db, make_user):
    admin = make_user(role="admin", password="long-password")
    login(visitor, admin)
    assert visitor.post("/supervisor/centres", {"code": "mdu", "centre_name": "Madurai"}
                        ).status_code == 303
    centre = one(db, "SELECT * FROM centres WHERE code = 'MDU'")
    assert centre["name"] == "Madurai"
    short = visitor.post("/supervisor/staff", {"login": "kala", "name": "Kala", "role":
                                               "supervisor", "centre": centre["id"],
                                               "lang": "ta", "password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    assert one(db, "SELECT 1 AS x FROM users WHERE login = 'kala'") is None
    visitor.post("/supervisor/staff", {"login": "kala", "name": "Kala", "role": "supervisor",
                                       "centre": centre["id"], "lang": "ta",
                                       "password": "a long password"})
    kala = one(db, "SELECT * FROM users WHERE login = 'kala'")
    assert (kala["role"], kala["centre_id"]) == ("supervisor", centre["id"])
    assert "Kala" in visitor.get("/supervisor/centres").get_data(as_text=True)
    assert {"centre.create", "user.create"} <= set(audit_actions(db))


def test_a_taken_centre_code_is_refused(visitor, db, make_user):
    admin = make_user(role="admin", password="long-password")
    login(visitor, admin)
    response = visitor.post("/supervisor/centres", {"code": "KRR", "centre_name": "Again"})
    assert response.status_code == 400 and "This centre code is taken." in response.get_data(
        as_text=True)
    assert db["centres"].count == 1


def test_a_supervisor_may_not_open_the_centres_screen(visitor, meena):
    login(visitor, meena)
    assert visitor.get("/supervisor/centres").status_code == 403
    assert visitor.post("/supervisor/centres", {"code": "MDU", "centre_name": "M"}
                        ).status_code == 403


def test_admin_adds_people_to_any_centre(visitor, db, make_user):
    admin = make_user(role="admin", password="long-password")
    stp = users.get_centre(db, "STP", create=True)
    login(visitor, admin)
    response = visitor.post("/supervisor/people/new", {"name": "Sunita", "phone": "9000012345",
                                                       "lang": "hi", "centre": stp["id"]})
    assert response.status_code == 200
    assert one(db, "SELECT centre_id FROM users WHERE login = '9000012345'")["centre_id"] == \
        stp["id"]
    body = visitor.get(f"/supervisor/people/?centre={stp['id']}").get_data(as_text=True)
    assert "Sunita" in body


def test_a_csv_over_the_limits_is_refused_before_anything_is_hashed(visitor, db, meena,
                                                                     monkeypatch):
    monkeypatch.setattr(people, "MAX_CSV_ROWS", 3)
    login(visitor, meena)
    rows = "".join(f"P{n},90000123{n:02d},ta,\n" for n in range(4))
    response = upload(visitor, "name,phone,lang\n" + rows)
    assert response.status_code == 400 and "At most 3 people" in response.get_data(as_text=True)
    monkeypatch.setattr(people, "MAX_CSV_BYTES", 100)
    big = upload(visitor, "name,phone,lang\n" + "Anitha,9876543210,ta\n" * 10)
    assert big.status_code == 400 and "This file is too big." in big.get_data(as_text=True)
    assert db["users"].count == 1


def test_control_characters_are_dropped_from_names(db, meena):
    added = people.add_annotator(db, meena, meena["centre_id"], name="Ani\x00tha\x1b K",
                                 phone="9000012345", lang="ta", hash_method=CHEAP_HASH)
    assert added["user"]["name"] == "Anitha K"


# -- changing her name, phone or language ----------------------------------------------

def test_editing_changes_name_phone_and_language_and_audits_before_and_after(db, meena,
                                                                            make_user):
    worker = make_user()
    person = people.edit_person(db, meena, worker["id"], name=" Kavitha  R ",
                                phone="+91 90000 55555", lang="ta")
    assert (person["name"], person["login"], person["lang"]) == ("Kavitha R", "9000055555",
                                                                 "ta")
    row = one(db, "SELECT actor_id, action, subject, detail FROM audit_log ORDER BY id DESC")
    assert (row["actor_id"], row["action"], row["subject"]) == (
        meena["id"], "user.edit", f"user:{worker['id']}")
    assert json.loads(row["detail"]) == {"name": f"{worker['name']} → Kavitha R",
                                         "phone": f"{worker['login']} → 9000055555",
                                         "lang": "en → ta"}
    # She logs in with the new number and her old PIN; the old number no longer works.
    assert users.authenticate(db, "9000055555", PIN, "1.2.3.4")[0]["id"] == worker["id"]
    assert users.authenticate(db, worker["login"], PIN, "1.2.3.4")[0] is None


def test_editing_nothing_writes_no_audit_row(db, meena, make_user):
    worker = make_user()
    before = db["audit_log"].count
    people.edit_person(db, meena, worker["id"], name=worker["name"], phone=worker["login"],
                       lang=worker["lang"])
    assert db["audit_log"].count == before


def test_editing_to_a_taken_phone_or_bad_fields_changes_nothing(db, meena, make_user):
    worker, other = make_user(), make_user()
    with pytest.raises(Invalid) as refusal:
        people.edit_person(db, meena, worker["id"], name="Kavitha", phone=other["login"],
                           lang="en")
    assert refusal.value.detail["errors"] == {"phone": "phone_taken"}
    with pytest.raises(Invalid) as refusal:
        people.edit_person(db, meena, worker["id"], name=" ", phone="123", lang="fr")
    assert refusal.value.detail["errors"] == {"name": "name_required", "phone": "bad_phone",
                                              "lang": "bad_lang"}
    row = one(db, "SELECT name, login, lang FROM users WHERE id = ?", (worker["id"],))
    assert row == {"name": worker["name"], "login": worker["login"], "lang": "en"}
    assert "user.edit" not in audit_actions(db)


def test_editing_another_centres_person_is_not_found_even_with_a_bad_form(db, meena,
                                                                          make_user):
    stranger = make_user(centre="STP")
    with pytest.raises(NotFound):
        people.edit_person(db, meena, stranger["id"], name="", phone="1", lang="xx")
    assert one(db, "SELECT name FROM users WHERE id = ?", (stranger["id"],))["name"] == \
        stranger["name"]


@pytest.mark.parametrize("htmx", [False, True])
def test_the_edit_form_saves_from_her_page(visitor, db, meena, make_user, htmx):
    worker = make_user()
    login(visitor, meena)
    page = visitor.get(f"/supervisor/people/{worker['id']}").get_data(as_text=True)
    assert f'href="/supervisor/people/{worker["id"]}/edit"' in page
    form = visitor.get(f"/supervisor/people/{worker['id']}/edit", htmx=htmx)
    body = form.get_data(as_text=True)
    assert form.status_code == 200 and f'value="{worker["login"]}"' in body
    assert ("<html" in body) == (not htmx)
    response = visitor.post(f"/supervisor/people/{worker['id']}/edit",
                            {"name": "Kavitha", "phone": "90000 55555", "lang": "hi"},
                            htmx=htmx)
    if htmx:
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in body
        assert 'id="person"' in body and "Kavitha" in body and "9000055555" in body
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/supervisor/people/{worker['id']}")
    row = one(db, "SELECT name, login, lang FROM users WHERE id = ?", (worker["id"],))
    assert row == {"name": "Kavitha", "login": "9000055555", "lang": "hi"}
    assert audit_actions(db)[-1] == "user.edit"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_edit_comes_back_with_the_error_in_her_language_and_changes_nothing(
        visitor, db, make_user, htmx):
    meena = make_user(role="supervisor", lang="ta", password="long-password")
    worker, other = make_user(), make_user()
    login(visitor, meena)
    response = visitor.post(f"/supervisor/people/{worker['id']}/edit",
                            {"name": "Kavitha", "phone": other["login"], "lang": "ta"},
                            htmx=htmx)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="phone-error"' in body
    assert ("<html" in body) == (not htmx)
    assert 'value="Kavitha"' in body  # what she typed stays
    assert "ஏற்கெனவே" in body  # "Someone already logs in with this number."
    assert one(db, "SELECT name FROM users WHERE id = ?", (worker["id"],))["name"] == \
        worker["name"]
    assert "user.edit" not in audit_actions(db)


# -- admin: supervisors' passwords, deactivating and reactivating -----------------------

@pytest.fixture
def admin(make_user):
    return make_user(role="admin", password="long-password")


def test_a_generated_password_is_long_readable_and_random():
    passwords = {people.new_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(len(p) == 14 and len(p.replace("-", "")) == 12 for p in passwords)
    assert not any(set(p) & set("lo01") for p in passwords)


def test_reset_password_typed_or_generated_replaces_the_old_and_is_audited(db, admin, meena):
    reset = people.reset_password(db, admin, meena["id"], "", hash_method=CHEAP_HASH)
    assert reset["generated"] and len(reset["password"]) >= people.MIN_PASSWORD
    assert users.authenticate(db, meena["login"], "long-password", "1.2.3.4")[0] is None
    assert users.authenticate(db, meena["login"], reset["password"], "1.2.3.4")[0]["id"] == \
        meena["id"]
    spaces = people.reset_password(db, admin, meena["id"], " " * 12, hash_method=CHEAP_HASH)
    assert spaces["generated"] and spaces["password"].strip() == spaces["password"]
    typed = people.reset_password(db, admin, meena["id"], "a typed password",
                                  hash_method=CHEAP_HASH)
    assert typed == {"person": typed["person"], "password": "a typed password",
                     "generated": False}
    assert users.authenticate(db, meena["login"], "a typed password", "1.2.3.4")[0]
    rows = list(db.query("SELECT actor_id, subject, detail FROM audit_log"
                         " WHERE action = 'user.reset_password' ORDER BY id"))
    assert [(r["actor_id"], r["subject"], json.loads(r["detail"])) for r in rows] == [
        (admin["id"], f"user:{meena['id']}", {"generated": True}),
        (admin["id"], f"user:{meena['id']}", {"generated": True}),
        (admin["id"], f"user:{meena['id']}", {"generated": False})]


@pytest.mark.parametrize("password,code", [("short pass", None), ("nine char", "too_short"),
                                           ("x" * 129, "too_long")])
def test_a_typed_password_needs_ten_to_128_characters(db, admin, meena, password, code):
    if code is None:
        people.reset_password(db, admin, meena["id"], password, hash_method=CHEAP_HASH)
        return
    before = one(db, "SELECT password_hash FROM users WHERE id = ?", (meena["id"],))
    with pytest.raises(Invalid) as refusal:
        people.reset_password(db, admin, meena["id"], password, hash_method=CHEAP_HASH)
    assert refusal.value.detail["errors"] == {"password": f"password_{code}"}
    assert one(db, "SELECT password_hash FROM users WHERE id = ?", (meena["id"],)) == before


def test_a_supervisor_manages_no_supervisor_nor_herself_nor_an_annotator_as_staff(
        db, meena, make_user, admin):
    colleague = make_user(role="supervisor", password="long-password")
    worker = make_user()
    before = list(db.query("SELECT * FROM users ORDER BY id"))
    for target in (colleague, meena, admin):
        with pytest.raises(NotFound):
            people.reset_password(db, meena, target["id"], "", hash_method=CHEAP_HASH)
        with pytest.raises(NotFound):
            people.set_staff_active(db, meena, target["id"], False)
    with pytest.raises(NotFound):  # an annotator is no staff, for an admin too
        people.set_staff_active(db, admin, worker["id"], False)
    assert list(db.query("SELECT * FROM users ORDER BY id")) == before


def test_admin_deactivates_and_reactivates_a_supervisor_who_then_cannot_log_in(db, admin,
                                                                              meena):
    people.set_staff_active(db, admin, meena["id"], False)
    assert users.authenticate(db, meena["login"], "long-password", "1.2.3.4")[0] is None
    people.set_staff_active(db, admin, meena["id"], True)
    assert users.authenticate(db, meena["login"], "long-password", "1.2.3.4")[0]["id"] == \
        meena["id"]
    assert audit_actions(db)[-2:] == ["user.deactivate", "user.activate"]


def test_a_deactivated_supervisor_is_out_at_once_and_her_old_cookie_stays_dead(
        app, visitor, db, admin, meena):
    """Deactivating ends every session of hers; reactivated, she logs in again and a
    cookie from before never comes back to life."""
    from tests.conftest import Visitor

    phone = Visitor(app.test_client())
    login(phone, meena)
    assert phone.get("/supervisor/").status_code == 200
    old_cookie = phone.client.get_cookie("session").value
    login(visitor, admin)
    visitor.post(f"/supervisor/staff/{meena['id']}/active", {"active": "0"})
    assert one(db, "SELECT count(*) AS n FROM sessions WHERE user_id = ?"
                   " AND ended_at IS NULL", (meena["id"],))["n"] == 0
    assert phone.get("/supervisor/").status_code == 302
    visitor.post(f"/supervisor/staff/{meena['id']}/active", {"active": "1"})
    assert one(db, "SELECT active FROM users WHERE id = ?", (meena["id"],))["active"] == 1
    stolen = Visitor(app.test_client())
    stolen.client.set_cookie("session", old_cookie)
    assert stolen.get("/supervisor/").status_code == 302
    login(phone, meena)  # a new login works
    assert phone.get("/supervisor/").status_code == 200


def test_a_session_left_from_before_deactivation_dies_on_reactivation(db, admin, meena):
    """A session row an older version left open while she was inactive ends when she
    is reactivated, so it never works again."""
    from core import sessions

    db.execute("UPDATE users SET active = 0 WHERE id = ?", (meena["id"],))
    sid = sessions.start(db, meena["id"])
    people.set_staff_active(db, admin, meena["id"], True)
    assert sessions.user_for(db, sid) is None


def test_an_admin_cannot_deactivate_herself_nor_the_last_active_admin(db, admin, make_user):
    with pytest.raises(Conflict, match="own_account"):
        people.set_staff_active(db, admin, admin["id"], False)
    other = make_user(role="admin", password="long-password")
    people.set_staff_active(db, admin, other["id"], False)  # two admins: one may go
    # The other's request, sent before she was deactivated, arrives after: refused, so
    # one active admin is always left.
    with pytest.raises(Conflict, match="last_admin"):
        people.set_staff_active(db, other, admin["id"], False)
    assert one(db, "SELECT active FROM users WHERE id = ?", (admin["id"],))["active"] == 1
    assert audit_actions(db).count("user.deactivate") == 1


def test_the_centres_page_lists_each_centres_supervisors_with_their_actions(visitor, db,
                                                                           admin, meena):
    rakesh = people.get_staff_or_404(db, admin, people.create_staff(
        db, admin, login="rakesh", name="Rakesh", role="supervisor",
        centre_id=users.get_centre(db, "STP", create=True)["id"], lang="hi",
        password="long-password", hash_method=CHEAP_HASH))
    login(visitor, admin)
    body = visitor.get("/supervisor/centres").get_data(as_text=True)
    krr, stp = body.index("(KRR)"), body.index("(STP)")
    assert krr < body.index(meena["name"]) < stp < body.index("Rakesh")
    for person in (meena, rakesh):
        assert f'id="staff-{person["id"]}"' in body
        assert f'href="/supervisor/staff/{person["id"]}/password"' in body
        # Deactivate asks first, on a page of its own.
        assert f'href="/supervisor/staff/{person["id"]}/deactivate"' in body
    # Her own line has no Deactivate.
    assert f'/supervisor/staff/{admin["id"]}/deactivate"' not in body


@pytest.mark.parametrize("htmx", [False, True])
def test_admin_resets_a_supervisors_password_on_the_web_shown_once(visitor, db, admin,
                                                                   meena, htmx):
    login(visitor, admin)
    form = visitor.get(f"/supervisor/staff/{meena['id']}/password", htmx=htmx)
    assert form.status_code == 200 and ("<html" in form.get_data(as_text=True)) == (not htmx)
    response = visitor.post(f"/supervisor/staff/{meena['id']}/password", {"password": ""},
                            htmx=htmx)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert ("<html" in body) == (not htmx)
    password = re.search(r'<b class="pin">([^<]+)</b>', body).group(1)
    assert users.authenticate(db, meena["login"], password, "1.2.3.4")[0]["id"] == meena["id"]
    again = visitor.get(f"/supervisor/staff/{meena['id']}/password").get_data(as_text=True)
    assert password not in again
    assert audit_actions(db)[-1] == "user.reset_password"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_short_typed_password_is_refused_beside_its_field(visitor, db, admin, meena, htmx):
    login(visitor, admin)
    response = visitor.post(f"/supervisor/staff/{meena['id']}/password",
                            {"password": "short"}, htmx=htmx)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="password-error"' in body
    assert "at least 10 characters" in body and ("<html" in body) == (not htmx)
    assert users.authenticate(db, meena["login"], "long-password", "1.2.3.4")[0] is not None
    assert "user.reset_password" not in audit_actions(db)


@pytest.mark.parametrize("htmx", [False, True])
def test_admin_deactivates_a_supervisor_on_the_web_and_her_session_ends(visitor, app, db,
                                                                        admin, meena, htmx):
    from tests.conftest import Visitor

    office = Visitor(app.test_client())
    office.login(meena, password="long-password")
    assert office.get("/supervisor/").status_code == 200
    login(visitor, admin)
    url = f"/supervisor/staff/{meena['id']}/active"
    response = visitor.post(url, {"active": "0"}, htmx=htmx)
    if htmx:
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in body
        assert f'id="staff-{meena["id"]}"' in body and "Reactivate" in body
    else:
        assert response.status_code == 303
    assert one(db, "SELECT active FROM users WHERE id = ?", (meena["id"],))["active"] == 0
    assert office.get("/supervisor/").status_code == 302
    visitor.post(url, {"active": "1"}, htmx=htmx)
    assert one(db, "SELECT active FROM users WHERE id = ?", (meena["id"],))["active"] == 1
    assert audit_actions(db)[-2:] == ["user.deactivate", "user.activate"]


@pytest.mark.parametrize("htmx", [False, True])
def test_deactivating_herself_on_the_web_says_why_and_changes_nothing(
        visitor, db, admin, make_user, htmx):
    other = make_user(role="admin", password="long-password")
    people.set_staff_active(db, other, admin["id"], False)
    login(visitor, other)
    # Her own account: no button is shown, and a hand-made request is refused.
    response = visitor.post(f"/supervisor/staff/{other['id']}/active", {"active": "0"},
                            htmx=htmx)
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and ("<html" in body) == (not htmx)
    assert "You cannot deactivate your own account." in body
    assert one(db, "SELECT active FROM users WHERE id = ?", (other["id"],))["active"] == 1
    assert audit_actions(db).count("user.deactivate") == 1


def test_a_supervisor_gets_404_for_every_staff_action(visitor, db, meena, make_user):
    colleague = make_user(role="supervisor", password="long-password")
    login(visitor, meena)
    before = list(db.query("SELECT * FROM users ORDER BY id"))
    for target in (colleague, meena):
        assert visitor.get(f"/supervisor/staff/{target['id']}/password").status_code == 404
        assert visitor.post(f"/supervisor/staff/{target['id']}/password",
                            {"password": "a long password"}).status_code == 404
        assert visitor.post(f"/supervisor/staff/{target['id']}/active",
                            {"active": "0"}).status_code == 404
    assert list(db.query("SELECT * FROM users ORDER BY id")) == before
    assert "user.reset_password" not in audit_actions(db)


@pytest.mark.parametrize("lang", ["ta", "hi"])
def test_the_password_pages_in_tamil_and_hindi_have_no_english_left(visitor, make_user, lang):
    from tests.test_i18n import DEVANAGARI, LATIN_WORD, TAMIL, _text_of

    boss = make_user(role="admin", lang=lang, password="long-password")
    meena = make_user(role="supervisor", password="long-password")
    login(visitor, boss)
    url = f"/supervisor/staff/{meena['id']}/password"
    pages = [visitor.get(url).get_data(as_text=True),
             visitor.post(url, {"password": "short"}).get_data(as_text=True),
             visitor.post(url, {"password": ""}).get_data(as_text=True)]
    for body in pages:
        text = _text_of(body)
        for data in (meena["name"], meena["login"], "KRR", "English"):
            text = text.replace(data, "")
        text = re.sub(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", "", text)  # the password
        assert (TAMIL if lang == "ta" else DEVANAGARI).search(text)
        assert not LATIN_WORD.findall(text), LATIN_WORD.findall(text)


def test_a_new_password_unlocks_a_locked_supervisor(db, admin, meena):
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, meena["login"], "wrong password", "1.2.3.4")
    assert users.authenticate(db, meena["login"], "long-password", "1.2.3.4")[1].code == \
        "locked"
    reset = people.reset_password(db, admin, meena["id"], "", hash_method=CHEAP_HASH)
    assert users.authenticate(db, meena["login"], reset["password"], "1.2.3.4")[0]["id"] == \
        meena["id"]


# -- intake of a whole batch of people (#15) ------------------------------------------

def test_a_people_file_names_every_kind_of_problem_in_one_pass(visitor, db, meena):
    login(visitor, meena)
    lines = ["name,phone,lang", "Anitha,9876543210,ta", "Rekha,9123456789,xx",
             "Priya,9000012345,en", "Kala,9000012346,ta", "Mala,9000012347,ta",
             "Selvi,98765 43210,ta", "Devi,9000012348,hi", "K" * 81 + ",9000012349,ta",
             "Long," + "9" * 200_000 + ",ta", "Uma,9000012350,ta"]
    response = upload(visitor, "\n".join(lines) + "\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    found = re.findall(r"<li>(Line \d+[^<]*)</li>", body)
    assert found == [
        "Line 3, Language: The language must be ta, hi or en.",
        "Line 7, Phone number: This number is on an earlier line too.",
        "Line 9, Name: This name is too long.",
        "Line 10: This line is too long: at most 1000 characters."]
    assert "Correct these 4 mistakes" in body
    assert db["users"].count == 1  # all or nothing: only meena


def test_a_missing_column_is_said_once_and_the_other_columns_are_still_checked(visitor, db,
                                                                                meena):
    login(visitor, meena)
    body = upload(visitor, "name,phone\nAnitha,9876543210\nRekha,12345\n").get_data(
        as_text=True)
    short = upload(visitor, "name,phone,lang\nAnitha,9876543210\n").get_data(as_text=True)
    assert "Line 2, Language: The language must be ta, hi or en." in short  # a short line
    assert "Line 1: The first line must name the columns name, phone, lang. Missing: lang." \
        in body
    assert "Line 3, Phone number: Please type a 10-digit mobile number." in body
    assert "Language:" not in body and db["users"].count == 1


def _sheet(body):
    """(sheets, PINs in order, the download link's CSV text) of a PIN sheet."""
    from html import unescape
    from urllib.parse import unquote

    link = re.search(r'download="pins.csv" href="data:text/csv;charset=utf-8,([^"]+)"', body)
    return (body.count('<section class="card pin-sheet">'), PIN_SHOWN.findall(body),
            unquote(unescape(link.group(1))) if link else None)


def test_the_pin_sheet_prints_30_people_a_page_and_downloads_what_it_shows(visitor, db, meena):
    login(visitor, meena)
    people_csv = "name,phone,lang\n" + "".join(
        f"{'=cmd' if n == 0 else 'அனிதா ' + str(n)},90000{n:05d},ta\n" for n in range(61))
    response = upload(visitor, people_csv)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    sheets, pins, csv_text = _sheet(body)
    assert sheets == 3 and len(pins) == 61  # 30, 30 and 1: one printed page each
    assert "Sheet 1 of 3" in body and "Sheet 3 of 3" in body
    assert "one sheet of paper holds 30 people" in body
    assert "once you leave or reload this page, the PINs are gone" in body
    rows = list(__import__("csv").reader(csv_text.lstrip("\ufeff").splitlines()))
    assert rows[0] == ["name", "phone", "lang", "pin"] and len(rows) == 62
    assert [row[3] for row in rows[1:]] == pins  # the file holds what the sheet shows
    assert rows[1][0] == "'=cmd" and rows[2][0] == "அனிதா 1"  # a formula stays text
    # Nothing on the server serves them again: the sheet is the only copy.
    assert not any(pin in json.dumps(list(db.query("SELECT * FROM audit_log")))
                   for pin in pins)
    css = visitor.get(re.search(r'href="(/static/app\.[0-9a-f]+\.css)"', body).group(1))
    assert "@media print{.pin-sheet{break-after:page}" in css.get_data(as_text=True)


def test_one_person_added_gets_the_same_sheet_and_download(visitor, meena):
    login(visitor, meena)
    body = visitor.post("/supervisor/people/new", {"name": "Kala", "phone": "9000012345",
                                                   "lang": "ta"}).get_data(as_text=True)
    sheets, pins, csv_text = _sheet(body)
    assert sheets == 1 and len(pins) == 1
    assert csv_text.splitlines()[1] == f"Kala,9000012345,ta,{pins[0]}"

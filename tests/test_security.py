"""Sessions on the server, lockout that cannot be aimed at a person or a centre, PIN and
password rules, phone logins as typed, changing a PIN, and the probe's findings (#10, #6)."""
import datetime as dt
import io

import pytest

from core import sessions, users
from core.clock import utcnow
from core.db import one
from core.errors import Invalid
from tests.conftest import PASSWORD, PIN, Visitor


def _device_cookie(visitor):
    cookie = visitor.client.get_cookie("velai_device", path="/login")
    return cookie.value if cookie else None


def _copy_session(source, target):
    target.client.set_cookie("session", source.client.get_cookie("session").value)


# Phone logins as typed (#6 item 8)

@pytest.mark.parametrize("typed", ["98765 00001", "+91 98765 00001", "098765-00001",
                                   "+91-98765-00001", "9876500001", " 9876500001 ",
                                   "0091 98765 00001", "(98765) 00001"])
def test_a_phone_number_typed_naturally_is_her_ten_digits(typed):
    assert users.normalise_phone(typed) == "9876500001"


@pytest.mark.parametrize("login", ["meena", "Rakesh.Y", "admin", "sup-1"])
def test_a_login_that_is_no_phone_number_is_left_alone(login):
    assert users.normalise_phone(login) == login


def test_an_account_made_with_spaces_in_the_number_stores_the_digits(db):
    user = users.create_user(db, login="+91 90000 12345", password=PIN, role="annotator",
                             name="Anitha", centre="KRR", hash_method="pbkdf2:sha256:1000")
    assert user["login"] == "9000012345"
    with pytest.raises(Invalid) as taken:
        users.create_user(db, login="090000-12345", password=PIN, role="annotator",
                          name="Other", centre="KRR")
    assert taken.value.code == "login_taken"


@pytest.mark.parametrize("typed", ["98765 00001", "+91 98765 00001", "098765-00001"])
def test_she_logs_in_with_her_number_as_she_types_it(visitor, make_user, db, typed):
    worker = make_user()
    assert worker["login"] == "9876500001"
    response = visitor.post("/login", {"login": typed, "password": PIN})
    assert response.status_code == 303 and response.headers["Location"] == "/home"
    assert one(db, "SELECT login, ok FROM login_attempts") == {"login": "9876500001", "ok": 1}


@pytest.mark.parametrize("lang,words", [
    ("en", "Wrong phone number or PIN"),
    ("ta", "மொபைல் எண் அல்லது பின் எண் தவறு"),
    ("hi", "फ़ोन नंबर या पिन गलत है"),
])
def test_a_wrong_login_says_phone_number_or_pin_in_her_language(visitor, make_user, lang,
                                                                 words):
    worker = make_user()
    visitor.post("/lang", {"lang": lang, "next": "/login"})
    body = visitor.post("/login", {"login": worker["login"], "password": "0000"}).get_data(
        as_text=True)
    error = body.split('role="alert">')[1].split("</p>")[0]
    assert words in error
    assert "பயனர் பெயர்" not in error and "लॉगिन आईडी" not in error


def test_the_login_page_brings_up_the_number_keypad_for_phone_and_pin(visitor):
    body = visitor.get("/login").get_data(as_text=True)
    assert 'type="tel"' in body and 'inputmode="tel"' in body
    assert 'type="password" inputmode="numeric"' in body
    assert "/login?with=name" in body  # supervisors switch to text fields


def test_supervisors_get_text_fields_and_keep_them_on_their_device(visitor, db):
    users.create_user(db, login="meena", password=PASSWORD, role="supervisor", name="Meena",
                      centre="KRR", hash_method="pbkdf2:sha256:1000")
    main = visitor.get("/login?with=name").get_data(as_text=True).split("<main>")[1]
    assert "inputmode" not in main and "/login?with=phone" in main
    typo = visitor.post("/login", {"login": "meenaa", "password": "nope"})
    assert "inputmode" not in typo.get_data(as_text=True).split("<main>")[1]
    assert "Wrong login or password. 4 tries left." in typo.get_data(as_text=True)
    assert visitor.post("/login", {"login": "meena", "password": PASSWORD}).status_code == 303
    visitor.post("/logout")
    again = visitor.get("/login").get_data(as_text=True)  # this device: a name login last
    assert "inputmode" not in again.split("<main>")[1]


# Changing her PIN (#6 item 8)

def test_her_home_links_to_change_pin_and_she_changes_it(visitor, make_user, db):
    worker = make_user()
    visitor.login(worker)
    assert "/account/pin" in visitor.get("/home").get_data(as_text=True)
    page = visitor.get("/account/pin").get_data(as_text=True)
    assert 'name="old"' in page and 'name="repeat"' in page and 'inputmode=numeric' in page
    response = visitor.post("/account/pin", {"old": PIN, "new": "4739", "repeat": "4739"})
    assert response.status_code == 303
    assert "Your PIN is changed" in visitor.get(response.headers["Location"]).get_data(
        as_text=True)
    assert visitor.get("/home").status_code == 200  # this phone stays logged in
    fresh = Visitor(visitor.client.application.test_client())
    assert fresh.post("/login", {"login": worker["login"], "password": PIN}).status_code == 401
    fresh.login(worker, password="4739")


@pytest.mark.parametrize("old,new,repeat,words", [
    ("1111", "4739", "4739", "The old PIN is wrong. 4 tries left."),
    (PIN, "4739", "4738", "The two new PINs are not the same"),
    (PIN, "1234", "1234", "This PIN is too easy to guess"),
    (PIN, "19", "19", "A PIN has 4 to 8 digits."),
    (PIN, PIN, PIN, "The new PIN is the same as the old one."),
])
def test_a_pin_change_that_breaks_a_rule_changes_nothing(visitor, make_user, db, old, new,
                                                          repeat, words):
    worker = make_user()
    visitor.login(worker)
    before = one(db, "SELECT password_hash FROM users")["password_hash"]
    response = visitor.post("/account/pin", {"old": old, "new": new, "repeat": repeat})
    assert response.status_code in (400, 401)
    assert words in response.get_data(as_text=True)
    assert one(db, "SELECT password_hash FROM users")["password_hash"] == before
    assert visitor.get("/home").status_code == 200


def test_a_pin_change_ends_her_other_sessions(app, visitor, make_user, db):
    worker = make_user()
    other_phone = Visitor(app.test_client())
    other_phone.login(worker)
    visitor.login(worker)
    visitor.post("/account/pin", {"old": PIN, "new": "4739", "repeat": "4739"})
    assert other_phone.get("/home").status_code == 302
    assert visitor.get("/home").status_code == 200
    assert sessions.active_count(db, worker["id"]) == 1


def test_a_supervisor_changes_her_password_from_the_nav(visitor, make_user):
    sup = make_user(role="supervisor")
    visitor.login(sup)
    assert "/menu" in visitor.get("/supervisor/").get_data(as_text=True)
    assert "/account/pin" in visitor.get("/menu").get_data(as_text=True)
    assert "Old password" in visitor.get("/account/pin").get_data(as_text=True)
    short = visitor.post("/account/pin", {"old": PASSWORD, "new": "4739", "repeat": "4739"})
    assert "at least 10 characters" in short.get_data(as_text=True)
    ok = visitor.post("/account/pin", {"old": PASSWORD, "new": "a-longer-one-9",
                                        "repeat": "a-longer-one-9"})
    assert ok.status_code == 303


def test_guessing_the_old_pin_on_the_change_page_locks_like_a_login(visitor, make_user, db):
    worker = make_user()
    visitor.login(worker)
    for _ in range(users.MAX_FAILURES):
        response = visitor.post("/account/pin", {"old": "1111", "new": "4739",
                                                 "repeat": "4739"})
    assert response.status_code == 429
    right = visitor.post("/account/pin", {"old": PIN, "new": "4739", "repeat": "4739"})
    assert right.status_code == 429  # the right one too, for 15 minutes on this device
    assert users.authenticate(db, worker["login"], PIN, "10.9.9.9")[0] is not None


def test_she_changes_her_pin_on_her_phone_while_strangers_have_locked_her_login(
        visitor, make_user, db):
    worker, now = make_user(), utcnow()
    visitor.login(worker)
    for i in range(users.MAX_DAILY_FAILURES):
        users.authenticate(db, worker["login"], "0000", f"203.0.113.{i}",
                           now=now + dt.timedelta(seconds=i))
    assert one(db, "SELECT guess_locked_at FROM users")["guess_locked_at"]
    response = visitor.post("/account/pin", {"old": PIN, "new": "4739", "repeat": "4739"})
    assert response.status_code == 303


# PIN and password rules

@pytest.mark.parametrize("pin", ["1234", "1111", "0000", "1212", "7777", "1004", "2000",
                                 "4444", "2222", "6969", "9999", "3333", "5555", "6666",
                                 "1122", "1313", "8888", "4321", "2001", "1010", "2580",
                                 "1987", "2024", "0987", "123456", "111111", "654321"])
def test_the_commonest_pins_are_refused(db, pin):
    with pytest.raises(Invalid) as refused:
        users.create_user(db, login="9000000009", password=pin, role="annotator",
                          name="A", centre="KRR")
    assert refused.value.code == "pin_common"
    assert one(db, "SELECT count(*) AS n FROM users")["n"] == 0


def test_about_two_hundred_four_digit_pins_are_refused_and_the_rest_allowed():
    four = [p for p in users.COMMON_PINS if len(p) == 4]
    assert 100 <= len(four) <= 300
    users.check_secret("annotator", PIN)
    users.check_secret("annotator", "4739")


@pytest.mark.parametrize("secret,code", [
    ("1234", "password_too_short"), ("velai-adm", "password_too_short"),
    ("password123", "password_common"), ("1234567890", "password_common"),
    ("aaaaaaaaaaaa", "password_common"),
])
@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_need_real_passwords(db, role, secret, code):
    with pytest.raises(Invalid) as refused:
        users.create_user(db, login="sup", password=secret, role=role, name="S", centre="KRR")
    assert refused.value.code == code


def test_the_demo_passwords_and_pin_pass_the_rules():
    from core import demo
    for _, secret, role, *_rest in demo.ACCOUNTS:
        users.check_secret(role, secret)
    assert PIN not in users.COMMON_PINS


# Sessions on the server (#10 item 4)

def test_a_cookie_copied_before_logout_stops_working_after_it(app, visitor, make_user, db):
    worker = make_user()
    visitor.login(worker)
    thief = Visitor(app.test_client())
    _copy_session(visitor, thief)
    assert thief.get("/home").status_code == 200
    visitor.post("/logout")
    assert thief.get("/home").status_code == 302
    row = one(db, "SELECT ended_at FROM sessions")
    assert row["ended_at"] is not None


def test_each_login_starts_a_new_session_id(app, visitor, make_user, db):
    """No fixation: an id planted before login (or kept from an earlier one) is worthless."""
    worker = make_user()
    visitor.login(worker)
    before = visitor.client.get_cookie("session").value
    first = one(db, "SELECT id FROM sessions")["id"]
    visitor.login(worker)
    rows = list(db.query("SELECT id, ended_at FROM sessions ORDER BY created_at"))
    assert len(rows) == 2 and {r["id"] for r in rows if r["ended_at"]} == {first}
    planted = Visitor(app.test_client())
    planted.client.set_cookie("session", before)
    assert planted.get("/home").status_code == 302


def test_a_deactivated_person_or_ended_sessions_are_out_at_once(visitor, make_user, db):
    worker = make_user()
    visitor.login(worker)
    assert users.end_sessions(db, worker["id"]) == 1
    assert visitor.get("/home").status_code == 302
    visitor.login(worker)
    db.execute("UPDATE users SET active = 0 WHERE id = ?", (worker["id"],))
    assert visitor.get("/home").status_code == 302


def test_the_task_cycle_writes_nothing_for_the_session(visitor, make_user, make_project, db):
    project = make_project()
    visitor.login(make_user())
    seen = one(db, "SELECT last_seen FROM sessions")["last_seen"]
    db.execute("UPDATE sessions SET last_seen = datetime('now', '-2 days')")
    visitor.get("/home")  # first request of a new day: marks it seen
    marked = one(db, "SELECT last_seen FROM sessions")["last_seen"]
    assert marked >= seen
    db.execute("CREATE TABLE writes (n)")
    db.execute("CREATE TRIGGER count_writes AFTER UPDATE ON sessions BEGIN"
               " INSERT INTO writes VALUES (1); END")
    for _ in range(3):
        assert visitor.get(f"/tasks/{project['slug']}/next", htmx=True).status_code == 200
    assert one(db, "SELECT count(*) AS n FROM writes")["n"] == 0


def test_a_session_unused_for_two_weeks_has_ended(visitor, make_user, db):
    visitor.login(make_user())
    db.execute("UPDATE sessions SET last_seen = datetime('now', '-15 days')")
    assert visitor.get("/home").status_code == 302


def test_session_lookup_is_one_indexed_query_joined_to_users(db, make_user):
    sid = sessions.start(db, make_user()["id"])
    plan = " ".join(row["detail"] for row in db.query(
        "EXPLAIN QUERY PLAN SELECT u.*, s.last_seen AS session_seen FROM sessions s"
        " JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.ended_at IS NULL"
        " AND s.last_seen > ? AND u.active = 1", (sid, "2000-01-01 00:00:00")))
    assert "SCAN" not in plan
    assert sessions.user_for(db, sid)["session_seen"]


# Lockout that nobody can aim at a person or a centre (#10 item 4)

def _fail(db, login, ip, n, now, **device):
    for i in range(n):
        users.authenticate(db, login, "0000", ip, now=now + dt.timedelta(seconds=i), **device)


def test_a_strangers_failures_elsewhere_do_not_lock_her_out_at_her_address(db, make_user):
    worker, now = make_user(), utcnow()
    _fail(db, worker["login"], "198.51.100.9", 30, now)
    user, refusal = users.authenticate(db, worker["login"], PIN, "10.0.0.5",
                                       now=now + dt.timedelta(minutes=1))
    assert user is not None, refusal


def test_a_strangers_failures_do_not_lock_her_out_at_her_known_device(app, visitor,
                                                                      make_user, db):
    worker = make_user()
    visitor.login(worker)  # her phone: now a known device
    visitor.post("/logout")
    now = utcnow()
    for i in range(users.MAX_DAILY_FAILURES + 5):  # a stranger, from many addresses
        users.authenticate(db, worker["login"], "0000", f"198.51.100.{i}",
                           now=now + dt.timedelta(seconds=i))
    for _ in range(users.MAX_FAILURES):  # and from her own address, on another phone
        Visitor(app.test_client()).post("/login", {"login": worker["login"],
                                                   "password": "0000"})
    assert one(db, "SELECT guess_locked_at FROM users")["guess_locked_at"]
    stranger = Visitor(app.test_client())
    refused = stranger.post("/login", {"login": worker["login"], "password": PIN})
    assert refused.status_code == 429 and "Too many wrong tries" in refused.get_data(
        as_text=True)
    visitor.login(worker)  # her own phone gets in


def test_twenty_failures_a_day_slow_unknown_devices_down_but_lock_no_one_out(db, make_user):
    """Past the daily cap a new phone gets one try per 15 minutes: the right PIN still
    gets in, with no supervisor needed; her supervisor's unlock ends it at once."""
    worker, now = make_user(), utcnow()
    for i in range(users.MAX_DAILY_FAILURES):  # spread over addresses and hours
        users.authenticate(db, worker["login"], "0000", f"203.0.113.{i}",
                           now=now + dt.timedelta(hours=i))
    last = now + dt.timedelta(hours=users.MAX_DAILY_FAILURES - 1)
    refused = users.authenticate(db, worker["login"], PIN, "10.0.0.5",
                                 now=last + dt.timedelta(minutes=1))[1]
    assert (refused.code, refused.detail) == ("locked", {"minutes": 14})
    assert one(db, "SELECT guess_locked_at FROM users")["guess_locked_at"]
    assert users.authenticate(db, worker["login"], PIN, "10.0.0.5",
                              now=last + dt.timedelta(minutes=16))[0] is not None
    assert one(db, "SELECT guess_locked_at FROM users")["guess_locked_at"] is None
    users.authenticate(db, worker["login"], "0000", "10.0.0.6",
                       now=last + dt.timedelta(minutes=17))  # slowed again
    users.unlock(db, worker["id"], actor_id=None, now=last + dt.timedelta(minutes=18))
    assert users.authenticate(db, worker["login"], PIN, "10.0.0.5",
                              now=last + dt.timedelta(minutes=19))[0] is not None
    assert one(db, "SELECT action FROM audit_log WHERE action = 'user.unlock'")


def _answers(db, login, now):
    seen = []
    for i in range(users.MAX_DAILY_FAILURES + 4):
        refusal = users.authenticate(db, login, "0000", f"203.0.113.{i % 7}",
                                     now=now + dt.timedelta(minutes=i))[1]
        seen.append((refusal.code, refusal.detail))
    return seen


def test_an_unknown_number_is_answered_like_an_account_at_every_step(db, make_user):
    """20 failures used to lock an account and not a number that is none: the answers
    told which numbers are accounts. Now every step answers alike."""
    worker, now = make_user(), utcnow()
    theirs = _answers(db, worker["login"], now)
    assert theirs == _answers(db, "9000000001", now)
    assert theirs[-1][0] == "locked" and theirs[0][0] == "bad_credentials"


def test_an_unknown_number_costs_a_hash_like_an_account(db, make_user, monkeypatch):
    from core import users as users_module
    checked = []
    real = users_module.check_password_hash
    monkeypatch.setattr(users_module, "check_password_hash",
                        lambda hashed, secret: checked.append(hashed) or real(hashed, secret))
    worker = make_user()
    users.authenticate(db, worker["login"], "0000", "10.1.1.1")
    users.authenticate(db, "9000000001", "0000", "10.1.1.1")
    assert len(checked) == 2 and checked[1] == users_module._DUMMY_HASH


def test_guessing_her_old_pin_at_the_change_form_meets_the_daily_cap(db, make_user):
    """A borrowed session guessed at the change-PIN form with no daily cap: its failures
    now count toward one (one try per 15 minutes past it), and toward the cap of
    logins from new phones."""
    worker, now = make_user(), utcnow()
    codes = []
    for i in range(users.MAX_DAILY_FAILURES):  # 4 minutes apart: under the 15-minute lock
        with pytest.raises(Invalid) as refused:
            users.change_secret(db, worker, "0000", "4739", "4739", "10.2.2.2",
                                session_id="borrowed", now=now + dt.timedelta(minutes=4 * i))
        codes.append(refused.value.code)
    assert codes == ["wrong_old_pin"] * (users.MAX_DAILY_FAILURES - 1) + ["locked"]
    soon = now + dt.timedelta(minutes=4 * users.MAX_DAILY_FAILURES)
    with pytest.raises(Invalid) as refused:
        users.change_secret(db, worker, PIN, "4739", "4739", "10.2.2.2",
                            session_id="another", now=soon)
    assert refused.value.code == "locked"
    assert users.authenticate(db, worker["login"], PIN, "10.3.3.3",
                              now=soon)[1].code == "locked"  # a new phone: slowed too
    users.change_secret(db, worker, PIN, "4739", "4739", "10.2.2.2", session_id="borrowed",
                        now=soon + dt.timedelta(minutes=16))
    assert users.authenticate(db, worker["login"], "4739", "10.3.3.3",
                              now=soon + dt.timedelta(minutes=17))[0] is not None


def test_nineteen_failures_a_day_leave_the_login_open(db, make_user):
    worker, now = make_user(), utcnow()
    for i in range(users.MAX_DAILY_FAILURES - 1):
        users.authenticate(db, worker["login"], "0000", f"203.0.113.{i}",
                           now=now + dt.timedelta(minutes=i))
    assert users.authenticate(db, worker["login"], PIN, "203.0.113.200",
                              now=now + dt.timedelta(hours=1))[0] is not None


def test_five_failures_lock_only_that_login_at_that_address(db, make_user):
    worker, now = make_user(), utcnow()
    _fail(db, worker["login"], "10.4.4.4", users.MAX_FAILURES, now)
    soon = now + dt.timedelta(minutes=1)
    assert users.authenticate(db, worker["login"], PIN, "10.4.4.4",
                              now=soon)[1].code == "locked"
    assert users.authenticate(db, worker["login"], PIN, "10.5.5.5", now=soon)[0] is not None


def test_a_stranger_behind_the_centres_address_cannot_lock_the_centre(app, make_user, db):
    """30 failures of many logins from one address lock that address for unknown devices;
    every woman of the centre on her own phone still gets in."""
    workers = [make_user() for _ in range(4)]
    phones = []
    for worker in workers:
        phone = Visitor(app.test_client())
        phone.login(worker)
        phone.post("/logout")
        phones.append(phone)
    stranger = Visitor(app.test_client())
    for n in range(users.MAX_IP_FAILURES + 2):
        stranger.post("/login", {"login": f"90000{n:05d}", "password": "0000"})
    new_phone = Visitor(app.test_client())
    assert new_phone.post("/login", {"login": workers[0]["login"],
                                     "password": PIN}).status_code == 429
    for phone, worker in zip(phones, workers):
        phone.login(worker)


def test_guesses_from_a_known_device_still_lock_it_for_a_while(app, visitor, make_user):
    worker = make_user()
    visitor.login(worker)
    visitor.post("/logout")
    for _ in range(users.MAX_FAILURES):
        response = visitor.post("/login", {"login": worker["login"], "password": "0000"})
    assert response.status_code == 429
    assert "Too many wrong tries" in response.get_data(as_text=True)


def test_a_forged_device_cookie_is_no_known_device(app, visitor, make_user, db):
    worker = make_user()
    visitor.client.set_cookie("velai_device", '{"d":"x","u":[1]}')
    for _ in range(users.MAX_FAILURES):
        visitor.post("/login", {"login": worker["login"], "password": "0000"})
    assert one(db, "SELECT count(*) AS n FROM login_attempts WHERE known = 1")["n"] == 0


def test_the_device_cookie_is_long_lived_httponly_and_signed(visitor, make_user):
    response = visitor.login(make_user())
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("velai_device")]
    assert cookie and "HttpOnly" in cookie[0] and "Max-Age=34560000" in cookie[0]
    assert "Path=/login" in cookie[0]  # never sent with a task: bytes on 2G
    assert "." in _device_cookie(visitor)  # value.signature


# The probe's other findings (#10 item 4)

def test_a_lone_surrogate_in_a_synced_answer_is_stored_cleaned_and_the_rest_go_on(
        visitor, make_user, make_project, db):
    project = make_project(task_type="free_text", tasks=3, redundancy=1)
    visitor.login(make_user())
    visitor.post(f"/tasks/{project['slug']}/batch")
    ids = [row["id"] for row in db.query("SELECT id FROM assignments ORDER BY id")]
    body = ('{"items": [{"id": %d, "answer": "abc\\ud800def"}, {"id": %d, "answer": "ok",'
            ' "seconds": "\\udfff"}, {"id": %d, "answer": "\\ud83d\\ude00 fine"}]}' % tuple(ids))
    response = visitor.client.post("/answers/sync", data=body, headers={
        "Content-Type": "application/json", "X-CSRFToken": visitor.token})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [r["ok"] for r in response.get_json()["results"]] == [True, True, True]
    answers = [row["answer"] for row in db.query("SELECT answer FROM assignments ORDER BY id")]
    assert answers == ["abcdef", "ok", "\U0001F600 fine"]


def _claims(db):
    return one(db, "SELECT count(*) AS n FROM assignments")["n"]


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Referer": "https://evil.example/page"},  # an older browser: no Sec-Fetch-Site
])
@pytest.mark.parametrize("path", ["next", "batch"])
def test_a_link_on_another_site_claims_no_task(visitor, make_user, make_project, db,
                                               headers, path):
    project = make_project()
    visitor.login(make_user())
    response = visitor.get(f"/tasks/{project['slug']}/{path}", headers=headers)
    if path == "next":  # the batch page claims nothing, from anywhere: it may show
        assert response.status_code == 303 and response.headers["Location"] == "/home"
    assert _claims(db) == 0


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # typed, a bookmark, the home-screen icon
    {"Referer": "http://localhost/home"},
    {},  # an old browser that sends neither
])
@pytest.mark.parametrize("path", ["next"])  # a batch: only by her form's POST
def test_her_own_taps_and_bookmarks_still_claim(visitor, make_user, make_project, db,
                                               headers, path):
    project = make_project()
    visitor.login(make_user())
    response = visitor.get(f"/tasks/{project['slug']}/{path}", headers=headers)
    assert response.status_code == 200 and _claims(db) >= 1


def test_htmx_next_task_from_the_page_still_claims(visitor, make_user, make_project, db):
    project = make_project()
    visitor.login(make_user())
    response = visitor.get(f"/tasks/{project['slug']}/next", htmx=True,
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert _claims(db) == 1


def test_the_session_cookie_is_secure_when_the_request_came_over_tls(app, make_user):
    from app import create_app
    behind = create_app({**app.config, "PROXY_COUNT": 1})
    worker = make_user()
    phone = Visitor(behind.test_client())
    response = phone.post("/login", {"login": worker["login"], "password": PIN},
                          headers={"X-Forwarded-Proto": "https",
                                   "Referer": "https://localhost/login"})
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in c for c in cookies) and len(cookies) == 2
    plain = Visitor(app.test_client()).login(worker)
    assert not any("Secure" in c for c in plain.headers.getlist("Set-Cookie"))


def test_the_session_cookie_is_secure_by_config_too(app, make_user):
    from app import create_app
    secure = create_app({**app.config, "SESSION_COOKIE_SECURE": True})
    response = Visitor(secure.test_client()).login(make_user())
    assert all("Secure" in c for c in response.headers.getlist("Set-Cookie"))


def _chunked(visitor, path, body, content_type, **headers):
    return visitor.client.post(path, input_stream=io.BytesIO(body), headers={
        "Transfer-Encoding": "chunked", "Content-Type": content_type, **headers},
        environ_overrides={"wsgi.input_terminated": True})


def test_a_chunked_body_past_the_limit_is_refused_not_cut(visitor, make_user, make_project,
                                                         db):
    project = make_project(task_type="free_text", tasks=1, redundancy=1)
    visitor.login(make_user())
    visitor.get(f"/tasks/{project['slug']}/next")
    big = b"csrf_token=" + visitor.token.encode() + b"&answer=" + b"x" * (1024 * 1024)
    response = _chunked(visitor, "/answers/1", big, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert one(db, "SELECT state FROM assignments")["state"] == "active"
    sync = b'{"items": [{"id": 1, "answer": "' + b"y" * (1024 * 1024) + b'"}]}'
    assert _chunked(visitor, "/answers/sync", sync, "application/json",
                    **{"X-CSRFToken": visitor.token}).status_code == 413


def test_a_small_chunked_body_is_read_whole(visitor, make_user, make_project, db):
    project = make_project(task_type="free_text", tasks=1, redundancy=1)
    visitor.login(make_user())
    visitor.get(f"/tasks/{project['slug']}/next")
    body = b"csrf_token=" + visitor.token.encode() + b"&answer=hello"
    assert _chunked(visitor, "/answers/1", body,
                    "application/x-www-form-urlencoded").status_code == 303
    assert one(db, "SELECT answer FROM assignments")["answer"] == "hello"


def test_make_run_binds_loopback_behind_a_proxy():
    import subprocess

    def bind(**env):
        import os
        out = subprocess.run(["make", "-n", "run"], capture_output=True, text=True,
                             env={**os.environ, **env}, cwd=os.path.dirname(
                                 os.path.dirname(os.path.abspath(__file__)))).stdout
        return out.split(" -b ")[1].split()[0]

    assert bind(FLASK_PROXY_COUNT="1") == "127.0.0.1:8000"
    assert bind(FLASK_PROXY_COUNT="0") == "0.0.0.0:8000"
    assert bind(FLASK_PROXY_COUNT="1", BIND="10.0.0.2:80") == "10.0.0.2:80"

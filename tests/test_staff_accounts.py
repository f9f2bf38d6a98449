"""Staff accounts (#19): an optional authenticator code (TOTP) for supervisors and
admins, required for money when the centre says so, and staff sessions that end idle."""
import datetime as dt
import re
import sqlite3

import pyotp
import pytest

from core import second_factor, sessions
from core.clock import stamp, utcnow
from core.db import one
from test_payouts_pages import _approve, _draft, karur  # noqa: F401 (a fixture)


def _enrol(visitor, db, user):
    """Turn her code on through the page; her secret."""
    visitor.post("/account/second-factor", {"action": "begin"})
    page = visitor.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert "otpauth://totp/" in page
    secret = secret.replace(" ", "")
    response = visitor.post("/account/second-factor",
                            {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 303, response.get_data(as_text=True)
    return secret


def _previous_code(secret):
    totp = pyotp.TOTP(secret)
    return totp.at(utcnow() - dt.timedelta(seconds=totp.interval))


def test_enrolment_needs_one_code_then_login_asks_for_a_code(visitor, make_user, db):
    boss = make_user("supervisor")
    visitor.login(boss)
    visitor.post("/account/second-factor", {"action": "begin"})
    wrong = visitor.post("/account/second-factor", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "Wrong code" in wrong.get_data(as_text=True)
    assert one(db, "SELECT totp_on_at FROM users WHERE id = ?", (boss["id"],))["totp_on_at"] \
        is None
    visitor.post("/account/second-factor", {"action": "begin"})
    secret = _enrol(visitor, db, boss)
    assert one(db, "SELECT totp_on_at FROM users WHERE id = ?", (boss["id"],))["totp_on_at"]
    visitor.post("/logout")
    response = visitor.login(boss)
    assert response.headers["Location"] == "/login/code"
    assert visitor.get("/supervisor/").status_code == 302  # no session yet
    bad = visitor.post("/login/code", {"code": "123456"})
    assert bad.status_code == 401 and "Wrong code" in bad.get_data(as_text=True)
    # The code that turned it on was used; the app's next one (its clock a step ahead).
    assert visitor.post("/login/code", {"code": pyotp.TOTP(secret).now()}).status_code == 401
    good = visitor.post("/login/code", {"code": pyotp.TOTP(secret).at(
        utcnow() + dt.timedelta(seconds=30))})
    assert good.status_code == 303 and good.headers["Location"] == "/supervisor/"
    assert visitor.get("/supervisor/").status_code == 200


def test_a_code_is_not_reused_within_its_window(make_user, db):
    boss = make_user("supervisor")
    secret = second_factor.begin(db, boss)["secret"].replace(" ", "")
    now = utcnow()
    code = pyotp.TOTP(secret).at(now)
    second_factor.confirm(db, boss, code, "1.2.3.4", now=now)
    boss = one(db, "SELECT * FROM users WHERE id = ?", (boss["id"],))
    with pytest.raises(Exception) as used:
        second_factor.check(db, boss, code, "1.2.3.4", now=now + dt.timedelta(seconds=5))
    assert used.value.code == "code_used"
    # An older code than the last used is refused too.
    with pytest.raises(Exception) as older:
        second_factor.check(db, boss, pyotp.TOTP(secret).at(now - dt.timedelta(seconds=30)),
                            "1.2.3.4", now=now + dt.timedelta(seconds=5))
    assert older.value.code in ("code_used", "bad_code")
    second_factor.check(db, boss, pyotp.TOTP(secret).at(now + dt.timedelta(seconds=30)),
                        "1.2.3.4", now=now + dt.timedelta(seconds=30))


def test_wrong_codes_are_throttled_like_passwords(make_user, db):
    boss = make_user("supervisor")
    secret = second_factor.begin(db, boss)["secret"].replace(" ", "")
    second_factor.confirm(db, boss, pyotp.TOTP(secret).now(), "1.2.3.4")
    boss = one(db, "SELECT * FROM users WHERE id = ?", (boss["id"],))
    codes = []
    for _ in range(5):
        with pytest.raises(Exception) as wrong:
            second_factor.check(db, boss, "000000", "1.2.3.4")
        codes.append(wrong.value.code)
    assert codes == ["bad_code"] * 4 + ["locked"], codes
    with pytest.raises(Exception) as locked:  # the right code too, for now
        second_factor.check(db, boss, pyotp.TOTP(secret).at(
            utcnow() + dt.timedelta(seconds=30)), "1.2.3.4")
    assert locked.value.code == "locked"


def test_the_centre_rule_refuses_approval_without_a_second_factor(visitor, db, karur):  # noqa: F811
    payout_id = _draft(visitor, karur["meena"])
    db.execute("UPDATE centres SET second_factor_for_money = 1")
    visitor.login(karur["anitha"])
    refused = _approve(visitor, payout_id)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "second factor" in page and 'href="/account/second-factor"' in page
    assert one(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,))["status"] == "draft"
    secret = _enrol(visitor, db, karur["anitha"])
    assert secret
    assert _approve(visitor, payout_id).status_code == 303
    assert one(db, "SELECT status FROM payouts WHERE id = ?", (payout_id,))["status"] == \
        "approved"


def test_the_database_refuses_an_approval_without_a_second_factor(db, karur):  # noqa: F811
    from core import payouts
    payout_id = payouts.draft(db, karur["meena"], *(d.isoformat() for d in payouts.last_week()))
    db.execute("UPDATE centres SET second_factor_for_money = 1")
    with pytest.raises(sqlite3.IntegrityError, match="second factor"):
        db.execute("UPDATE payouts SET status = 'approved', approved_by = ?, approved_at = ?"
                   " WHERE id = ?", (karur["anitha"]["id"], stamp(utcnow()), payout_id))


def test_step_up_asks_for_the_code_when_it_is_on(visitor, db, karur):  # noqa: F811
    payout_id = _draft(visitor, karur["meena"])
    visitor.login(karur["anitha"])
    secret = _enrol(visitor, db, karur["anitha"])
    db.execute("UPDATE sessions SET authed_at = '2000-01-01T00:00:00Z'")
    asked = _approve(visitor, payout_id)
    assert asked.status_code == 401 and 'name="step_up_code"' in asked.get_data(as_text=True)
    page = visitor.get(f"/supervisor/payouts/{payout_id}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    no_code = visitor.post(f"/supervisor/payouts/{payout_id}/approve", {
        "version": version, "step_up_password": "test-password-long", "step_up_code": "1"})
    assert no_code.status_code == 401
    done = visitor.post(f"/supervisor/payouts/{payout_id}/approve", {
        "version": version, "step_up_password": "test-password-long",
        "step_up_code": pyotp.TOTP(secret).at(utcnow() + dt.timedelta(seconds=30))})
    assert done.status_code == 303


def test_a_staff_session_ends_after_idle_time_with_a_message(visitor, make_user, db):
    boss = make_user("supervisor")
    visitor.login(boss)
    assert visitor.get("/supervisor/").status_code == 200
    db.execute("UPDATE sessions SET last_seen = ?",
               (stamp(utcnow() - sessions.STAFF_IDLE - dt.timedelta(minutes=1)),))
    response = visitor.get("/supervisor/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were away too long" in page
    assert one(db, "SELECT ended_at FROM sessions")["ended_at"]


def test_annotators_keep_their_long_sessions(visitor, make_user, db):
    worker = make_user()
    visitor.login(worker)
    db.execute("UPDATE sessions SET last_seen = ?",
               (stamp(utcnow() - dt.timedelta(hours=5)),))
    assert visitor.get("/home").status_code == 200


def test_a_staff_session_in_use_is_kept_seen(visitor, make_user, db):
    boss = make_user("supervisor")
    visitor.login(boss)
    db.execute("UPDATE sessions SET last_seen = ?",
               (stamp(utcnow() - dt.timedelta(minutes=20)),))
    assert visitor.get("/supervisor/").status_code == 200
    seen = one(db, "SELECT last_seen FROM sessions")["last_seen"]
    assert seen > stamp(utcnow() - dt.timedelta(minutes=1))

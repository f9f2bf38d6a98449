"""The session cookie's check is remembered between requests (views/session.py),
never its age: a remembered cookie still expires, a changed one is still refused, and the
form token signed once is still the session's."""
import re
import time

from views import session as views_session


def _home_status(visitor):
    return visitor.client.get("/home").status_code


def test_a_remembered_cookie_still_expires(visitor, make_user, monkeypatch):
    visitor.login(make_user())
    assert _home_status(visitor) == 200
    assert _home_status(visitor) == 200  # remembered now
    later = time.time() + 15 * 24 * 3600  # past the 14 days a session lives
    monkeypatch.setattr(views_session.time, "time", lambda: later)
    response = visitor.client.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_changed_cookie_is_refused_even_after_the_real_one_was_remembered(visitor,
                                                                             make_user):
    visitor.login(make_user())
    assert _home_status(visitor) == 200
    real = visitor.client.get_cookie("session").value
    payload, stamp, signature = real.rsplit(".", 2)
    forged = f"{payload}.{stamp}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    visitor.client.set_cookie("session", forged)
    assert _home_status(visitor) == 302
    visitor.client.set_cookie("session", real)
    assert _home_status(visitor) == 200


def test_the_form_token_is_signed_once_and_still_accepted(visitor, make_user):
    visitor.login(make_user())
    first = visitor.client.get("/menu").get_data(as_text=True)
    second = visitor.client.get("/menu").get_data(as_text=True)
    tokens = {re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
              for page in (first, second)}
    assert len(tokens) == 1  # the same signed token on every page of the session
    response = visitor.client.post("/lang", data={"lang": "ta", "csrf_token": tokens.pop()})
    assert response.status_code in (302, 303)
    assert visitor.client.post("/lang", data={"lang": "ta",
                                              "csrf_token": "x" + "y" * 40}).status_code == 400

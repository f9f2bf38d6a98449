"""Against real gunicorn: a chunked body past the limit is refused, a small one read whole;
a cookie copied before logout is refused after it (#10)."""
import http.client
import re
from urllib.parse import urlsplit

import pytest

from tests import live

TOKEN = re.compile(r'(?:name="csrf_token" value="|"X-CSRFToken":")([^"]+)"')


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    with live.server(str(tmp_path_factory.mktemp("live"))) as (url, db_path):
        yield url


def _conn(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)


def _login_page(url):
    conn = _conn(url)
    conn.request("GET", "/login")
    response = conn.getresponse()
    body = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    return cookie, TOKEN.search(body).group(1)


def _chunked_post(url, path, body: bytes, headers):
    conn = _conn(url)
    conn.putrequest("POST", path)
    for key, value in {"Transfer-Encoding": "chunked", **headers}.items():
        conn.putheader(key, value)
    conn.endheaders()
    try:
        for start in range(0, len(body), 64 * 1024):
            piece = body[start:start + 64 * 1024]
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server refused before the end: its answer is still there to read
    response = conn.getresponse()
    response.read()
    return response


def test_gunicorn_refuses_a_chunked_body_past_one_megabyte(running):
    cookie, token = _login_page(running)
    login, pin = live.DEMO["en"]
    body = (f"csrf_token={token}&login={login}&password={pin}&pad=").encode() + \
        b"x" * (1024 * 1024 + 10)
    response = _chunked_post(running, "/login", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 413


def test_gunicorn_reads_a_small_chunked_body_whole(running):
    cookie, token = _login_page(running)
    login, pin = live.DEMO["en"]
    body = f"csrf_token={token}&login={login}&password={pin}".encode()
    response = _chunked_post(running, "/login", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 303 and response.getheader("Location") == "/home"


def test_a_cookie_copied_before_logout_is_refused_after_it_by_gunicorn(running):
    cookie, token = _login_page(running)
    login, pin = live.DEMO["ta"]
    conn = _conn(running)
    conn.request("POST", "/login", f"csrf_token={token}&login={login}&password={pin}",
                 {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    session = [c for c in response.headers.get_all("Set-Cookie")
               if c.startswith("session=")][0].split(";")[0]

    def home(cookie):
        c = _conn(running)
        c.request("GET", "/home", headers={"Cookie": cookie})
        r = c.getresponse()
        renewed = [v for v in r.headers.get_all("Set-Cookie") or [] if v.startswith("session=")]
        return r.status, r.read().decode(), renewed[0].split(";")[0] if renewed else cookie

    status, page, session = home(session)  # her page: the cookie now holds her CSRF token
    assert status == 200
    logout_token = TOKEN.search(page).group(1)
    c = _conn(running)
    c.request("POST", "/logout", f"csrf_token={logout_token}", {
        "Cookie": session, "Content-Type": "application/x-www-form-urlencoded"})
    assert c.getresponse().status == 303
    assert home(session)[0] == 302  # the copy kept from before logout

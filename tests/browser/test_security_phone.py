"""In Chromium at 360 px: her number typed as she says it, changing her PIN in Tamil (with
and without JavaScript), a supervisor's name login, and a link on another site that claims
nothing (#6 item 8, #10 item 4)."""
import http.server
import threading

import pytest
from tests.browser.conftest import log_out

NEW_PIN = "4739"


@pytest.fixture(scope="module")
def other_site():
    """A page on another site (another host name, so another site to the browser)."""
    pages = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = pages.get(self.path, "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield pages, f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_she_logs_in_with_her_number_as_typed_and_changes_her_pin_in_tamil(
        open_phone, server, checks, phone_tools, javascript):
    digits = "9123400011" if javascript else "9123400012"
    server.add_annotator(digits, "Selvi", "ta", "KRR")
    page = open_phone("ta", java_script_enabled=javascript)
    page.goto(server.url + "/login")
    assert page.get_attribute("#login", "inputmode") == "tel"
    assert page.get_attribute("#password", "inputmode") == "numeric"
    if javascript:  # the checks run scripts in the page
        checks.page(page, "ta", "ta login")
    page.fill("#login", f"+91 {digits[:5]} {digits[5:]}")
    page.fill("#password", phone_tools.log_in.__defaults__[0])
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/home")
    page.locator("a[href='/account/pin']").tap()
    page.wait_for_url("**/account/pin")
    assert "பின் எண்ணை மாற்றுங்கள்" in page.inner_text("h1")
    if javascript:
        checks.page(page, "ta", "ta change pin")
    page.fill("#old", phone_tools.log_in.__defaults__[0])
    page.fill("#new", "1234")
    page.fill("#repeat", "1234")
    page.locator("form.card button.primary").tap()
    assert "எளிதில் கண்டுபிடித்துவிடுவார்கள்" in page.inner_text("[role=alert]")
    page.fill("#old", phone_tools.log_in.__defaults__[0])
    page.fill("#new", NEW_PIN)
    page.fill("#repeat", NEW_PIN)
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/menu")
    assert "மாற்றப்பட்டது" in page.inner_text("main")
    log_out(page)  # log out
    page.wait_for_url("**/login")
    phone_tools.log_in(page, server.url, digits, NEW_PIN)


def test_a_supervisor_switches_to_a_name_login_once(open_phone, server, checks):
    page = open_phone("ta")
    page.goto(server.url + "/login")
    page.locator("a[href*='with=name']").tap()
    page.wait_for_url("**/login?with=name")
    assert page.get_attribute("#login", "inputmode") is None
    checks.page(page, "ta", "ta supervisor login")
    page.fill("#login", "meena")
    page.fill("#password", "velai-demo")
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/supervisor/")
    log_out(page)
    page.wait_for_url("**/login")
    assert page.get_attribute("#login", "inputmode") is None  # her phone remembers


def test_a_link_on_another_site_claims_no_task(open_phone, server, phone_tools, other_site):
    pages, site = other_site
    login = "9123400013"
    uid = server.add_annotator(login, "Revathi", "en", "KRR")
    page = open_phone("en")
    phone_tools.log_in(page, server.url, login)
    page.wait_for_timeout(500)  # her service worker installs, as on a real phone
    for path in ("next", "batch"):
        pages[f"/{path}"] = (f'<a id="go" href="{server.url}/tasks/tamil-review-sentiment/'
                             f'{path}">Free money</a>')
        page.goto(f"{site}/{path}")
        page.locator("#go").click()
        # The next task goes home; the batch page shows what she holds: nothing.
        page.wait_for_url(f"{server.url}/home" if path == "next" else
                          f"{server.url}/tasks/tamil-review-sentiment/batch")
        assert server.value("SELECT count(*) FROM assignments WHERE user_id = ?", (uid,)) == 0
    page.goto(f"{server.url}/home")
    page.locator("a.button.primary").first.tap()  # her own Start still works
    page.wait_for_url("**/next")
    assert server.value("SELECT count(*) FROM assignments WHERE user_id = ?", (uid,)) == 1


_LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""


@pytest.mark.parametrize("lang", ["en", "ta", "hi"])
def test_the_login_pages_switch_links_take_one_line_at_360_px(open_phone, server, lang):
    """The first screen every annotator sees: "Supervisor? Log in" and the way back."""
    page = open_phone(lang)
    page.goto(server.url + "/login")
    link = page.locator("a[href*='with=name']")
    assert link.evaluate(_LINES) == 1, link.inner_text()
    page.goto(server.url + "/login?with=name")
    back = page.locator("a[href*='with=phone']")
    assert back.evaluate(_LINES) == 1, back.inner_text()

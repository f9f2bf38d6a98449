"""Real-browser tests: Debian's Chromium at phone size against a real gunicorn.

Without /usr/bin/chromium the folder is skipped, except under CI (CI=true), where a
missing browser is a failure. Shared helpers are fixtures (`checks`, `phone_tools`,
`lang_text`) because a test module must not import a conftest.
"""
import functools
import gettext
import io
import os
import re
import sqlite3
import subprocess
import sys
import time

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests import live

DEMO_PIN = live.DEMO["en"][1]  # the demo annotators' PIN: the PIN rules may change it

UNDER_CI = os.environ.get("CI") == "true"
AXE_PATH = os.path.join(live.ROOT, ".cache", "axe-core", "axe.min.js")
LOCALES = {"ta": "ta-IN", "hi": "hi-IN", "en": "en-IN", "kn": "kn-IN",
           "te": "te-IN"}  # what her phone is set to
SCRIPT = {"ta": re.compile("[\u0b80-\u0bff]"), "hi": re.compile("[\u0900-\u097f]"),
          "en": re.compile("[A-Za-z]"), "kn": re.compile("[\u0c80-\u0cff]"),
          "te": re.compile("[\u0c00-\u0c7f]")}
NATIVE_DIGITS = re.compile("[\u0be6-\u0bef\u0966-\u096f\u0ce6-\u0cef\u0c66-\u0c6f]")
MIN_TARGET = 48  # CSS px, height of every target; width of every button too


# -- the browser, or a loud reason why not -------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _chromium_present():
    if live.chromium_available():
        return
    if UNDER_CI:
        pytest.fail(f"{live.CHROMIUM} is missing: under CI the browser tests must run, not "
                    "skip. Install it: apt-get install chromium fonts-noto-core",
                    pytrace=False)
    pytest.skip(f"{live.CHROMIUM} is missing (apt-get install chromium fonts-noto-core)")


@pytest.fixture(scope="session")
def playwright(_chromium_present):
    """The one Playwright of the process. The sync API runs its own event loop: a second
    sync_playwright() while this one lives fails ("Sync API inside the asyncio loop"), and
    under pytest-xdist several browser modules share a worker. Every browser comes from here."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright_:
        yield playwright_


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = live.launch(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def browser_with(playwright):
    """Launch a Chromium of the module's own with extra flags (a fake microphone, say):
    `browser_with("--flag", ...)`. Closed when the module is done."""
    launched = []

    def launch(*extra_args):
        launched.append(live.launch(playwright, *extra_args))
        return launched[-1]

    yield launch
    for chromium in launched:
        chromium.close()


@pytest.fixture
def open_phone(browser):
    """Open a new phone (a fresh browser context: own cookies, storage, service worker)
    and return its page. `lang` sets the phone's language (Accept-Language)."""
    contexts = []

    def open_(lang="en", **options):
        context = browser.new_context(**{**live.PHONE, "locale": LOCALES[lang], **options})
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.console_errors = []
        page.on("pageerror", lambda error: page.js_errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(
            f"{msg.text} ({msg.location.get('url', '')})"))
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def phone(open_phone):
    """A phone-sized page (360x640, mobile, touch) in a context of its own."""
    return open_phone()


# -- the server ---------------------------------------------------------------------

class Server:
    def __init__(self, url, db_path):
        self.url, self.db_path = url, db_path

    def query(self, sql, params=()):
        conn = sqlite3.connect(self.db_path, timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()

    def value(self, sql, params=()):
        rows = self.query(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def user_id(self, login):
        return self.value("SELECT id FROM users WHERE login = ?", (login,))

    def submitted(self, user_id):
        """Her answers of the last day (the demo's own answers are from last week)."""
        return self.value("SELECT count(*) FROM assignments WHERE user_id = ?"
                          " AND state = 'submitted' AND submitted_at >= datetime('now', '-1 day')",
                          (user_id,))

    def add_annotator(self, login, name, lang, centre, qualified_for=("all",),
                      consented=True):
        """A new annotator (the demo PIN), through the app's own command line; her id.
        Ready to work on her centre's projects unless `qualified_for` says otherwise
        (empty: a trainee wherever a quiz is on); `consented`: she agreed to the consent
        text already (False: her first login asks)."""
        extra = [arg for slug in qualified_for for arg in ("--qualified-for", slug)]
        self.flask("create-user", "--login", login, "--password", DEMO_PIN, "--role",
                   "annotator", "--name", name, "--lang", lang, "--centre", centre, *extra)
        user_id = self.user_id(login)
        if consented:
            from core import consent
            from core import db as coredb
            db = coredb.connect(self.db_path)
            try:
                consent.record(db, user_id, None)
            finally:
                db.close()
        return user_id

    def flask(self, *args):
        """The app's command line against this server's database (as live.server runs it)."""
        env = {**os.environ, "VELAI_DB": self.db_path, "FLASK_SECRET_KEY": "live-test-secret",
               "FLASK_PASSWORD_HASH": "pbkdf2:sha256:1000"}
        flask = os.path.join(os.path.dirname(sys.executable), "flask")
        done = subprocess.run([flask, "--app", "app", *args], cwd=live.ROOT, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory, _chromium_present):
    """One real gunicorn on a freshly seeded SQLite file per test module."""
    server_ = live.server(str(tmp_path_factory.mktemp("velai")))
    try:
        url, db_path = server_.__enter__()
    except subprocess.CalledProcessError as error:  # say why, not just the exit status
        pytest.fail(f"{' '.join(error.cmd[-2:])} failed:\n{error.stderr.decode()[-3000:]}",
                    pytrace=False)
    try:
        yield Server(url, db_path)
    finally:
        server_.__exit__(None, None, None)


# -- her language ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def catalog(lang):
    """The app's own translations for `lang`, as gettext objects (English: none)."""
    if lang == "en":
        return gettext.NullTranslations()
    po = os.path.join(live.ROOT, "translations", lang, "LC_MESSAGES", "messages.po")
    if not os.path.exists(po):
        pytest.fail(f"no {lang} catalog at {po}: the pages cannot be in that language",
                    pytrace=False)
    with open(po, "rb") as f:
        parsed = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)  # skips fuzzy entries, as pybabel compile does
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Lang:
    """What the app says in one language, for exact comparisons."""

    def __init__(self, code):
        self.code = code
        self.t = catalog(code)
        self.script = SCRIPT[code]

    def _(self, text, **values):
        return self.t.gettext(text) % values if values else self.t.gettext(text)

    def p_(self, context, text, **values):
        """A string with a msgctxt (pgettext in the templates)."""
        return self.t.pgettext(context, text) % values

    def n_(self, singular, plural, n, **values):
        return self.t.ngettext(singular, plural, n) % {"num": n, **values}

    def today(self, n):
        return self.n_("Today: %(num)d answer", "Today: %(num)d answers", n)

    def waiting(self, n):
        """The queue note for n answers kept on the phone (the page fills in '#')."""
        return self.n_("Saved on phone: %(num)s answer waiting to send",
                       "Saved on phone: %(num)s answers waiting to send",
                       1 if n == 1 else 5, num="#").replace("#", str(n))

    def assert_in_language(self, text, what):
        assert self.script.search(text), f"{what} is not in {self.code}: {text!r}"
        assert not NATIVE_DIGITS.search(text), f"{what} has non-Latin digits: {text!r}"


@pytest.fixture(scope="session")
def lang_text():
    return Lang


# -- checks every page must pass -------------------------------------------------------

_TARGETS_JS = """() => {
  const out = [];
  const sel = 'a, button, input:not([type=hidden]), textarea, summary, select, label';
  for (const el of document.querySelectorAll(sel)) {
    const tag = el.tagName.toLowerCase();
    // A radio's target is the label around it; other labels are not targets.
    if (tag === 'label' && !el.querySelector('input[type=radio]')) continue;
    if (tag === 'input' && /^(radio|checkbox)$/.test(el.type) && el.closest('label')) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    out.push({tag, w: r.width, h: r.height, html: el.outerHTML.slice(0, 140)});
  }
  return out;
}"""

_AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200),
                              summary: n.failureSummary}))}));
}"""


@functools.lru_cache(maxsize=None)
def axe_source():
    if not os.path.exists(AXE_PATH):
        pytest.fail(f"axe-core is missing at {AXE_PATH}: run `make .cache/axe-core/axe.min.js`"
                    " (make test does)", pytrace=False)
    with open(AXE_PATH, encoding="utf-8") as f:
        return f.read()


def run_axe(page):
    """axe-core's default rules on the page as it is now; its violations.

    The app's CSP forbids inline scripts, so axe goes in by evaluate (not under CSP)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(_AXE_RUN_JS)


class Checks:
    """The rules for every page she sees; `seen` keeps what was checked, for reports."""

    def __init__(self):
        self.seen = []

    def page(self, page, lang, where):
        assert page.evaluate("document.documentElement.lang") == lang, \
            f"{where}: <html lang> is not {lang!r}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= live.PHONE["viewport"]["width"], \
            f"{where}: sideways scroll, scrollWidth {width} px on a 360 px screen"
        self.targets(page, where)
        self.axe(page, where)
        self.seen.append(where)

    def targets(self, page, where):
        found = page.evaluate(_TARGETS_JS)
        assert found, f"{where}: no visible interactive element found"
        small = [t for t in found if round(t["h"], 1) < MIN_TARGET
                 or (t["tag"] == "button" and round(t["w"], 1) < MIN_TARGET)]
        assert not small, f"{where}: targets under {MIN_TARGET} px:\n" + "\n".join(
            f"  {t['w']:.1f}x{t['h']:.1f} {t['html']}" for t in small)

    def axe(self, page, where):
        bad = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
        assert not bad, f"{where}: axe-core found serious/critical violations:\n" + "\n".join(
            f"  {v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
                f"    {n['target']} {n['html']}\n      {n['summary']}" for n in v["nodes"])
            for v in bad)


@pytest.fixture
def checks():
    return Checks()


# -- logging in, the task card, the bytes of one cycle ---------------------------------

def log_in(page, url, login, password=DEMO_PIN, lands="/home"):
    """Log in through the form, as she would, and wait for the page she lands on."""
    page.goto(url + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.locator("form.card button.primary").tap()
    page.wait_for_url(f"**{lands}")


def open_menu(page):
    """Tap the header's Menu (her language, data used, log out; a supervisor's screens)."""
    page.locator('header a[href="/menu"]').tap()
    page.wait_for_url("**/menu")


def log_out(page):
    """Log out as she does: Menu, then Log out."""
    open_menu(page)
    page.locator("main button.logout").tap()
    page.wait_for_url("**/login")


def open_screen(page, path):
    """A supervisor's screen from the menu page, as on a phone (the strip shows at desk
    width only)."""
    open_menu(page)
    page.locator(f'main nav a[href="{path}"]').tap()
    page.wait_for_url(f"**{path}")


_CARD_KEY_JS = """() => {
  const card = document.getElementById('task');
  if (!card) return null;
  const form = card.querySelector('form.answers'), img = card.querySelector('img'),
        text = card.querySelector('.payload');
  return [form ? form.getAttribute('action') : '', img ? img.getAttribute('src') : '',
          text ? text.textContent : '', card.className].join('|');
}"""


def card(page):
    """What identifies the task on show: (answer URL, picture, text)."""
    key = page.evaluate(_CARD_KEY_JS)
    return None if key is None else dict(zip(("action", "img", "text", "cls"), key.split("|")))


def wait_for_wire(page, wire, predicate, timeout=15):
    """Let the CDP events in (they arrive while Playwright waits) until a finished
    request matches."""
    deadline = time.monotonic() + timeout
    while True:
        found = [r for r in wire.finished() if predicate(r)]
        if found or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(20)


def answer_once(page, wire, n):
    """Answer the task on show with one tap and wait for the next card.

    Returns the cycle: the requests between tap and next card, and the seconds."""
    before = card(page)
    assert before and before["action"], f"no task card on show: {before}"
    form = page.locator("#task form.answers")
    if form.locator("textarea").count():
        form.locator("textarea").fill(f"Answer number {n}")
        target = form.locator("button.primary")
    else:
        buttons = form.locator("button[name=answer]")
        target = buttons.nth(n % buttons.count())
    wire.reset()
    start = time.monotonic()
    target.tap()
    page.wait_for_function(f"k => ({_CARD_KEY_JS})() !== k", arg="|".join(before.values()))
    seconds = time.monotonic() - start
    assert wait_for_wire(page, wire, lambda r: "/answers/" in r["url"]), \
        f"no finished request to /answers/ after the tap: {list(wire.requests.values())}"
    after = card(page)
    assert after["action"] != before["action"], (before, after)
    answers = [{**r, "up": r.get("up", 0) + r.get("up_headers", 0)}  # body + headers
               for r in wire.requests.values() if "/answers/" in r.get("url", "")]
    return {"seconds": seconds, "before": before, "after": after, "answers": answers,
            "all": wire.finished(), "started": list(wire.requests.values())}


@pytest.fixture(scope="session")
def phone_tools():
    """Helpers shared by the test modules."""
    class Tools:
        pass
    tools = Tools()
    tools.log_in = log_in
    tools.log_out = log_out
    tools.open_menu = open_menu
    tools.open_screen = open_screen
    tools.card = card
    tools.answer_once = answer_once
    tools.wait_for_wire = wait_for_wire
    tools.run_axe = run_axe
    return tools

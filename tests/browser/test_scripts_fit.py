"""Kannada and Telugu at 360 px, in the fonts Android ships (Noto; no web fonts: the app
ships none, the test machine has Debian's fonts-noto-core): an annotator's and a
supervisor's main pages in each, where every button keeps its words on one line and
nothing makes the page scroll sideways. Their words are longer than Tamil's on a button
("ಉಳಿಸಿ", "ಕಳುಹಿಸಿ" are short; "ನೆಟ್‌ವರ್ಕ್ ಇಲ್ಲದಾಗ..." is not)."""
import pytest

from core import languages
from tests import live
from tests.browser.conftest import log_in

LANGS = ("kn", "te")
PASSWORD = "script-fit-long-password"
KARUR = ("tamil-review-sentiment", "leaf-health-photos", "english-to-tamil")

pytestmark = pytest.mark.skipif(
    not set(LANGS) <= set(languages.CODES),
    reason="Kannada and Telugu are not yet in core/languages.py")

# Every visible button-like element whose text runs over more than one line, and how
# wide the page is. A line is a run of text boxes at the same height: an icon or a span
# inside a button sits on its line and does not count as another.
_WRAPPED_JS = """() => {
  const sel = 'button, .button, input[type=submit], a[role=button], summary';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    const boxes = [];
    const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width && r.height) boxes.push(r);
    }
    boxes.sort((a, b) => a.top - b.top);
    let lines = 0, bottom = -Infinity;
    for (const r of boxes) {
      if (r.top >= bottom - r.height / 2) { lines += 1; bottom = r.bottom; }
      else bottom = Math.max(bottom, r.bottom);
    }
    const box = el.getBoundingClientRect();
    if (lines > 1 || el.scrollWidth > el.clientWidth + 1)
      out.push({lines, w: Math.round(box.width), text: el.textContent.trim().slice(0, 80)});
  }
  return {wrapped: out, width: document.documentElement.scrollWidth};
}"""


@pytest.fixture(scope="module")
def readers(server):
    """In each language an annotator ready to work in Karur's projects and a supervisor."""
    out = {}
    for n, lang in enumerate(LANGS):
        annotator = f"98722000{n:02d}"
        server.add_annotator(annotator, f"{lang} annotator", lang, "KRR")
        server.flask("create-user", "--login", f"fit-{lang}", "--password", PASSWORD,
                     "--role", "supervisor", "--name", f"{lang} supervisor", "--lang", lang,
                     "--centre", "KRR")
        out[lang] = {"annotator": annotator, "supervisor": f"fit-{lang}"}
    return out


def _misfits(page, lang, where, lang_text) -> list[str]:
    """What does not fit on this page (every page is looked at before the test fails)."""
    found = page.evaluate(_WRAPPED_JS)
    lang_text(lang).assert_in_language(page.inner_text("main"), f"{lang} {where}")
    problems = [f"{where}: {b['lines']} lines in {b['w']} px: {b['text']}"
                for b in found["wrapped"]]
    if found["width"] > live.PHONE["viewport"]["width"]:
        problems.append(f"{where}: sideways scroll, scrollWidth {found['width']} px")
    return problems


@pytest.mark.parametrize("lang", LANGS)
def test_an_annotators_pages_fit_a_small_phone(open_phone, server, readers, lang, lang_text):
    page = open_phone(lang)
    page.goto(server.url + "/login")
    problems = _misfits(page, lang, "/login", lang_text)
    log_in(page, server.url, readers[lang]["annotator"], lands="/home")
    paths = ["/home", *(f"/tasks/{slug}/next" for slug in KARUR), "/earnings", "/help",
             "/account/pin", "/payment-details"]
    for path in paths:
        page.goto(server.url + path)
        problems += _misfits(page, lang, path, lang_text)
    assert not problems, f"{lang} at 360 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_a_supervisors_pages_fit_a_small_phone(open_phone, server, readers, lang, lang_text):
    page = open_phone(lang)
    log_in(page, server.url, readers[lang]["supervisor"], PASSWORD, lands="/supervisor/")
    project = server.value("SELECT id FROM projects WHERE slug = ?", (KARUR[0],))
    kavitha = server.user_id("9876500001")
    paths = ["/supervisor/", "/supervisor/people/", f"/supervisor/people/{kavitha}",
             f"/supervisor/people/{kavitha}/edit", "/supervisor/people/new",
             "/supervisor/projects/new", f"/supervisor/projects/{project}/edit",
             "/supervisor/review", "/supervisor/quality", "/supervisor/appeals",
             "/supervisor/quiz/", f"/supervisor/quiz/{project}", "/supervisor/data",
             "/supervisor/payouts", "/supervisor/fair-pay", "/supervisor/payment-changes"]
    problems = []
    for path in paths:
        page.goto(server.url + path)
        problems += _misfits(page, lang, path, lang_text)
    assert not problems, f"{lang} at 360 px:\n" + "\n".join(problems)

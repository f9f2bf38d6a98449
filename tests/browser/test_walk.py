"""What the issues' walk-throughs found on a 360 px phone and at the office PC: on her phone
the supervisor's screens are one Menu link in a one-row header, so that every page starts
with its own content, and the menu page lists them all; from her home she reaches the review
queue, the payout draft and a trainee's quiz reset; Tamil buttons fit one line."""
import live
from tests.browser.conftest import open_screen

MEENA = ("meena", "velai-demo")
ONE_ROW = 72  # CSS px: the header, one 48 px row of links and its padding, not two
SCREENS = ("/supervisor/review", "/supervisor/payouts", "/supervisor/quiz/",
           "/supervisor/people/", "/supervisor/quality", "/supervisor/appeals")


def _log_in(page, url, touch=True):
    page.goto(url + "/login")
    page.fill("#login", MEENA[0])
    page.fill("#password", MEENA[1])
    button = page.locator("form.card button.primary")
    button.tap() if touch else button.click()
    page.wait_for_url("**/supervisor/")


def _lines(page, selector):
    """How many lines each matching element's text takes."""
    return page.eval_on_selector_all(selector, """els => els.map(el => {
        const range = document.createRange(); range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")


def test_on_her_phone_the_screens_are_a_menu_and_each_page_starts_with_its_own(
        server, open_phone, checks):
    meena = open_phone("ta")
    _log_in(meena, server.url)
    header = meena.locator("header")
    assert header.bounding_box()["height"] <= ONE_ROW, header.bounding_box()
    assert not meena.locator("nav.screens").is_visible()  # 3 of 12 links would show
    meena.locator('header a[href="/menu"]').tap()
    meena.wait_for_url("**/menu")
    checks.page(meena, "ta", "menu")
    for path in SCREENS:
        assert meena.locator(f'main nav a[href="{path}"]').count() == 1, path
    open_screen(meena, "/supervisor/quiz/")
    meena.wait_for_url("**/supervisor/quiz/")
    checks.page(meena, "ta", "quizzes")
    assert meena.locator("main h1").bounding_box()["y"] < live.PHONE["viewport"]["height"] / 3
    lines = _lines(meena, "main .actions .button")
    assert lines and max(lines) == 1, f"a Tamil button takes two lines: {lines}"


def test_at_the_office_pc_she_finds_review_payouts_and_a_trainee_reset_from_home(
        server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ta-IN")
    try:
        page = context.new_page()
        _log_in(page, server.url, touch=False)
        for path in SCREENS:
            page.locator(f'nav.screens a[href="{path}"]').click()
            page.wait_for_url(f"**{path}")
            assert page.locator("main h1").count() == 1, path
        page.locator('nav.screens a[href="/supervisor/payouts"]').click()
        assert page.locator("main form button.primary").count() >= 1  # the draft
        page.locator('nav.screens a[href="/supervisor/quiz/"]').click()
        page.locator('main a[href$="/trainees"]').first.click()
        page.wait_for_url("**/trainees")
        # Her trainees, each with her tries; a reset button once she has used one.
        assert page.locator("main section.card h2").count() >= 1
    finally:
        context.close()

"""Screens for a real day (#15 item 6), in Tamil: on a 360x640 phone her header is one short
row and all four answers of a picture task show without scrolling, her data meter and
language one tap away on the menu; the supervisor's nav is a menu page on the phone, and
at a 1366x768 desk her home, people and payouts use the width."""
from tests.browser.conftest import log_in

PHONE_HEIGHT = 640
MAX_HEADER = 72  # CSS px
SLUG = "leaf-health-photos"  # pictures, four answers
MEENA = ("meena", "velai-demo")
DESK = {"width": 1366, "height": 768}


def _box(page, selector):
    return page.locator(selector).bounding_box()


def test_a_picture_task_shows_every_answer_above_the_fold_under_a_short_header(
        server, open_phone, checks, lang_text, capsys):
    ta = lang_text("ta")
    server.add_annotator("9123400071", "கவியா", "ta", "KRR")
    page = open_phone("ta")
    log_in(page, server.url, "9123400071")
    page.goto(server.url + f"/tasks/{SLUG}/next")
    page.locator("#task img").evaluate(
        "img => img.complete || new Promise(done => { img.onload = done; })")
    checks.page(page, "ta", "picture task")
    header = _box(page, "header")["height"]
    assert header <= MAX_HEADER, f"the header takes {header} px"
    buttons = page.locator("form.answers button")
    assert buttons.count() == 4
    bottoms = [b.bounding_box()["y"] + b.bounding_box()["height"] for b in buttons.all()]
    assert page.evaluate("window.scrollY") == 0
    assert max(bottoms) <= PHONE_HEIGHT, f"answer buttons end at {bottoms}"
    with capsys.disabled():
        print(f"\n[ta phone] header {header:.0f} px; answer buttons end at "
              + ", ".join(f"{b:.0f}" for b in bottoms) + " px of 640")

    buttons.first.tap()  # the next card says what waits for review and what is accepted
    page.locator("#task .today small").wait_for()
    today = page.locator("#task .today").inner_text()
    assert ta.today(1) in today
    waiting = ta._("Waiting for review: %(waiting)s · Accepted: %(accepted)s (%(amount)s)",
                   waiting="#", accepted="#", amount="#").split("#")[0]
    assert waiting in today, today

    page.locator('header a[href="/menu"]').tap()  # the data meter: one tap away
    page.wait_for_url("**/menu")
    checks.page(page, "ta", "her menu")
    used = page.locator("#data-used").inner_text()
    ta.assert_in_language(used, "data used today")
    with page.expect_navigation():
        page.locator('main .langs button[value="hi"]').tap()
    assert page.evaluate("document.documentElement.lang") == "hi"
    assert "आपकी भाषा अब" in page.locator("main p.note").inner_text()  # said in her new one


def test_on_her_phone_the_supervisor_has_a_menu_and_project_cards(server, open_phone, checks):
    page = open_phone("ta")
    log_in(page, server.url, *MEENA, lands="/supervisor/")
    checks.page(page, "ta", "supervisor home on a phone")
    assert _box(page, "header")["height"] <= MAX_HEADER
    assert not page.locator("nav.screens").is_visible()
    assert not page.locator("table.projects thead").is_visible()  # a card per project
    first = page.locator("table.projects tbody tr").first.bounding_box()
    assert first["width"] <= 360
    page.locator('header a[href="/menu"]').tap()
    page.wait_for_url("**/menu")
    checks.page(page, "ta", "supervisor menu")
    assert page.locator("main nav a").count() >= 12  # every screen and her password
    page.locator('main nav a[href="/supervisor/people/"]').tap()
    page.wait_for_url("**/supervisor/people/")
    checks.page(page, "ta", "people on a phone")


def test_at_a_desk_home_people_and_payouts_use_the_width(server, browser, capsys):
    context = browser.new_context(viewport=DESK, locale="ta-IN")
    try:
        page = context.new_page()
        page.goto(server.url + "/login?with=name")
        page.fill("#login", MEENA[0])
        page.fill("#password", MEENA[1])
        page.locator("form.card button.primary").click()
        page.wait_for_url("**/supervisor/")
        assert page.locator("nav.screens").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
        assert _box(page, "main")["width"] > 1100
        assert page.locator("table.projects thead").is_visible()
        rows = page.locator("table.projects tbody tr")
        heights = [row.bounding_box()["height"] for row in rows.all()]
        # One row per project: its name, figures and task screens' links (a data-collection
        # project has one more) on at most three short lines.
        assert rows.count() >= 3 and max(heights) <= 160, heights
        waiting, today = _box(page, ".cols > :nth-child(1)"), _box(page, ".cols > :nth-child(2)")
        assert waiting["x"] + waiting["width"] <= today["x"], "home: not two columns"

        page.locator('nav.screens a[href="/supervisor/people/"]').click()
        page.wait_for_url("**/supervisor/people/")
        assert page.locator("table.people thead").is_visible()
        people = page.locator("table.people tbody tr")
        assert people.count() >= 5
        row_heights = [r.bounding_box()["height"] for r in people.all()]
        assert max(row_heights) <= 60, row_heights

        page.locator('nav.screens a[href="/supervisor/payouts"]').click()
        page.wait_for_url("**/supervisor/payouts")
        form, listing = _box(page, ".cols > form"), _box(page, ".cols > section")
        assert form["x"] + form["width"] <= listing["x"], "payouts: not two columns"
        assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]
        with capsys.disabled():
            print(f"\n[ta desk] project rows {[round(h) for h in heights]} px; people rows "
                  f"{max(row_heights):.0f} px at most")
    finally:
        context.close()

"""Review in real Chromium at 360 px: the Hindi supervisor rejects and accepts in place,
the Hindi annotator reads why and appeals, the admin (Sitapur has one supervisor) overturns
it and the money moves;
the dashboard read with JavaScript off."""
import re

from core.demo import ACCOUNTS
from tests.browser.conftest import open_screen

SECRETS = {login: secret for login, secret, *_ in ACCOUNTS}
GEETA = "9876500026"  # one of the demo's Sitapur annotators with past answers


def _log_in(page, url, login, tap=True):
    page.goto(url + "/login")
    page.fill("#login", login)
    page.fill("#password", SECRETS[login])
    button = page.locator("form.card button.primary")
    button.tap() if tap else button.click()  # a tap waits on scripts: none with JS off
    page.wait_for_url(lambda u: "/login" not in u)


def test_review_journey_in_hindi_on_a_phone(server, open_phone, checks, lang_text):
    said = lang_text("hi")
    page = open_phone("hi")
    geeta = server.user_id(GEETA)
    _log_in(page, server.url, "rakesh")
    open_screen(page, "/supervisor/review")
    page.wait_for_url("**/supervisor/review")
    checks.page(page, "hi", "hi review queue")
    page.select_option("#f-kind", "disagree")
    page.locator("form.filters button").tap()
    page.wait_for_url("**kind=disagree**")
    rows = page.locator("li.review")
    assert rows.count() >= 2, "the demo leaves answers against the majority to review"

    # Reject Geeta's answer, with a reason and a note: one htmx request, row in place.
    hers = rows.filter(has_text="Geeta Sharma").first
    row_id = hers.get_attribute("id")
    assignment = int(row_id[1:])
    hers.locator("summary").tap()
    checks.page(page, "hi", "hi review queue, reject open")
    hers.locator('input[value="instructions"]').check()
    hers.locator("input[name=note]").fill("शीर्षक दोबारा पढ़ें।")
    hers.locator("form button:not(.primary)").last.tap()
    done = page.locator(f"#{row_id} .done")
    done.wait_for()
    expected = said._("Rejected: %(reason)s", reason=said._("Did not follow the instructions"))
    assert expected in done.inner_text()
    assert page.url.endswith("kind=disagree"), "the page stayed; only the row changed"
    assert server.value("SELECT reject_reason FROM assignments WHERE id = ?",
                        (assignment,)) == "instructions"

    # Accept another answer in place.
    other = page.locator("li.review:has(button.primary)").first
    other_id = other.get_attribute("id")
    other.locator("button.primary").tap()
    page.locator(f"#{other_id} .done").wait_for()
    assert page.locator(f"#{other_id} .done").inner_text() == said._("Accepted")
    assert server.value("SELECT review_state FROM assignments WHERE id = ?",
                        (int(other_id[1:]),)) == "accepted"
    checks.page(page, "hi", "hi review queue after two decisions")

    # Geeta reads why, in Hindi, and appeals.
    worker = open_phone("hi")
    _log_in(worker, server.url, GEETA)
    worker.goto(server.url + "/earnings")
    checks.page(worker, "hi", "hi earnings with a rejection")
    text = worker.locator("main").inner_text()
    assert said._("Why it was rejected: %(reason)s",
                  reason=said._("Did not follow the instructions")) in text
    assert "शीर्षक दोबारा पढ़ें।" in text
    accepted_before = server.value(
        "SELECT coalesce(sum(pay_paise), 0) FROM assignments WHERE user_id = ?"
        " AND review_state = 'accepted'", (geeta,))
    worker.locator(f'a[href="/earnings/appeal/{assignment}"]').tap()
    worker.wait_for_url(f"**/earnings/appeal/{assignment}")
    checks.page(worker, "hi", "hi appeal form")
    worker.fill("#note", "शीर्षक में खेल की खबर है।")
    worker.locator("form.card button.primary").tap()
    worker.wait_for_url("**/earnings")
    sent = " ".join(worker.locator("main").inner_text().split())
    assert f'{said._("Appeal sent.")} {said._("An admin will decide.")}' in sent

    # Rakesh is Sitapur's only supervisor and rejected it: not his to decide, nor to list.
    page.goto(server.url + "/supervisor/appeals")
    checks.page(page, "hi", "hi appeals")
    assert said._("No appeals waiting.") in page.locator("main").inner_text()

    # The admin decides it, and overturns it.
    admin = open_phone("en")
    _log_in(admin, server.url, "admin")
    admin.goto(server.url + "/supervisor/appeals")
    checks.page(admin, "en", "en appeals, the admin's")
    card = admin.locator("section.review", has_text="शीर्षक में खेल की खबर है।")
    with admin.expect_navigation():
        card.locator('button[value="overturned"]').tap()
    assert server.value("SELECT review_state FROM assignments WHERE id = ?",
                        (assignment,)) == "accepted"
    worker.goto(server.url + "/earnings")
    assert said._("Appeal accepted: this answer is now paid.") in worker.locator(
        "main").inner_text()
    accepted_after = server.value(
        "SELECT coalesce(sum(pay_paise), 0) FROM assignments WHERE user_id = ?"
        " AND review_state = 'accepted'", (geeta,))
    assert accepted_after > accepted_before
    for p in (page, worker, admin):
        assert not p.js_errors and not p.console_errors, (p.js_errors, p.console_errors)


def _page_without_scripts(page, checks, lang, where):
    """checks.page without axe-core: axe needs the page's own timers, off with JS."""
    assert page.evaluate("document.documentElement.lang") == lang, where
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{where}: scrolls"
    checks.targets(page, where)


def test_the_dashboard_reads_with_javascript_off(server, open_phone, checks, lang_text):
    said = lang_text("ta")
    page = open_phone("ta", java_script_enabled=False)
    _log_in(page, server.url, "meena", tap=False)
    page.goto(server.url + "/supervisor/quality")
    _page_without_scripts(page, checks, "ta", "ta centre dashboard, no JavaScript")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 3
    for n in range(3):
        assert charts.nth(n).bounding_box()["width"] > 200
        assert charts.nth(n).locator("title").count() == 1
    assert page.locator("figure.chart rect.bar").count() == 14
    rows = page.locator("table.numbers tbody tr")
    assert rows.count() == 14
    answers = sum(int(rows.nth(n).locator("td").first.inner_text()) for n in range(14))
    assert answers > 0, "the demo's past answers are drawn"
    link = page.locator("main h3 a").first
    link.click()
    page.wait_for_url(re.compile(r".*/supervisor/quality/\d+$"))
    _page_without_scripts(page, checks, "ta", "ta project dashboard, no JavaScript")
    assert said._("Annotators") in page.locator("main").inner_text()
    # And with scripts on, the same page passes axe-core too.
    lit = open_phone("ta")
    _log_in(lit, server.url, "meena")
    lit.goto(server.url + "/supervisor/quality")
    checks.page(lit, "ta", "ta centre dashboard")

"""Payday on phones at 360 px: Meena drafts last week's payout, Anitha approves it, marks
it paid and downloads the payout file; Kavitha sees "paid" with the amount in Tamil."""
import csv
import io

from babel.numbers import format_currency
from tests.browser.conftest import open_screen

SUPERVISOR_PASSWORD = "velai-demo"  # the demo's supervisors (README's table)


def _log_in(page, url, login, password):
    page.goto(url + "/login")
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("form.card button.primary").tap()


def test_payday_from_draft_to_her_earnings(server, open_phone, checks, lang_text, phone_tools):
    said = lang_text("ta")
    kavitha = server.user_id("9876500001")
    owed = server.value("SELECT sum(pay_paise) FROM assignments WHERE user_id = ? AND"
                        " review_state = 'accepted'", (kavitha,))
    assert owed, "the demo left no accepted answers from last week"

    meena = open_phone("ta")
    _log_in(meena, server.url, "meena", SUPERVISOR_PASSWORD)
    open_screen(meena, "/supervisor/payouts")
    meena.wait_for_url("**/supervisor/payouts")
    checks.page(meena, "ta", "payouts list")
    meena.locator("form.card button.primary").tap()  # last week is filled in
    meena.wait_for_url("**/supervisor/payouts/*")
    checks.page(meena, "ta", "payout preview")
    payout_id = int(meena.url.rsplit("/", 1)[1])
    assert meena.locator("text=" + said._("You drafted this payout. Another supervisor or an"
                                          " admin must approve it.")).count() == 1
    assert meena.locator("button", has_text=said._("Approve payout")).count() == 0
    total = server.value("SELECT total_paise FROM payouts WHERE id = ?", (payout_id,))
    assert format_currency(total / 100, "INR", locale="ta_IN") in meena.inner_text("main")

    anitha = open_phone("ta")
    _log_in(anitha, server.url, "anitha", SUPERVISOR_PASSWORD)
    open_screen(anitha, "/supervisor/payouts")
    anitha.locator(f"a[href='/supervisor/payouts/{payout_id}']").tap()
    anitha.wait_for_url(f"**/supervisor/payouts/{payout_id}")
    with anitha.expect_navigation():  # it asks first: to whom, how much, never changes
        anitha.locator("button", has_text=said._("Approve payout")).tap()
    checks.page(anitha, "ta", "approve: asked first")
    assert server.value("SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"
    with anitha.expect_navigation():
        anitha.locator("button", has_text=said._("Yes, approve")).tap()
    said.assert_in_language(anitha.locator("main p.note").first.inner_text(), "approved note")
    assert server.value("SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "approved"
    checks.page(anitha, "ta", "approved payout")

    with anitha.expect_download() as download:
        anitha.locator("button", has_text=said._("Download payout file")).tap()
    with open(download.value.path(), encoding="utf-8") as f:
        rows = list(csv.DictReader(io.StringIO(f.read())))
    hers = [r for r in rows if r["upi_id"] == "kavitha.m@okaxis"]
    assert len(hers) == 1 and hers[0]["mode"] == "UPI" and hers[0]["account_type"] == "vpa"
    her_line = server.value("SELECT amount_paise FROM payout_lines WHERE payout_id = ? AND"
                            " user_id = ?", (payout_id, kavitha))
    assert hers[0]["amount"] == f"{her_line // 100}.{her_line % 100:02d}"

    anitha.fill("#utr", "SBIN626112345678")
    with anitha.expect_navigation():
        anitha.locator("button", has_text=said._("Mark all paid")).tap()
    assert "SBIN626112345678" in anitha.inner_text("main")  # asked first, with the UTR
    with anitha.expect_navigation():
        anitha.locator("button", has_text=said._("Yes, mark paid")).tap()
    assert server.value("SELECT count(*) FROM payout_results r JOIN payout_lines l ON"
                        " l.id = r.line_id WHERE l.payout_id = ? AND r.status = 'paid'",
                        (payout_id,)) == len(rows)
    checks.page(anitha, "ta", "paid payout")
    anitha.goto(f"{server.url}/supervisor/payouts/{payout_id}/print")
    checks.page(anitha, "ta", "payout summary")

    her = open_phone("ta")
    phone_tools.log_in(her, server.url, "9876500001")
    her.locator('nav a[href="/earnings"]').tap()
    her.wait_for_url("**/earnings")
    checks.page(her, "ta", "earnings after payday")
    line = her.locator("#payouts ~ ul li.payout-paid").first.inner_text()
    assert format_currency(her_line / 100, "INR", locale="ta_IN") in line, line
    assert said._("Paid. UTR %(utr)s", utr="SBIN626112345678") in line, line
    said.assert_in_language(line, "her paid payout")
    assert "kavitha.m@okaxis" not in her.content()
    her.locator("#payouts a.go").tap()
    her.wait_for_url("**/payment-details")
    checks.page(her, "ta", "payment details")
    assert "ka•••@okaxis" in her.inner_text("main")

    # She (or someone with her phone) changes her details; Meena sees them in full and
    # refuses; her home tells her why, and her old details stay (#16).
    her.fill("#account_name", "KAVITHA MURUGAN")
    her.fill("#upi_id", "kavitha.new@ybl")
    with her.expect_navigation():
        her.locator("form.card button.primary").tap()
    meena.goto(f"{server.url}/supervisor/payment-changes")
    with meena.expect_navigation():
        meena.locator("a.button", has_text=said._("Check and decide")).first.tap()
    checks.page(meena, "ta", "payment change in full")
    assert "kavitha.new@ybl" in meena.inner_text("main")
    meena.fill("#reason", "உங்களிடம் பேசிய பிறகு மாற்றுவோம்")
    with meena.expect_navigation():
        meena.locator("button", has_text=said._("Refuse")).tap()
    her.goto(f"{server.url}/home")
    checks.page(her, "ta", "home after a refused change")
    assert "உங்களிடம் பேசிய பிறகு மாற்றுவோம்" in her.inner_text("main")
    for page in (meena, anitha, her):
        for errors in (page.js_errors, page.console_errors):
            assert not errors, errors

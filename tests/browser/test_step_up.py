"""Step-up for money at 360 px (#16): Anitha's login is older than 15 minutes, so
approving (once she has said yes on the page that asks first) asks for her password again, in Tamil, on a phone with JavaScript off; the
right password approves at once. Marking it paid later, with JavaScript on, asks again."""
import datetime as dt
import sqlite3

SUPERVISOR_PASSWORD = "velai-demo"  # the demo's supervisors (README's table)


def _log_in(page, url, login, password):
    page.goto(url + "/login?with=name")
    page.fill("#login", login)
    page.fill("#password", password)
    with page.expect_navigation():
        page.locator("form.card button.primary").tap()


def _age_logins(server, minutes=20):
    """Every session's password was typed `minutes` ago (the server's clock is UTC)."""
    then = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes))
    conn = sqlite3.connect(server.db_path, timeout=10)
    with conn:
        conn.execute("UPDATE sessions SET authed_at = ?", (then.strftime("%Y-%m-%d %H:%M:%S"),))
    conn.close()


def test_money_asks_her_password_again_with_and_without_javascript(
        server, open_phone, checks, lang_text):
    said = lang_text("ta")
    meena = open_phone("ta")
    _log_in(meena, server.url, "meena", SUPERVISOR_PASSWORD)
    meena.goto(server.url + "/supervisor/payouts")
    with meena.expect_navigation():
        meena.locator("form.card button.primary").tap()  # last week is filled in
    payout_id = int(meena.url.rsplit("/", 1)[1])

    anitha = open_phone("ta", java_script_enabled=False)
    _log_in(anitha, server.url, "anitha", SUPERVISOR_PASSWORD)
    anitha.goto(f"{server.url}/supervisor/payouts/{payout_id}")
    _age_logins(server)
    with anitha.expect_navigation():
        anitha.locator("button", has_text=said._("Approve payout")).tap()
    with anitha.expect_navigation():  # the page that asks first, then the step-up
        anitha.locator("button", has_text=said._("Yes, approve")).tap()
    assert said._("Type your password again") in anitha.inner_text("h1")
    # axe-core needs scripts: it checks this form on the phone with JavaScript below.
    assert anitha.evaluate("document.documentElement.scrollWidth") <= 360
    checks.targets(anitha, "step-up form, no JavaScript")
    anitha.fill("#step_up_password", "not-her-password")
    with anitha.expect_navigation():
        anitha.locator("button", has_text=said._("Continue")).tap()
    assert anitha.locator("p.error[role=alert]").count() == 1
    assert server.value("SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "draft"
    anitha.fill("#step_up_password", SUPERVISOR_PASSWORD)
    with anitha.expect_navigation():
        anitha.locator("button", has_text=said._("Continue")).tap()
    assert anitha.url.endswith(f"/supervisor/payouts/{payout_id}")
    assert server.value("SELECT status FROM payouts WHERE id = ?", (payout_id,)) == "approved"

    again = open_phone("ta")
    _log_in(again, server.url, "anitha", SUPERVISOR_PASSWORD)
    again.goto(f"{server.url}/supervisor/payouts/{payout_id}")
    _age_logins(server)
    again.fill("#utr", "SBIN626112345678")
    with again.expect_navigation():
        again.locator("button", has_text=said._("Mark all paid")).tap()
    with again.expect_navigation():
        again.locator("button", has_text=said._("Yes, mark paid")).tap()
    checks.page(again, "ta", "step-up form, JavaScript on")
    again.fill("#step_up_password", SUPERVISOR_PASSWORD)
    with again.expect_navigation():
        again.locator("button", has_text=said._("Continue")).tap()
    assert server.value("SELECT count(*) FROM payout_results r JOIN payout_lines l ON"
                        " l.id = r.line_id WHERE l.payout_id = ? AND r.status = 'paid'",
                        (payout_id,)) > 0

"""Clients and the access log at 360 px and at the office PC (#19): Kala, limited to one
client, finds only its projects and its log on her phone in Tamil; Meena at her desk
narrows the log to one client and person and downloads it."""
import live

KALA = ("kala", "velai-demo")
MEENA = ("meena", "velai-demo")


def _log_in(page, url, who, touch=True):
    page.goto(url + "/login")
    page.fill("#login", who[0])
    page.fill("#password", who[1])
    button = page.locator("form.card button.primary")
    button.tap() if touch else button.click()
    page.wait_for_url("**/supervisor/")


def test_on_her_phone_kala_sees_her_one_client_and_its_access_log(server, open_phone, checks):
    kala = open_phone("ta")
    _log_in(kala, server.url, KALA)
    kala.goto(server.url + "/supervisor/clients")
    checks.page(kala, "ta", "clients (limited)")
    names = kala.locator("main section.card h2").all_text_contents()
    assert names == ["Kaveri Agritech"], names
    assert kala.locator("main form").count() == 0  # she changes no client nor limit
    # Her client's project is viewed (the demo's annotators saw its pictures); the log
    # lists it and nothing of the other client's.
    kala.goto(server.url + "/supervisor/access")
    checks.page(kala, "ta", "access log")
    text = kala.locator("main").inner_text()
    assert "leaf-health-photos" in text
    assert "tamil-review-sentiment" not in text and "english-to-tamil" not in text
    assert kala.locator("main h1").bounding_box()["y"] < live.PHONE["viewport"]["height"] / 3


def test_at_her_desk_meena_narrows_the_access_log_and_downloads_it(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="ta-IN")
    try:
        page = context.new_page()
        _log_in(page, server.url, MEENA, touch=False)
        page.locator('nav.screens a[href="/supervisor/clients"]').click()
        page.wait_for_url("**/supervisor/clients")
        assert page.locator("main section.card h2").all_text_contents() == [
            "Kaveri Agritech", "Thendral Media"]
        page.locator('nav.screens a[href="/supervisor/access"]').click()
        page.wait_for_url("**/supervisor/access")
        page.select_option("#client", label="Thendral Media")
        page.fill("#person", "9876500021")  # Selvi, who answered the reviews
        page.locator("main form.card button").click()
        page.wait_for_url("**client=*")
        rows = page.locator("main ul.days li")
        assert rows.count() >= 1
        # Her reviewed answers' tasks are among them (her recordings of today may come first).
        assert "tamil-review-sentiment" in page.locator("main ul.days").inner_text()
        assert "leaf-health-photos" not in page.locator("main ul.days").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366
        with page.expect_download() as download:
            page.locator('main a[href^="/supervisor/access.csv"]').click()
        with open(download.value.path(), encoding="utf-8") as f:
            lines = f.read().splitlines()
        assert lines[0].startswith("id,at_utc,client,project,kind")
        assert len(lines) >= 2 and all("Thendral Media" in line for line in lines[1:])
    finally:
        context.close()


def test_on_her_phone_meena_manages_clients_and_limits(server, open_phone, checks):
    meena = open_phone("ta")
    _log_in(meena, server.url, MEENA)
    meena.goto(server.url + "/supervisor/clients")
    checks.page(meena, "ta", "clients (managing)")
    kala = meena.locator("form", has_text="kala")
    assert kala.locator("input[type=checkbox]:checked").count() == 1
    kala.locator("input[type=checkbox]").nth(1).check()  # Thendral Media too
    kala.locator("button").tap()
    meena.wait_for_url("**/supervisor/clients?saved=1")
    assert server.value("SELECT count(*) FROM user_clients WHERE user_id = ?",
                        (server.user_id("kala"),)) == 2

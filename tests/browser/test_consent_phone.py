"""In Chromium at 360 px: a new annotator's first login asks for her consent in Tamil;
she agrees, works, and downloads her own data (#19 item 6)."""


def test_a_new_annotator_consents_in_tamil_and_downloads_her_data(
        open_phone, server, checks, phone_tools):
    her_id = server.add_annotator("9123400071", "Meenakshi", "ta", "KRR", consented=False)
    page = open_phone("ta")
    page.goto(server.url + "/login")
    page.fill("#login", "9123400071")
    page.fill("#password", phone_tools.log_in.__defaults__[0])
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/account/consent")
    assert "வேலையில் உங்கள் டேட்டா" in page.inner_text("h1")
    checks.page(page, "ta", "ta consent")
    page.goto(server.url + "/home")  # work waits for her agreement
    page.wait_for_url("**/account/consent")
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/home")
    assert server.value("SELECT version FROM consents WHERE user_id = ?", (her_id,)) == 1
    page.locator("a[href='/account/data']").tap()
    page.wait_for_url("**/account/data")
    checks.page(page, "ta", "ta own data")
    with page.expect_download() as download:
        page.locator("a[href='/account/data.csv']").tap()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("section,project,task_id")

"""On a 360 px phone: Meena, in Tamil, changes an annotator's phone number from her page
(htmx swaps the card; a number taken is refused beside its field), and the annotator logs
in with the new number; the admin gives Rakesh a new password, shown once, then
deactivates him from the centres page, and his open session ends."""
from tests.browser.conftest import log_in
from tests.live import DEMO

MEENA = ("meena", "velai-demo")
ADMIN = ("admin", "velai-admin")
RAKESH = ("rakesh", "velai-demo")


def test_meena_changes_a_phone_number_and_she_logs_in_with_the_new_one(
        server, open_phone, checks, lang_text):
    ta = lang_text("ta")
    old_phone, pin = DEMO["ta"]
    user_id = server.user_id(old_phone)
    taken = server.value("SELECT login FROM users WHERE role = 'annotator' AND login != ?"
                         " ORDER BY id LIMIT 1", (old_phone,))
    meena = open_phone("ta")
    log_in(meena, server.url, *MEENA, lands="/supervisor/")
    meena.goto(f"{server.url}/supervisor/people/{user_id}")
    meena.locator("#person a.button", has_text=ta._("Edit")).tap()
    meena.wait_for_selector("#person input#phone")
    assert meena.url.endswith(f"/supervisor/people/{user_id}")  # htmx swapped her card
    checks.page(meena, "ta", "edit a person")
    ta.assert_in_language(meena.locator("main").inner_text(), "edit a person")

    meena.fill("#phone", taken)
    meena.locator("#person button.primary").tap()
    meena.wait_for_selector("#phone-error")
    assert ta._("Someone already logs in with this number.") in meena.locator(
        "#phone-error").inner_text()
    checks.page(meena, "ta", "edit a person, refused")
    assert server.value("SELECT login FROM users WHERE id = ?", (user_id,)) == old_phone

    meena.fill("#phone", "98765 99999")
    meena.locator("#person button.primary").tap()
    meena.wait_for_selector("#person dd:has-text('9876599999')")
    assert server.value("SELECT login FROM users WHERE id = ?", (user_id,)) == "9876599999"
    assert server.value("SELECT count(*) FROM audit_log WHERE action = 'user.edit'"
                        " AND subject = ?", (f"user:{user_id}",)) == 1

    worker = open_phone("ta")
    log_in(worker, server.url, "9876599999", pin, lands="/home")
    assert not meena.js_errors
    # The one console line is the refused taken number (400), as intended.
    assert [e for e in meena.console_errors if "400" not in e] == []


def test_admin_gives_rakesh_a_new_password_then_deactivates_him(server, open_phone, checks):
    rakesh_id = server.user_id(RAKESH[0])
    rakesh = open_phone("hi")
    log_in(rakesh, server.url, *RAKESH, lands="/supervisor/")

    admin = open_phone("en")
    log_in(admin, server.url, *ADMIN, lands="/supervisor/")
    admin.goto(server.url + "/supervisor/centres")
    checks.page(admin, "en", "centres with their supervisors")
    line = admin.locator(f"#staff-{rakesh_id}")
    line.locator("a.button", has_text="New password").tap()
    admin.wait_for_url(f"**/supervisor/staff/{rakesh_id}/password")
    checks.page(admin, "en", "new password")
    admin.locator("#staff-password button.primary").tap()
    admin.wait_for_selector("#staff-password b.pin")
    checks.page(admin, "en", "new password shown once")
    password = admin.locator("#staff-password b.pin").inner_text()
    assert len(password) >= 10

    other = open_phone("hi")
    log_in(other, server.url, RAKESH[0], password, lands="/supervisor/")

    admin.goto(server.url + "/supervisor/centres")
    admin.locator(f"#staff-{rakesh_id} a", has_text="Deactivate").tap()  # asks first
    admin.wait_for_url(f"**/supervisor/staff/{rakesh_id}/deactivate")
    checks.page(admin, "en", "deactivate: asked first")
    admin.locator("main button.primary").tap()
    admin.wait_for_selector(f"#staff-{rakesh_id} button:has-text('Reactivate')")
    checks.page(admin, "en", "centres after deactivating")
    assert server.value("SELECT active FROM users WHERE id = ?", (rakesh_id,)) == 0
    rakesh.goto(server.url + "/supervisor/")
    assert "/login" in rakesh.url  # his session ended with his account
    admin.locator(f"#staff-{rakesh_id} button", has_text="Reactivate").tap()
    admin.wait_for_selector(f"#staff-{rakesh_id} a:has-text('Deactivate')")
    assert server.value("SELECT active FROM users WHERE id = ?", (rakesh_id,)) == 1
    assert not admin.js_errors and not admin.console_errors, admin.console_errors

"""Meena's day in Tamil on a 360 px phone: she adds a new annotator (her PIN shown once),
the annotator logs in and answers a task, Meena resets the PIN she forgot, and the
annotator logs in with the new one. Every page Meena sees passes the page checks."""
import re

from tests.browser.conftest import log_in, log_out, open_screen

MEENA = ("meena", "velai-demo")
NEW_PHONE, NEW_NAME = "98765 12345", "செல்வி ராஜ்"
PROJECT = "tamil-review-sentiment"


def test_meena_adds_an_annotator_who_works_then_resets_her_forgotten_pin(
        server, open_phone, checks, lang_text):
    ta = lang_text("ta")
    meena = open_phone("ta")
    log_in(meena, server.url, *MEENA, lands="/supervisor/")
    checks.page(meena, "ta", "supervisor home")
    assert ta._("Annotators active today") in meena.locator("main").inner_text()

    open_screen(meena, "/supervisor/people/")
    meena.wait_for_url("**/supervisor/people/")
    checks.page(meena, "ta", "people")
    meena.locator('main a[href="/supervisor/people/new"]').first.tap()
    meena.wait_for_url("**/supervisor/people/new")
    checks.page(meena, "ta", "add a person")
    meena.fill("#name", NEW_NAME)
    meena.fill("#phone", NEW_PHONE)
    assert meena.locator('input[name=lang][value=ta]').is_checked()  # her own language
    meena.locator("form.card button.primary").tap()
    meena.wait_for_selector("b.pin")
    checks.page(meena, "ta", "PIN shown once")
    pin = meena.locator("b.pin").inner_text()
    assert re.fullmatch(r"\d{4}", pin), pin
    ta.assert_in_language(meena.locator("p.note").inner_text(), "the PIN note")
    user_id = server.user_id("9876512345")
    assert user_id and server.value("SELECT lang FROM users WHERE id = ?", (user_id,)) == "ta"

    # Every demo project has a quiz: Meena lets Selvi, who has done this work before,
    # start on the reviews at once.
    project_id = server.value("SELECT id FROM projects WHERE slug = ?", (PROJECT,))
    meena.goto(f"{server.url}/supervisor/people/{user_id}")
    qualify = f'form[action$="/{user_id}/projects/{project_id}"]'
    meena.locator(f"{qualify} button[value=qualified]").tap()
    meena.wait_for_selector(f"{qualify} button[value=paused]")
    assert server.value("SELECT status FROM qualifications WHERE user_id = ?"
                        " AND project_id = ?", (user_id, project_id)) == "qualified"

    # Selvi, on her own phone, logs in with that PIN and answers a task.
    selvi = open_phone("ta")
    # Her first login: what Velai keeps about her, in Tamil; she agrees, then works.
    log_in(selvi, server.url, "9876512345", pin, lands="/account/consent")
    selvi.locator("form.card button.primary").tap()
    selvi.wait_for_url("**/home")
    selvi.locator(f'a.button.primary[href="/tasks/{PROJECT}/next"]').tap()
    selvi.wait_for_url(f"**/tasks/{PROJECT}/next")
    selvi.locator("#task form.answers button[name=answer]").first.tap()
    selvi.wait_for_function("() => /\\d/.test(document.querySelector('#task .today').textContent)"
                            " && document.querySelector('#task .today').textContent.includes('1')")
    assert server.submitted(user_id) == 1
    log_out(selvi)
    selvi.wait_for_url("**/login")

    # She forgot her PIN: Meena finds her and gives her a new one.
    meena.goto(server.url + "/supervisor/people/?q=98765")
    meena.locator(f'a[href="/supervisor/people/{user_id}"]').tap()
    meena.wait_for_url(f"**/supervisor/people/{user_id}")
    checks.page(meena, "ta", "person")
    assert pin not in meena.locator("main").inner_text()  # shown once, not again
    assert ta.n_("%(num)d answer", "%(num)d answers", 1) in meena.locator("main").inner_text()
    meena.locator("#person button", has_text=ta.p_("button", "New PIN")).tap()
    meena.wait_for_selector("#person b.pin")
    assert meena.url.endswith(f"/supervisor/people/{user_id}")  # htmx swapped her card
    checks.page(meena, "ta", "person with a new PIN")
    new_pin = meena.locator("#person b.pin").inner_text()
    assert re.fullmatch(r"\d{4}", new_pin) and new_pin != pin

    selvi.fill("#login", "9876512345")
    selvi.fill("#password", pin)
    selvi.locator("form.card button.primary").tap()
    selvi.wait_for_selector("p.error")
    assert selvi.url.endswith("/login")
    log_in(selvi, server.url, "9876512345", new_pin, lands="/home")
    assert server.value("SELECT count(*) FROM audit_log WHERE action = 'user.reset_pin'"
                        " AND subject = ?", (f"user:{user_id}",)) == 1

    # Her other screens pass the same checks: a project's form, adding from a file.
    project_id = server.value("SELECT id FROM projects WHERE slug = ?", (PROJECT,))
    meena.goto(server.url + "/supervisor/")
    meena.locator(f'a[href="/supervisor/projects/{project_id}/edit"]').tap()
    meena.wait_for_url(f"**/supervisor/projects/{project_id}/edit")
    checks.page(meena, "ta", "project form")
    assert meena.locator("#pay").input_value() == "0.50"
    meena.goto(server.url + "/supervisor/people/upload")
    checks.page(meena, "ta", "add from a file")

    assert not meena.js_errors and not meena.console_errors, meena.console_errors
    assert not selvi.js_errors
    # The one console line on her phone is the refused old PIN (401), as intended.
    assert [e for e in selvi.console_errors if "401" not in e] == []


SCREENS = ["/supervisor/", "/supervisor/people/", "/supervisor/people/new",
           "/supervisor/people/upload", "/supervisor/projects/new"]


def test_every_supervisor_screen_fits_a_phone_in_hindi_and_english(server, open_phone, checks,
                                                                   lang_text):
    """Rakesh in Hindi, the admin in English (with the centres screen): the same checks."""
    for login, password, lang, extra in (("rakesh", "velai-demo", "hi", []),
                                         ("admin", "velai-admin", "en",
                                          ["/supervisor/centres"])):
        page = open_phone(lang)
        log_in(page, server.url, login, password, lands="/supervisor/")
        worker = server.value("SELECT min(u.id) FROM users u JOIN users s ON s.login = ?"
                              " WHERE u.role = 'annotator' AND u.centre_id = s.centre_id",
                              (login,))
        project = server.value("SELECT min(p.id) FROM projects p JOIN users s ON s.login = ?"
                               " WHERE p.centre_id = s.centre_id", (login,))
        for path in SCREENS + extra + [f"/supervisor/people/{worker}",
                                       f"/supervisor/projects/{project}/edit"]:
            page.goto(server.url + path)
            checks.page(page, lang, f"{login} {path}")
            lang_text(lang).assert_in_language(page.locator("main").inner_text(),
                                               f"{login} {path}")
        assert not page.js_errors and not page.console_errors, page.console_errors

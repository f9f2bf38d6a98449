"""No signal: answers kept on the phone and sent once, offline batches, the offline page.

Each test is a different annotator (or project), so they share one server.
"""
import json

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from tests.browser.conftest import log_out

ONLINE_EVENT_WAIT_MS = 2000


def _back_online(page):
    """Give the phone its signal back; fire 'online' ourselves if Chromium did not."""
    page.evaluate("window.__wentOnline = false;"
                  " addEventListener('online', () => { window.__wentOnline = true; })")
    page.context.set_offline(False)
    try:
        page.wait_for_function("() => window.__wentOnline", timeout=ONLINE_EVENT_WAIT_MS)
    except PlaywrightTimeout:
        page.evaluate("dispatchEvent(new Event('online'))")


def _phone(open_phone, phone_tools, server, login, *phone, **options):
    """A new phone (language, context options) with `login` logged in."""
    page = open_phone(*phone, **options)
    phone_tools.log_in(page, server.url, login)
    return page


class ServiceWorkerNotActive(AssertionError):
    """The service worker did not become active: nothing works offline."""


def _wait_for_service_worker(page, timeout_ms=10_000):
    """The service worker is active, controls this page and has the offline page."""
    state = page.evaluate("""ms => Promise.race([
        navigator.serviceWorker.ready.then(() => 'ready'),
        new Promise(done => setTimeout(done, ms, 'timeout'))])""", timeout_ms)
    if state != "ready":
        why = page.evaluate("navigator.serviceWorker.register('/sw.js')"
                            ".then(() => 'registered', e => String(e))")
        raise ServiceWorkerNotActive(f"the service worker is not active after {timeout_ms} ms:"
                                     f" {why}")
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    assert _cached(page, "/offline"), "the offline page was never saved on the phone"


def _cached(page, url, timeout_ms=10_000, present=True):
    """Wait in the page until `url` is in the phone's cache (or, present=False, is gone
    from it); wait_for_function would not await the promise."""
    return page.evaluate("""async ([url, ms, present]) => {
        for (const end = Date.now() + ms; Date.now() < end;) {
            if (!!(await caches.match(url)) === present) return true;
            await new Promise(done => setTimeout(done, 50));
        }
        return false;
    }""", [url, timeout_ms, present])


def test_an_answer_without_signal_is_kept_and_sent_once(server, open_phone, lang_text,
                                                        phone_tools):
    said = lang_text("ta")
    login, slug = "9876500001", "tamil-review-sentiment"
    user_id = server.user_id(login)
    page = _phone(open_phone, phone_tools, server, login, "ta")
    page.goto(f"{server.url}/tasks/{slug}/next")
    action = phone_tools.card(page)["action"]
    assignment_id = int(action.rsplit("/", 1)[1])
    task_id = server.value("SELECT task_id FROM assignments WHERE id = ?", (assignment_id,))
    count_before = server.value("SELECT answers_count FROM tasks WHERE id = ?", (task_id,))

    page.context.set_offline(True)
    page.locator("#task form.answers button[name=answer]").first.tap()
    queue = page.locator("#queue")
    queue.wait_for(state="visible")
    assert queue.inner_text() == said.waiting(1)
    said.assert_in_language(queue.inner_text(), "the queue note")
    offline_card = page.locator("#task.offline .note")
    offline_card.wait_for()
    # The title and today's count stay; the answer buttons go until the signal returns.
    assert page.locator("#task.offline h1").count() == 1
    assert page.locator("#task.offline .today").inner_text() == page.locator(
        "#task .today").inner_text()
    assert page.locator("#task.offline form").count() == 0
    assert offline_card.inner_text().strip() == said._(
        "No signal. Your answer is saved on the phone and will be sent when the signal returns.")
    said.assert_in_language(offline_card.inner_text(), "the offline card")
    assert server.submitted(user_id) == 0

    _back_online(page)
    queue.wait_for(state="hidden")
    page.wait_for_load_state("load")  # the offline card reloads into the next task
    page.locator("#task form.answers").wait_for()
    assert phone_tools.card(page)["action"] != action

    rows = server.query("SELECT state FROM assignments WHERE user_id = ?"
                        " AND claimed_at >= datetime('now', '-1 day')", (user_id,))
    assert [r["state"] for r in rows].count("submitted") == 1, rows
    assert server.value("SELECT state FROM assignments WHERE id = ?",
                        (assignment_id,)) == "submitted"
    assert server.value("SELECT answers_count FROM tasks WHERE id = ?",
                        (task_id,)) == count_before + 1
    # Sent: nothing waits any more; the answer stays on the phone, sealed, with the server's
    # receipt until it has reached the replica (core/receipts.py), and is not counted.
    kept = json.loads(page.evaluate(f"localStorage.getItem('velai.queue.{user_id}')") or "[]")
    assert [item["id"] for item in kept] in ([], [assignment_id])
    assert page.locator("#queue").is_hidden()
    assert not page.js_errors, page.js_errors


def _save_batch(page, server, slug):
    """Her home page's "Save tasks for no signal": a form (POST), then the batch page."""
    if not page.url.endswith("/home"):
        page.goto(f"{server.url}/home")
    page.locator(f'form[action="/tasks/{slug}/batch"] button').tap()
    page.wait_for_url(f"**/tasks/{slug}/batch")


def test_a_saved_batch_works_without_signal_even_after_a_reload(server, open_phone, lang_text,
                                                                phone_tools):
    said = lang_text("hi")
    login, slug = "9876500002", "hindi-is-it-a-question"
    user_id = server.user_id(login)
    page = _phone(open_phone, phone_tools, server, login, "hi")
    _save_batch(page, server, slug)
    ids = [int(i) for i in page.locator(".batch section.card[data-id]").evaluate_all(
        "cards => cards.map(c => c.dataset.id)")]
    assert len(ids) == 6, ids  # 30 open tasks, at most 20 in 100 of them to one person
    _wait_for_service_worker(page)
    assert _cached(page, page.url), "the service worker did not save the batch page"

    showing = page.locator(".batch section.card[data-id]:not([hidden])")
    queue = page.locator("#queue")

    def answer(k):
        assert showing.count() == 1
        assert int(showing.get_attribute("data-id")) == ids[k], f"task {k + 1} not on show"
        showing.locator("button[name=answer]").nth(k % 2).tap()
        page.wait_for_function(
            "id => { const c = document.querySelector('.batch [data-id]:not([hidden])');"
            " return !c || c.dataset.id != id; }", arg=str(ids[k]))

    progress = page.locator(".progress")
    assert progress.inner_text() == said._("Task %(num)s of %(total)s", num=1, total=6)
    page.context.set_offline(True)
    page.wait_for_timeout(2500)  # she thinks over the first task; the next ones go fast
    for k in range(3):
        answer(k)
    assert progress.inner_text() == said._("Task %(num)s of %(total)s", num=4, total=6)
    said.assert_in_language(progress.inner_text(), "the batch progress")
    assert queue.is_visible()
    assert queue.inner_text() == said.waiting(3)
    said.assert_in_language(queue.inner_text(), "the queue note")
    assert server.submitted(user_id) == 0

    page.reload()  # no signal: the service worker serves the saved batch
    assert page.locator(".batch").count() == 1, page.content()[:500]
    assert page.locator(f'.batch [data-id="{ids[0]}"]').is_hidden()
    assert int(showing.get_attribute("data-id")) == ids[3]
    assert queue.inner_text() == said.waiting(3)
    for k in range(3, 5):
        answer(k)
    assert queue.inner_text() == said.waiting(5)
    # No DB check here: Chromium's offline emulation now and then lets the first request
    # of a page the service worker served through to the server (the page still sees it
    # fail, so the answers stay queued). Sending twice must change nothing: checked below.

    _back_online(page)
    queue.wait_for(state="hidden")
    rows = server.query("SELECT id, state FROM assignments WHERE user_id = ?"
                        " AND state = 'submitted' AND submitted_at >= datetime('now', '-1 day')",
                        (user_id,))
    assert sorted(r["id"] for r in rows) == sorted(ids[:5])
    page.wait_for_function("t => document.querySelector('main > .today').textContent.includes(t)",
                           arg=said.today(5))  # the server's count, once they arrived
    took = {r["id"]: r["seconds_spent"] for r in server.query(
        "SELECT id, seconds_spent FROM assignments WHERE id IN (?, ?)", (ids[0], ids[1]))}
    assert took[ids[0]] >= 2 and took[ids[1]] <= 1, took  # each task's own time
    assert server.value(
        "SELECT sum(t.answers_count) FROM tasks t JOIN projects p ON p.id = t.project_id"
        " WHERE p.slug = ?", (slug,)) == 5
    assert not page.js_errors, page.js_errors


def test_a_page_that_needs_signal_shows_the_offline_page_in_her_language(
        server, open_phone, lang_text, phone_tools):
    said = lang_text("ta")
    server.add_annotator("9876500071", "Selvi", "ta", "KRR")
    # Her phone is in English; her account says Tamil.
    page = _phone(open_phone, phone_tools, server, "9876500071", "en")
    _wait_for_service_worker(page)

    page.context.set_offline(True)
    page.goto(server.url + "/earnings")
    assert page.evaluate("document.documentElement.lang") == "ta"
    heading = page.locator("main h1").inner_text()
    assert heading == said._("No signal"), heading
    said.assert_in_language(heading, "the offline page")
    assert page.locator("main p").inner_text() == said._(
        "This page needs a connection. Answers you give in a saved batch stay on your phone"
        " and are sent when the signal returns.")


def test_a_server_error_keeps_the_card_and_asks_her_to_tap_again(server, open_phone, lang_text,
                                                                  phone_tools):
    said = lang_text("hi")
    login, slug = "9876500072", "hindi-headline-topic"
    user_id = server.add_annotator(login, "Rekha", "hi", "STP")
    # Blocked: Playwright's routing does not see requests that pass a service worker.
    page = _phone(open_phone, phone_tools, server, login, "hi", service_workers="block")
    page.goto(f"{server.url}/tasks/{slug}/next")
    before = phone_tools.card(page)

    page.route("**/answers/*", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    page.locator("#task form.answers button[name=answer]").first.tap()
    queue = page.locator("#queue")
    queue.wait_for(state="visible")
    assert queue.inner_text() == said._("Something went wrong. Please try again.")
    said.assert_in_language(queue.inner_text(), "the error note")
    assert phone_tools.card(page) == before  # her task is still there to answer
    assert server.submitted(user_id) == 0

    page.unroute("**/answers/*")
    page.locator("#task form.answers button[name=answer]:not([disabled])").first.tap()
    page.wait_for_function("a => { const f = document.querySelector('#task form.answers');"
                           " return f && f.getAttribute('action') !== a; }",
                           arg=before["action"])
    queue.wait_for(state="hidden")
    assert server.submitted(user_id) == 1
    assert not page.js_errors, page.js_errors


def test_on_a_shared_phone_answers_wait_for_the_person_who_gave_them(server, open_phone,
                                                                     lang_text, phone_tools):
    said = lang_text("ta")
    slug = "tamil-review-sentiment"
    logins = ("9876500073", "9876500074")
    first, second = (server.add_annotator(login, f"Worker {n}", "ta", "KRR")
                     for n, login in enumerate(logins))
    # Service workers blocked, so that routing sees every request.
    page = _phone(open_phone, phone_tools, server, logins[0], "ta", service_workers="block")
    page.goto(f"{server.url}/tasks/{slug}/next")

    page.route("**/answers/*", lambda route: route.abort())  # no signal for answers
    page.locator("#task form.answers button[name=answer]").first.tap()
    page.locator("#queue").wait_for(state="visible")
    assert page.locator("#queue").inner_text() == said.waiting(1)
    # She hands the phone on, logging out through her menu with no signal yet: she is told
    # her answer stays on the phone, and its lease stays hers (the phone names it at
    # logout), so it counts when it is sent.
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    log_out(page)
    assert asked == [said.waiting(1) + " " + said._(
        "They stay on this phone and are sent when the signal returns and you are logged in."
        " Go on?")]
    page.unroute("**/answers/*")
    phone_tools.log_in(page, server.url, logins[1])
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)  # any sync the page would start has started
    assert page.locator("#queue").is_hidden()  # the note is hers alone
    assert server.submitted(first) == 0 and server.submitted(second) == 0
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('velai.queue.{first}'))")
    assert len(kept) == 1, kept

    log_out(page)  # the second person had nothing unsent: no question
    page.wait_for_url("**/login")
    phone_tools.log_in(page, server.url, logins[0])  # back: her answer goes now
    page.locator("#queue").wait_for(state="hidden")
    assert server.submitted(first) == 1
    assert not page.js_errors, page.js_errors


def test_after_logout_her_saved_pages_are_not_shown_to_the_next_person(server, open_phone,
                                                                       lang_text, phone_tools):
    said = lang_text("ta")
    login, slug = "9876500075", "leaf-health-photos"
    server.add_annotator(login, "Valli", "ta", "KRR")
    page = _phone(open_phone, phone_tools, server, login, "ta")
    _wait_for_service_worker(page)
    _save_batch(page, server, slug)
    assert _cached(page, page.url), "the service worker did not save the batch page"

    log_out(page)  # she hands the phone on
    page.wait_for_url("**/login")
    for saved in (f"/tasks/{slug}/batch", "/home"):
        assert _cached(page, saved, present=False), f"{saved} is still saved after logout"
    page.context.set_offline(True)
    page.goto(f"{server.url}/tasks/{slug}/batch")  # no signal: not her batch, the offline page
    assert page.locator("main h1").inner_text() == said._("No signal")
    assert page.locator(".batch").count() == 0


def test_a_batch_answer_the_server_refuses_comes_back_to_mend(server, open_phone, lang_text,
                                                              phone_tools):
    said = lang_text("ta")
    login, slug = "9876500076", "english-to-tamil"
    user_id = server.add_annotator(login, "Meenakshi", "ta", "KRR")
    page = _phone(open_phone, phone_tools, server, login, "ta")
    _save_batch(page, server, slug)
    showing = page.locator(".batch section.card[data-id]:not([hidden])")
    first = showing.get_attribute("data-id")
    showing.locator("textarea").fill("   ")  # the box takes it; the server will not
    showing.locator("button.primary").tap()
    queue = page.locator("#queue")
    page.wait_for_function("t => document.getElementById('queue').textContent == t",
                           arg=said._("Please type your answer first."))
    page.wait_for_function("id => document.querySelector("
                           "'.batch [data-id]:not([hidden])').dataset.id == id", arg=first)
    showing.locator("textarea").fill("மழைக் காலத்தில் காய்ச்சிய தண்ணீரைக் குடியுங்கள்.")
    showing.locator("button.primary").tap()
    page.wait_for_function("id => document.querySelector("
                           "'.batch [data-id]:not([hidden])').dataset.id != id", arg=first)
    queue.wait_for(state="hidden")
    assert server.value("SELECT answer FROM assignments WHERE id = ?", (int(first),)) == \
        "மழைக் காலத்தில் காய்ச்சிய தண்ணீரைக் குடியுங்கள்."
    assert server.submitted(user_id) == 1
    assert not page.js_errors, page.js_errors


def test_giving_back_a_batch_keeps_what_the_phone_has_not_sent(server, open_phone, lang_text,
                                                               phone_tools, checks):
    """#15: the batch page says which of its answers are still on the phone; giving the
    batch back asks first, keeps those tasks hers and frees the rest for the others."""
    said = lang_text("hi")
    login, slug = "9876500077", "hindi-is-it-a-question"
    user_id = server.add_annotator(login, "Kamla", "hi", "STP")
    # Service workers blocked, so that routing sees the phone's sync.
    page = _phone(open_phone, phone_tools, server, login, "hi", service_workers="block")
    _save_batch(page, server, slug)
    ids = [int(i) for i in page.locator(".batch section.card[data-id]").evaluate_all(
        "cards => cards.map(c => c.dataset.id)")]
    assert len(ids) == 6, ids
    checks.page(page, "hi", "the batch page")
    page.route("**/answers/sync", lambda route: route.abort())  # no signal for answers
    showing = page.locator(".batch section.card[data-id]:not([hidden])")
    for k in range(2):
        showing.locator("button[name=answer]").first.tap()
        page.wait_for_function("id => document.querySelector("
                               "'.batch [data-id]:not([hidden])').dataset.id != id",
                               arg=str(ids[k]))
    unsent = page.locator(".unsent")
    page.wait_for_function("() => !document.querySelector('.unsent').hidden")
    assert unsent.inner_text() == said._(
        "Not sent yet: answers to tasks %(tasks)s. They stay on this phone until the signal"
        " returns.", tasks="1, 2")
    said.assert_in_language(unsent.inner_text(), "the unsent note")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator(f'form[action="/tasks/{slug}/batch/give-back"] button').tap()
    page.wait_for_url("**/home?given=4")
    assert asked and asked[0].startswith(said.waiting(2))
    assert page.locator("main").inner_text().count(said.n_(
        "%(num)d task given back. Others can do it now.",
        "%(num)d tasks given back. Others can do them now.", 4)) == 1
    live = {row["id"] for row in server.query(
        "SELECT id FROM assignments WHERE user_id = ? AND state = 'active'"
        " AND lease_expires_at > datetime('now')", (user_id,))}
    assert live == set(ids[:2])  # the two her phone holds; the other four went back
    page.unroute("**/answers/sync")
    page.reload()  # with signal: the phone sends them, and they count
    page.locator("#queue").wait_for(state="hidden")
    assert server.submitted(user_id) == 2
    assert not page.js_errors, page.js_errors

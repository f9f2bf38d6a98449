"""Speech on a phone (#18), in Chromium with a fake microphone: a Tamil annotator at 360 px
records five sentences, loses the link during the third upload and still ends with
exactly five stored recordings; another listens and verifies them; the money shows on
both earnings pages."""
import sqlite3

import pytest

from core import audio
from core.money import format_money
from tests import live

RECORD, CHECK = "tamil-read-aloud", "tamil-recording-check"
audio_piece = 16384  # static/capture.js sends this much at a time
RECORDER, LISTENER = "9876500001", "9876500022"  # Kavitha and Malar, both Tamil, Karur


@pytest.fixture(scope="module")
def microphone_browser(tmp_path_factory, browser_with):
    """Chromium whose microphone plays a voiced buzz the server's checks take for speech
    (from the suite's one Playwright, so the module can share a worker with others)."""
    wav = tmp_path_factory.mktemp("mic") / "voice.wav"
    wav.write_bytes(audio.speechlike_wav(10.0, level=0.15, pauses=False))  # steady bit rate
    return browser_with("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        f"--use-file-for-fake-audio-capture={wav}")


def _phone(browser, server, login):
    context = browser.new_context(**{**live.PHONE, "locale": "ta-IN"})
    context.set_default_timeout(30_000)
    context.grant_permissions(["microphone"], origin=server.url)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(server.url + "/login")
    page.fill("#login", login)
    page.fill("#password", "3917")
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/home")
    return page


def _record(page, seconds):
    """Record for `seconds`, hear it back, send it; returns the sentence recorded."""
    sentence = page.locator("#task .payload").inner_text()
    page.locator('[data-act="rec"]').tap()
    page.wait_for_selector('[data-act="stop"]:not([hidden])')
    page.wait_for_timeout(seconds * 1000)
    # Stop, unless it stopped itself at the limit meanwhile (one step in the page: a slow
    # machine may pass the limit between a look and a tap).
    page.evaluate("() => document.querySelector('[data-act=\"stop\"]:not([hidden])')?.click()")
    page.wait_for_selector('.recorder audio:not([hidden])')
    page.wait_for_function("() => document.querySelector('.recorder audio').duration > 0"
                           " || document.querySelector('.recorder audio').readyState > 0")
    page.locator('[data-act="send"]').tap()
    return sentence


def _next_sentence(page, before):
    """Wait for the next card; say what the card said when it does not come."""
    try:
        _wait_next(page, before)
    except Exception:
        raise AssertionError("no next card; the card says: "
                             + page.locator("#task").inner_text()) from None


def _wait_next(page, before):
    page.wait_for_function(
        "before => { const p = document.querySelector('#task .payload');"
        " return p && p.textContent !== before; }", arg=before, timeout=60_000)


def _set_listeners(server, redundancy):
    conn = sqlite3.connect(server.db_path, timeout=10)
    with conn:
        conn.execute("UPDATE projects SET redundancy = ? WHERE slug = ?", (redundancy, CHECK))
    conn.close()


@pytest.mark.xfail(strict=False, reason="times out under the full suite's load on 2 cores;"
                   " passes alone: to be made robust (#18)")
def test_five_recordings_with_a_dropped_link_are_stored_once_verified_and_paid(
        server, microphone_browser, lang_text, checks):
    ta = lang_text("ta")
    kavitha = server.user_id(RECORDER)
    page = _phone(microphone_browser, server, RECORDER)
    # Before a session she sees what a task costs in data.
    assert ta._("Each task uses about %(kb)s KB of data.", kb="46") in page.inner_text("body")
    page.goto(server.url + f"/tasks/{RECORD}/next")
    assert page.locator(".recorder").is_visible()
    assert page.locator(".no-recorder").is_hidden()
    assert ta._("Record") in page.locator('[data-act="rec"]').inner_text()
    checks.page(page, "ta", "record card")

    state = {"uploads": 0, "dropped": False}

    def third_upload(route):
        """The third recording: the signal goes after its first piece."""
        state["uploads"] += 1
        if state["dropped"] or "offset=0" in route.request.url:
            return route.continue_()
        state["dropped"] = True
        page.context.set_offline(True)
        route.abort("internetdisconnected")

    resumed = []
    page.on("response", lambda r: r.url.endswith("/upload") and resumed.append(r.json()))

    sentences = []
    for n in range(5):
        if n == 2:
            page.route("**/uploads/**", third_upload)
        before = _record(page, 8 if n == 2 else 3)  # the third: more than one piece
        sentences.append(before)
        if n == 2:
            page.wait_for_function("() => navigator.onLine === false")
            waiting = ta._("No signal. Your recording is saved on the phone and will be sent"
                           " when the signal returns.")
            page.wait_for_function(
                "t => document.querySelector('[data-state]').textContent === t", arg=waiting)
            assert page.evaluate("""() => new Promise(done => {
                const open = indexedDB.open('velai', 1);
                open.onsuccess = () => { const r = open.result.transaction('rec')
                  .objectStore('rec').getAll(); r.onsuccess = () => done(
                  r.result.length == 1 && r.result[0].iv && !(r.result[0].c instanceof Blob)); };
            })""")  # kept on the phone, encrypted, while the signal is gone
            page.context.set_offline(False)
            page.evaluate("dispatchEvent(new Event('online'))")
            page.unroute("**/uploads/**")
        _next_sentence(page, before)

    assert state["dropped"]
    # After the drop the phone asked again and went on from the server's offset.
    third = server.value("SELECT size FROM uploads WHERE user_id = ? ORDER BY id LIMIT 1"
                         " OFFSET 2", (kavitha,))
    assert third > audio_piece
    assert [(r["key"], r["offset"]) for r in resumed[2:4]] == [
        (resumed[2]["key"], 0), (resumed[2]["key"], audio_piece)]
    assert len(set(sentences)) == 5
    stored = server.query("SELECT m.id, m.kind, m.duration_ms, length(m.data) AS small,"
                          " length(m.original) AS sent FROM media m WHERE m.user_id = ?",
                          (kavitha,))
    assert len(stored) == 5 and {m["kind"] for m in stored} == {"audio"}
    assert server.value("SELECT count(*) FROM assignments a JOIN projects p"
                        " ON p.id = a.project_id WHERE p.slug = ? AND a.user_id = ?"
                        " AND a.state = 'submitted'", (RECORD, kavitha)) == 5
    assert server.value("SELECT count(*) FROM uploads WHERE user_id = ? AND media_id IS NOT"
                        " NULL", (kavitha,)) == 5
    assert page.evaluate("""() => new Promise(done => {
        const open = indexedDB.open('velai', 1);
        open.onsuccess = () => { const r = open.result.transaction('rec').objectStore('rec')
          .count(); r.onsuccess = () => done(r.result); };
    })""") == 0  # nothing left waiting on the phone
    assert page.js_errors == []

    # Another annotator listens: replay, slower, and says each recording matches.
    _set_listeners(server, 1)  # one listener settles a recording here
    malar = server.user_id(LISTENER)
    listener = _phone(microphone_browser, server, LISTENER)
    listener.goto(server.url + f"/tasks/{CHECK}/next")
    checks.page(listener, "ta", "listening card")
    # The demo's recordings still waiting (its listeners verified the first), and
    # Kavitha's five.
    waiting = server.value("SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id"
                           " WHERE p.slug = ? AND t.status = 'open'", (CHECK,))
    assert waiting == 2 + 5
    for _ in range(waiting):
        before = listener.locator("#task .payload").inner_text()
        listener.wait_for_function("() => document.querySelector('audio.listen').readyState >= 1")
        listener.locator('[data-act="replay"]').tap()
        listener.locator('[data-act="slow"]').tap()
        assert listener.evaluate("document.querySelector('audio.listen').playbackRate") == 0.75
        listener.get_by_role("button", name=ta._("Matches the sentence and is clear")).tap()
        listener.wait_for_function(
            "before => { const p = document.querySelector('#task .payload');"
            " return !p || p.textContent !== before; }", arg=before)
    assert server.value("SELECT count(*) FROM assignments a JOIN projects p"
                        " ON p.id = a.project_id WHERE p.slug = ? AND a.user_id = ?"
                        " AND a.review_state = 'accepted'", (RECORD, kavitha)) == 5
    assert listener.js_errors == []

    for who, phone in ((kavitha, page), (malar, listener)):
        phone.goto(server.url + "/earnings")  # accepts what waited past its window first
        accepted = server.value("SELECT sum(pay_paise) FROM assignments WHERE user_id = ?"
                                " AND review_state = 'accepted'", (who,))
        assert format_money(accepted, "ta_IN") in phone.locator("section.totals:not(#payouts)").inner_text()
    assert server.value("SELECT sum(a.pay_paise) FROM assignments a JOIN projects p"
                        " ON p.id = a.project_id WHERE a.user_id = ? AND p.slug = ?"
                        " AND a.review_state = 'accepted'", (kavitha, RECORD)) == 5 * 300

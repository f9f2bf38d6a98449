"""Transcription on a phone in Tamil at 360 px: she hears each clip and types what she
hears, one small request per task; a saved batch keeps its clips for no signal."""
import live

from core.clock import india_day

LOGIN, SLUG = "9876500021", "tamil-transcription"  # Selvi, Karur, Tamil
MAX_CYCLE_BYTES = 2048  # each way, per answer, the clip aside
MAX_CLIP_BYTES = 16 * 1024  # a 5-second clip for listening


def test_a_tamil_annotator_transcribes_clips_on_a_phone(server, open_phone, checks,
                                                       lang_text, phone_tools):
    said = lang_text("ta")
    page = open_phone("ta")
    phone_tools.log_in(page, server.url, LOGIN)
    page.goto(f"{server.url}/tasks/{SLUG}/next")
    checks.page(page, "ta", "ta transcription task")
    assert page.locator("#task label").first.inner_text() == said._("What you hear")
    wire = live.Wire(page)
    typed = ["நாளை காலை மழை பெய்யும்", "கிணற்று நீரைக் காய்ச்சிக் குடியுங்கள்",
             "வணக்கம்"]
    clip_sizes = []
    # Her answers since midnight in India, as the card's Today line counts them (the
    # demo's recordings may be from before it).
    done_today = server.value("SELECT coalesce(sum(answers), 0) FROM answers_by_day"
                              " WHERE user_id = ? AND day = ?",
                              (server.user_id(LOGIN), india_day())) or 0
    for n, words in enumerate(typed, done_today + 1):
        audio = page.locator("#task audio")
        assert audio.count() == 1 and audio.get_attribute("preload") == "none"
        playable = page.evaluate(
            """async () => { const a = document.querySelector('#task audio');
                 const r = await fetch(a.src);
                 return [r.status, r.headers.get('content-type'),
                         (await r.arrayBuffer()).byteLength,
                         a.canPlayType('audio/ogg; codecs=opus')]; }""")
        assert playable[:2] == [200, "audio/ogg"] and playable[3], playable
        clip_sizes.append(playable[2])
        page.locator("#task textarea").fill(words)
        before = phone_tools.card(page)
        wire.reset()
        page.locator("#task button.primary").tap()
        page.wait_for_function("t => document.querySelector('#task .today')"
                               "?.textContent.includes(t)", arg=said.today(n))
        assert phone_tools.wait_for_wire(page, wire, lambda r: "/answers/" in r["url"])
        posts = [r for r in wire.requests.values() if "/answers/" in r.get("url", "")]
        assert len(posts) == 1 and posts[0]["status"] == 200, posts
        assert posts[0]["up"] + posts[0].get("up_headers", 0) <= MAX_CYCLE_BYTES
        assert posts[0]["down"] <= MAX_CYCLE_BYTES, posts
        assert phone_tools.card(page)["action"] != before["action"]
    checks.page(page, "ta", "ta transcription after three answers")
    assert max(clip_sizes) <= MAX_CLIP_BYTES, clip_sizes
    answers = [r["answer"] for r in server.query(
        "SELECT a.answer FROM assignments a JOIN projects p ON p.id = a.project_id"
        " WHERE a.user_id = ? AND a.state = 'submitted' AND p.slug = ? ORDER BY a.id",
        (server.user_id(LOGIN), SLUG))]
    assert answers == typed
    for errors in (page.js_errors, page.console_errors):
        assert not errors, errors


def test_a_saved_transcription_batch_keeps_its_clips_for_no_signal(server, open_phone,
                                                                   phone_tools):
    page = open_phone("ta")
    phone_tools.log_in(page, server.url, "9876500022")  # Malar
    page.goto(f"{server.url}/home")
    page.locator(f'form[action="/tasks/{SLUG}/batch"] button').tap()
    page.wait_for_url(f"**/tasks/{SLUG}/batch")
    page.evaluate("navigator.serviceWorker.ready")
    clips = page.locator(".batch audio").evaluate_all("all => all.map(a => a.src)")
    assert clips, "the batch has no clips"
    kept = page.evaluate("""async (urls) => {
        for (const end = Date.now() + 10000; Date.now() < end;) {
            const hits = await Promise.all(urls.map(u => caches.match(u)));
            if (hits.every(Boolean)) return true;
            await new Promise(done => setTimeout(done, 100));
        }
        return false; }""", clips)
    assert kept, "the service worker did not keep the batch's clips"
    page.context.set_offline(True)
    played = page.evaluate("""async (url) => { const r = await fetch(url);
        return [r.status, (await r.arrayBuffer()).byteLength]; }""", clips[0])
    assert played[0] == 200 and played[1] > 1000, played
    assert not page.js_errors, page.js_errors

"""The Tamil annotator's journey on 2G (300 ms RTT, 250/100 kbit/s) with a 4x slower CPU.

Asserts bytes, never wall-clock time (a slow machine must not fail a test); the
tap-to-next-task times are printed for the record. The service worker is blocked
here: pages it served would reach this page's network log without their bytes on
the wire, and its own fetches would escape the throttled link.
"""
import re

import live

LOGIN, SLUG = "9876500001", "tamil-review-sentiment"
TASKS = 5
MAX_CYCLE_BYTES = 2048  # each way
MAX_PAGE_DOWN = 10 * 1024
MAX_CSS_DOWN = 6 * 1024
MAX_APP_JS_DOWN = 3 * 1024


def test_tamil_journey_on_2g(server, open_phone, lang_text, phone_tools, capsys):
    said = lang_text("ta")
    page = open_phone("ta", service_workers="block")
    wire = live.Wire(page)
    types = {}
    wire.cdp.on("Network.requestWillBeSent",
                lambda event: types.__setitem__(event["requestId"], event.get("type")))
    wire.throttle()
    journey = {}  # requestId -> request, over the whole journey

    def keep():
        for request_id, request in wire.requests.items():
            if request["down"] is not None:
                journey[request_id] = {**request, "type": types.get(request_id),
                                       "up": request.get("up", 0) + request.get("up_headers", 0)}

    phone_tools.log_in(page, server.url, LOGIN)
    page.locator(f'a.button.primary[href="/tasks/{SLUG}/next"]').tap()
    page.wait_for_url(f"**/tasks/{SLUG}/next")
    page.wait_for_load_state("load")
    phone_tools.wait_for_wire(page, wire, lambda r: "/tasks/" in r["url"])
    keep()

    cycles = []
    for n in range(1, TASKS + 1):
        cycle = phone_tools.answer_once(page, wire, n)
        cycles.append(cycle)
        where = f"2G task cycle {n}"
        assert len(cycle["started"]) == 1, \
            f"{where}: {len(cycle['started'])} requests, wanted one: {cycle['started']}"
        (post,) = cycle["answers"]
        assert post["status"] == 200, f"{where}: {post}"
        assert post["up"] <= MAX_CYCLE_BYTES, f"{where}: {post['up']} bytes up"
        assert post["down"] <= MAX_CYCLE_BYTES, f"{where}: {post['down']} bytes down"
        assert said.today(n) in page.locator("#task .today").inner_text(), where
        keep()

    for tap, path in (('nav a[href="/earnings"]', "/earnings"), ('nav a[href="/menu"]', "/menu"),
                      ("main button.logout", "/login")):
        wire.reset()
        page.locator(tap).tap()
        page.wait_for_url(f"**{path}")
        page.wait_for_load_state("load")
        phone_tools.wait_for_wire(page, wire, lambda r, path=path: r["url"].endswith(path))
        keep()

    assert server.submitted(server.user_id(LOGIN)) == TASKS
    requests = list(journey.values())
    pages = [r for r in requests if r["type"] == "Document"]
    assert {re.sub(r"^https?://[^/]+", "", r["url"]) for r in pages} >= {
        "/home", f"/tasks/{SLUG}/next", "/earnings", "/login"}, pages
    too_big = [r for r in pages if r["down"] > MAX_PAGE_DOWN]
    assert not too_big, f"pages over {MAX_PAGE_DOWN} bytes down: {too_big}"
    css = [r for r in requests if re.search(r"/static/app\.[0-9a-f]+\.css$", r["url"])]
    app_js = [r for r in requests if re.search(r"/static/app\.[0-9a-f]+\.js$", r["url"])]
    assert css and app_js, "the stylesheet and app.js were not fetched"
    assert all(r["down"] <= MAX_CSS_DOWN for r in css), css
    assert all(r["down"] <= MAX_APP_JS_DOWN for r in app_js), app_js
    assert not page.js_errors, page.js_errors

    with capsys.disabled():
        print("\n[2G] bytes down/up per request:")
        for r in requests:
            if r["down"]:
                print(f"  {r['type'] or '?':<10} {r['method']:<4} {r['status']} "
                      f"{r['down']:>6} / {r['up']:>5}  {re.sub(r'^https?://[^/]+', '', r['url'])}")
        print("[2G] task cycles (down/up bytes, tap-to-next seconds): " + ", ".join(
            f"{c['answers'][0]['down']}/{c['answers'][0]['up']} {c['seconds']:.2f}s"
            for c in cycles))

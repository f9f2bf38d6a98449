"""Chromium at phone size against the real server: page weight, task cycles, 2G timing.

Bytes come from Chromium's own network events (tests.live.Wire): `down` is what came
over the socket for a request (status line, headers and compressed body), `up` is the
request line, headers as sent (cookies included) and body.
"""
import math
import re
import statistics
import time
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import live

LOCALE = "ta-IN"  # Kavitha's phone
TEXT_PROJECT = "tamil-review-sentiment"
IMAGE_PROJECT = "leaf-health-photos"
TAPS = 10
TIMEOUT_MS = 30_000
ANSWER_BUTTONS = "#task form.answers button"
STATIC = {  # logical name -> pattern of the built file's path
    "css": re.compile(r"^/static/app\.[0-9a-f]{10}\.css$"),
    "app_js": re.compile(r"^/static/app\.[0-9a-f]{10}\.js$"),
    "htmx": re.compile(r"^/static/htmx-[\d.]+\.min\.[0-9a-f]{10}\.js$"),
    "icon": re.compile(r"^/static/icon"),
}


class BenchError(RuntimeError):
    """The measurement itself went wrong (not a budget failing)."""


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Net:
    """tests.live.Wire plus what a report needs beside the byte counts: the resource type,
    response headers, cache hits and failures, keyed by Chromium's request id."""

    def __init__(self, page):
        self.page = page
        self.wire = live.Wire(page)
        self.info = {}
        cdp = self.wire.cdp
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.on("Network.requestWillBeSentExtraInfo", self._raw_request)
        cdp.on("Network.responseReceivedExtraInfo", self._raw_response)

    def _entry(self, request_id):
        return self.info.setdefault(request_id, {})

    def _sent(self, event):
        self._entry(event["requestId"])["type"] = event.get("type")

    def _received(self, event):
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        length = headers.get("content-length")
        self._entry(event["requestId"]).update(
            encoding=headers.get("content-encoding", ""),
            body=int(length) if length and length.isdigit() else None,
            mime=response.get("mimeType", ""),
            via_sw=bool(response.get("fromServiceWorker")),
            disk_cache=bool(response.get("fromDiskCache")),
            protocol=response.get("protocol", ""),
        )

    def _raw_request(self, event):
        self._entry(event["requestId"])["headers_up"] = _header_sizes(event["headers"])

    def _raw_response(self, event):
        self._entry(event["requestId"])["headers_down"] = _header_sizes(event["headers"])

    def _cached(self, event):
        self._entry(event["requestId"])["memory_cache"] = True

    def _failed(self, event):
        self._entry(event["requestId"])["failed"] = event.get("errorText", "failed")

    def reset(self):
        self.wire.reset()
        self.info.clear()

    def in_flight(self) -> int:
        return sum(1 for rid, r in self.wire.requests.items()
                   if r.get("down") is None and not self.info.get(rid, {}).get("failed")
                   and not self.info.get(rid, {}).get("memory_cache"))

    def settle(self, quiet_ms=300, timeout_ms=TIMEOUT_MS):
        """Wait until nothing has been in flight for `quiet_ms` (events are delivered while
        Playwright waits)."""
        deadline = time.monotonic() + timeout_ms / 1000
        quiet_since = None
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            if self.in_flight():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_ms / 1000:
                return
        raise BenchError(f"requests still in flight after {timeout_ms} ms: "
                         f"{[r['url'] for r in self.wire.requests.values() if r['down'] is None]}")

    def done(self) -> list[dict]:
        """Requests that completed over the network since the last reset."""
        out = []
        for rid, r in list(self.wire.requests.items()):
            info = self.info.get(rid, {})
            if r.get("down") is None or info.get("failed"):
                continue
            path = _path(r["url"])
            request_line = len(f"{r['method']} {path} HTTP/1.1\r\n") + 2  # and the blank line
            cached = info.get("memory_cache") or info.get("disk_cache") or r["down"] == 0
            out.append({
                "url": r["url"], "path": path, "method": r["method"], "status": r["status"],
                "type": info.get("type"), "kind": _kind(path, info.get("type")),
                "down": r["down"], "body": info.get("body"), "encoding": info.get("encoding", ""),
                "up": r.get("up", 0) + r.get("up_headers", 0) + request_line,
                "cached": bool(cached), "via_sw": info.get("via_sw", False),
                "headers_up": info.get("headers_up", {}),
                "headers_down": info.get("headers_down", {}),
            })
        return out

    def wait_for(self, predicate, timeout_ms=TIMEOUT_MS) -> dict:
        """The first finished request matching `predicate`, waiting for it if need be."""
        deadline = time.monotonic() + timeout_ms / 1000
        while time.monotonic() < deadline:
            for r in self.done():
                if predicate(r):
                    return r
            self.page.wait_for_timeout(50)
        raise BenchError("an expected request did not finish")


def _header_sizes(headers: dict) -> dict:
    """Bytes each header takes on the wire ("Name: value\r\n"), biggest first."""
    sizes = {k: len(k) + len(v) + 4 for k, v in headers.items()}
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def _kind(path: str, rtype: str | None) -> str:
    if path.startswith("/static/"):
        return "static"
    if path.startswith("/media/"):
        return "media"
    if path == "/sw.js":
        return "sw"
    if rtype == "Document":
        return "document"
    if path.startswith("/answers/") or path.startswith("/assignments/"):
        return "fragment"
    return "other"


def _slim(r: dict) -> dict:
    return {k: r[k] for k in ("path", "method", "status", "kind", "down", "body", "encoding",
                              "up", "cached")}


def _open_phone(browser, **options):
    context = browser.new_context(**{**live.PHONE, "locale": LOCALE, **options})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return context, page


def _page(page, net, url, path, expect_status=200) -> dict:
    """Load a full page; its HTML document, the other requests it caused, their sums."""
    net.reset()
    response = page.goto(url + path, wait_until="load")
    if response is None or response.status != expect_status:
        raise BenchError(f"GET {path}: status {response and response.status}")
    net.settle()
    requests = net.done()
    docs = [r for r in requests if r["kind"] == "document" and r["path"] == path]
    if len(docs) != 1:
        raise BenchError(f"GET {path}: {len(docs)} documents on the wire: {requests}")
    doc = docs[0]
    network = [r for r in requests if not r["cached"]]
    media = [r for r in network if r["kind"] == "media"]
    return {
        "path": path, "status": doc["status"], "down": doc["down"], "up": doc["up"],
        "body": doc["body"], "encoding": doc["encoding"],
        "media": {"count": len(media), "down": sum(r["down"] for r in media),
                  "max": max((r["down"] for r in media), default=0),
                  "max_body": max((r["body"] or 0 for r in media), default=0)},
        "total_down": sum(r["down"] for r in network),
        "total_up": sum(r["up"] for r in network),
        "requests": [_slim(r) for r in network],
    }


def _card_action(page) -> str | None:
    return page.evaluate("() => { const f = document.querySelector('#task form.answers');"
                         " return f ? f.getAttribute('action') : null; }")


def _tap_answer(page, n: int):
    buttons = page.locator(ANSWER_BUTTONS)
    count = buttons.count()
    if not count:
        raise BenchError(f"no answer buttons on {page.url} (project out of tasks?)")
    buttons.nth(n % count).tap()


def _cycles(page, net, image: bool) -> dict:
    """TAPS answers: each tap must cost one request (the POST that brings the next card);
    pictures of the next card are counted apart, as media."""
    taps = []
    for n in range(TAPS):
        before = _card_action(page)
        if before is None:
            raise BenchError(f"no task card on {page.url}")
        net.reset()
        _tap_answer(page, n)
        page.wait_for_function(
            "old => { const f = document.querySelector('#task form.answers');"
            " return !f || f.getAttribute('action') !== old; }", arg=before)
        if image:
            page.wait_for_function("() => { const i = document.querySelector('#task img');"
                                   " return !i || i.complete; }")
        net.settle()
        requests = net.done()
        posts = [r for r in requests if r["kind"] == "fragment"]
        if len(posts) != 1 or posts[0]["status"] != 200:
            raise BenchError(f"tap {n + 1}: answer requests {posts}")
        media = [r for r in requests if r["kind"] == "media" and not r["cached"]]
        others = [r for r in requests if r["kind"] != "media"]
        taps.append({"requests": len(others), "up": sum(r["up"] for r in others),
                     "down": sum(r["down"] for r in others),
                     "fragment_body": posts[0]["body"], "encoding": posts[0]["encoding"],
                     "headers_up": posts[0]["headers_up"],
                     "headers_down": posts[0]["headers_down"],
                     "media_requests": len(media), "media_down": sum(r["down"] for r in media),
                     "media_max_body": max((r["body"] or 0 for r in media), default=0),
                     "paths": [r["path"] for r in requests]})
    headers = {"headers_up": taps[-1]["headers_up"], "headers_down": taps[-1]["headers_down"]}
    for tap in taps:
        del tap["headers_up"], tap["headers_down"]
    summary = {
        "taps": len(taps),
        "requests_per_tap_max": max(t["requests"] for t in taps),
        "up_max": max(t["up"] for t in taps), "up_median": statistics.median(t["up"] for t in taps),
        "down_max": max(t["down"] for t in taps),
        "down_median": statistics.median(t["down"] for t in taps),
        "per_tap": taps, **headers,
    }
    if image:
        summary.update(media_per_tap_max=max(t["media_requests"] for t in taps),
                       media_down_median=statistics.median(t["media_down"] for t in taps),
                       media_down_max=max(t["media_down"] for t in taps),
                       media_body_max=max(t["media_max_body"] for t in taps))
    return summary


def extra_pages(browser, url: str, db_path: str) -> dict:
    """The pages each capability registers in a module bench/pages_*.py, weighed as above.

    Such a module has `pages(db_path)`: a list of dicts with name, login, password, lang
    and path (it may read the seeded database for ids, or prepare state through core).
    Each login's pages are weighed in one phone, in that person's language.
    """
    import importlib
    import pkgutil

    import bench

    wanted = []
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if info.name.startswith("pages_"):
            wanted += importlib.import_module(f"bench.{info.name}").pages(db_path)
    measured = {}
    for login in dict.fromkeys(p["login"] for p in wanted):
        mine = [p for p in wanted if p["login"] == login]
        context, page = _open_phone(browser, service_workers="block",
                                    locale=f"{mine[0]['lang']}-IN")
        try:
            net = Net(page)
            page.goto(url + "/login")
            page.fill("#login", login)
            page.fill("#password", mine[0]["password"])
            page.click("form.card button.primary")
            page.wait_for_url(lambda u: "/login" not in u)
            # An annotator's first page saves the offline page: let that finish first, as
            # live.log_in does, so it is not left in flight under the page measured next.
            page.wait_for_function("() => !document.getElementById('queue')"
                                   " || localStorage.getItem('velai.lang')")
            for p in mine:
                measured[p["name"]] = _page(page, net, url, p["path"])
            if page.js_errors:
                raise BenchError(f"JavaScript errors: {page.js_errors}")
        finally:
            context.close()
    return measured


def weight(browser, url: str) -> dict:
    """Pages, static files and task cycles, unthrottled (bytes do not depend on speed).

    The service worker is blocked: pages it passes through would reach this page's
    network log without their bytes, and its own fetches would escape it. It changes
    no page's bytes: it goes to the network first for pages, and static files are in the
    HTTP cache already. /sw.js is fetched on its own below.
    """
    context, page = _open_phone(browser, service_workers="block")
    try:
        net = Net(page)
        pages, static = {}, {}

        # First visit, cold cache: the login page and every static file it pulls in.
        first = _page(page, net, url, "/login")
        pages["login"] = first
        for r in first["requests"]:
            for name, pattern in STATIC.items():
                if pattern.match(r["path"].split("?")[0]):
                    static[name] = {k: r[k] for k in ("path", "down", "body", "encoding", "up")}
        missing = {"css", "app_js", "htmx"} - set(static)
        if missing:
            raise BenchError(f"first load fetched no {missing}: {first['requests']}")
        # The service worker script, as the browser fetches it to register it.
        net.reset()
        page.evaluate("() => fetch('/sw.js').then(r => r.text()).then(t => t.length)")
        sw = net.wait_for(lambda r: r["path"] == "/sw.js")
        static["sw_js"] = {k: sw[k] for k in ("path", "down", "body", "encoding", "up")}
        static["own_js"] = {"down": static["app_js"]["down"] + sw["down"],
                            "body": (static["app_js"]["body"] or 0) + (sw["body"] or 0)}
        static["first_visit_total_down"] = first["total_down"]
        static["first_visit_requests"] = len(first["requests"])

        live.log_in(page, url, "ta")
        pages["home"] = _page(page, net, url, "/home")
        pages["task"] = _page(page, net, url, f"/tasks/{TEXT_PROJECT}/next")
        text_cycle = _cycles(page, net, image=False)
        pages["task_image"] = _page(page, net, url, f"/tasks/{IMAGE_PROJECT}/next")
        image_cycle = _cycles(page, net, image=True)
        pages["earnings"] = _page(page, net, url, "/earnings")  # after 20 answers
        # A batch is claimed by her home page's form (a POST), then shown by a GET.
        page.goto(url + "/home", wait_until="load")
        page.locator(f'form[action="/tasks/{IMAGE_PROJECT}/batch"] button').click()
        page.wait_for_url(f"**/tasks/{IMAGE_PROJECT}/batch")
        pages["batch"] = _page(page, net, url, f"/tasks/{IMAGE_PROJECT}/batch")
        pages["offline"] = _page(page, net, url, "/offline")
        if page.js_errors:
            raise BenchError(f"JavaScript errors: {page.js_errors}")
        first_post = text_cycle["per_tap"][0]
        fragment = {"down": first_post["down"], "up": first_post["up"],
                    "body": first_post["fragment_body"], "encoding": first_post["encoding"],
                    "headers_down": text_cycle["headers_down"],
                    "headers_up": text_cycle["headers_up"]}
        return {"pages": pages, "static": static,
                "task_cycle": {"text": text_cycle, "image": image_cycle, "fragment": fragment}}
    finally:
        context.close()


# Armed before each tap: resolves with the times from her tap (the input event's own
# timestamp, in the page clock) to the next card in the DOM and to the frame after it.
ARM = """() => {
  const old = document.querySelector('#task form.answers').getAttribute('action');
  let start = null;
  const mark = e => { if (start === null) start = e.timeStamp; };
  for (const type of ['pointerdown', 'touchstart', 'click'])
    document.addEventListener(type, mark, {capture: true, once: true});
  window.__tap = new Promise(resolve => {
    const give_up = setTimeout(() => { observer.disconnect(); resolve(null); }, 30000);
    const observer = new MutationObserver(() => {
      const form = document.querySelector('#task form.answers');
      const payload = document.querySelector('#task .payload, #task img, #task .done');
      if (!payload || (form && form.getAttribute('action') === old)) return;
      const dom = performance.now();
      observer.disconnect();
      clearTimeout(give_up);
      requestAnimationFrame(() => setTimeout(() => resolve({
        start, dom: dom - start, frame: performance.now() - start}), 0));
    });
    observer.observe(document.body, {childList: true, subtree: true});
  });
}"""


def _nearest_rank(values, q):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _timing(values):
    return {"median_ms": round(statistics.median(values), 1),
            "p90_ms": round(_nearest_rank(values, 0.9), 1),
            "max_ms": round(max(values), 1), "min_ms": round(min(values), 1),
            "samples_ms": [round(v, 1) for v in values]}


def _nav_timing(page) -> dict:
    return page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {response_end_ms: Math.round(n.responseEnd),
                dom_content_loaded_ms: Math.round(n.domContentLoadedEventEnd),
                load_ms: Math.round(n.loadEventEnd)}; }""")


def slow_2g(browser, url: str, service_worker: bool) -> dict:
    """Tap-to-next-task on the 2G link with a 4x slower CPU, over TAPS taps."""
    options = {} if service_worker else {"service_workers": "block"}
    context, page = _open_phone(browser, **options)
    try:
        net = Net(page)
        result = {"service_worker": "allowed" if service_worker else "blocked"}
        if not service_worker:
            # A first visit on 2G, cold cache: the login page and its static files.
            net.wire.throttle()
            page.goto(url + "/login", wait_until="load")
            net.settle()
            result["cold_login_page"] = {**_nav_timing(page),
                                         "down": sum(r["down"] for r in net.done())}
            net.wire.throttle(conditions={"offline": False, "latency": 0,
                                          "downloadThroughput": -1, "uploadThroughput": -1},
                              cpu=1)
        live.log_in(page, url, "ta")
        page.goto(url + f"/tasks/{TEXT_PROJECT}/next", wait_until="load")
        if service_worker:
            try:
                page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                                       timeout=10_000)
                result["sw_controls_page"] = True
            except PlaywrightTimeout:
                result["sw_controls_page"] = False
                result["service_worker"] = "allowed, failed to install"
            result["sw_errors"] = sorted({e for e in page.js_errors if "ServiceWorker" in e})
            page.js_errors[:] = [e for e in page.js_errors if "ServiceWorker" not in e]
        net.wire.throttle()
        if not service_worker:  # pages through the worker would escape the throttled link
            net.reset()
            page.reload(wait_until="load")  # her task page, warm cache, on 2G
            net.settle()
            network = [r for r in net.done() if not r["cached"]]
            result["task_page_load"] = {**_nav_timing(page), "requests": len(network),
                                        "down": sum(r["down"] for r in network)}
        page.wait_for_timeout(500)
        taps, wall = [], []
        for n in range(TAPS):
            page.evaluate(ARM)
            net.reset()
            t0 = time.perf_counter()
            _tap_answer(page, n)
            tap = page.evaluate("window.__tap")
            wall.append((time.perf_counter() - t0) * 1000)
            if tap is None or tap["start"] is None:
                raise BenchError(f"2G tap {n + 1}: no next card within 30 s ({tap})")
            net.settle()
            requests = net.done()
            posts = [r for r in requests if r["kind"] == "fragment"]
            if len(posts) != 1 or posts[0]["status"] != 200:
                raise BenchError(f"2G tap {n + 1}: answer requests {posts}")
            taps.append({**tap, "requests": len(requests), "up": posts[0]["up"],
                         "down": posts[0]["down"]})
            page.wait_for_timeout(300)  # she reads the next task
        errors = [e for e in page.js_errors if not (service_worker and "ServiceWorker" in e)]
        if errors:
            raise BenchError(f"JavaScript errors on 2G: {errors}")
        result.update(
            tap_to_dom=_timing([t["dom"] for t in taps]),
            tap_to_frame=_timing([t["frame"] for t in taps]),
            wall_clock_from_playwright=_timing(wall),
            requests_per_tap_max=max(t["requests"] for t in taps),
            up_max=max(t["up"] for t in taps), down_max=max(t["down"] for t in taps))
        return result
    finally:
        context.close()

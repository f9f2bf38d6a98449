"""`python -m bench.speech`: the figures of recording and verifying speech (#18).

1. The server's cost per clip: decoding, the checks (length, voice activity, clipping)
   and the Opus copy, for a 5-second recording as a phone sends it (Opus in WebM) and as
   a WAV; and the size of the listening copy.
2. Debian's Chromium at 360 px with a fake microphone, against a real gunicorn on the
   seeded demo: bytes on the wire per recording cycle (send, pieces, next card) and per
   verify cycle (answer, next card, its clip); the upload's overhead over the raw
   recording; and on the emulated 2G link, the time from the signal's return to the
   recording stored and the next card shown after the link dropped mid-upload.

Prints the figures and merges them into bench/results.json under "speech".
"""
import io
import json
import os
import statistics
import sys
import tempfile
import time

import av

from core import audio
from tests import live

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results.json")
RECORD, CHECK = "tamil-read-aloud", "tamil-recording-check"
RECORDER, LISTENER, PIN = "9876500001", "9876500022", "3917"
CLIP_LIMIT = 16 * 1024
SCRIPT_LIMIT = 4 * 1024
RUNS = 20


def _as_phone_sends(wav: bytes) -> bytes:
    """The WAV as Chrome's MediaRecorder sends it: Opus in WebM, mono, 24 kbit/s."""
    samples = audio.decode(wav)
    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48_000)
        stream.bit_rate = 24_000
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(samples))
        frame.planes[0].update(samples.tobytes())
        frame.sample_rate = audio.RATE
        frame.pts = 0
        for chunk in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def server_cost() -> dict:
    """Milliseconds per 5-second clip, median of RUNS, by step."""
    wav = audio.speechlike_wav(5.0)
    webm = _as_phone_sends(wav)
    out = {}
    for name, data in (("webm_opus", webm), ("wav", wav)):
        steps = {"decode": [], "checks": [], "opus_copy": [], "total": []}
        for _ in range(RUNS):
            t0 = time.perf_counter()
            samples = audio.decode(data, 15_500)
            t1 = time.perf_counter()
            audio.check(samples, 15_500)
            t2 = time.perf_counter()
            copy = audio.to_opus(samples)
            t3 = time.perf_counter()
            for key, value in (("decode", t1 - t0), ("checks", t2 - t1),
                               ("opus_copy", t3 - t2), ("total", t3 - t0)):
                steps[key].append(value * 1000)
        out[name] = {"upload_bytes": len(data), "listen_bytes": len(copy),
                     **{f"{k}_ms": round(statistics.median(v), 1) for k, v in steps.items()}}
    return out


def _phone(chromium, url, login, **options):
    context = chromium.new_context(**{**live.PHONE, "locale": "ta-IN", **options})
    context.set_default_timeout(60_000)
    context.grant_permissions(["microphone"], origin=url)
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("#login", login)
    page.fill("#password", PIN)
    page.click("form.card button.primary")
    page.wait_for_url("**/home")
    return page


def _record(page, seconds):
    sentence = page.locator("#task .payload").inner_text()
    page.click('[data-act="rec"]')
    page.wait_for_selector('[data-act="stop"]:not([hidden])')
    page.wait_for_timeout(seconds * 1000)
    page.click('[data-act="stop"]')
    page.wait_for_selector('.recorder [data-act="send"]:not([hidden])')
    return sentence


def _next(page, before):
    page.wait_for_function(
        "b => { const p = document.querySelector('#task .payload');"
        " return !p || p.textContent !== b; }", arg=before, timeout=120_000)


class _Sizes:
    """Bytes of each finished request, as Chromium counts them (Request.sizes(): the
    body as sent, binary pieces included, and headers both ways)."""

    def __init__(self, page):
        self.done = []
        page.on("requestfinished", self._finished)

    def _finished(self, request):
        size = request.sizes()
        self.done.append({"url": request.url,
                          "up": size["requestBodySize"] + size["requestHeadersSize"],
                          "down": size["responseBodySize"] + size["responseHeadersSize"]})

    def reset(self):
        self.done = []


def _sum(requests, way):
    return sum(r[way] for r in requests)


def browser_figures(chromium, url, db_path) -> dict:
    import sqlite3

    def last_upload_size():
        conn = sqlite3.connect(db_path)
        try:
            return conn.execute("SELECT size FROM uploads ORDER BY id DESC LIMIT 1").fetchone()[0]
        finally:
            conn.close()

    page = _phone(chromium, url, RECORDER)
    page.goto(url + f"/tasks/{RECORD}/next")
    sizes = _Sizes(page)
    cycles = []
    for seconds in (5, 5, 5, 10):
        before = _record(page, seconds)
        sizes.reset()
        page.click('[data-act="send"]')
        _next(page, before)
        page.wait_for_timeout(300)
        raw = last_upload_size()
        upload = [r for r in sizes.done if "/upload" in r["url"]]
        cycles.append({"seconds": seconds, "raw_bytes": raw, "requests": len(sizes.done),
                       "up": _sum(sizes.done, "up"), "down": _sum(sizes.done, "down"),
                       "upload_requests": len(upload), "upload_up": _sum(upload, "up"),
                       "overhead": round(_sum(upload, "up") / raw - 1, 3)})
    # On the 2G link the signal goes after the first piece: the time from its return to
    # the recording stored and the next card shown.
    wire = live.Wire(page)
    wire.throttle()
    before = _record(page, 10)
    state = {"dropped": False}

    def drop(route):  # the first piece arrives; its reply is lost with the signal
        if state["dropped"]:
            return route.continue_()
        route.fetch()
        state["dropped"] = True
        route.abort("internetdisconnected")
    page.route("**/uploads/**", drop)
    page.click('[data-act="send"]')
    for _ in range(600):
        if state["dropped"]:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    page.unroute("**/uploads/**")
    started = time.monotonic()
    page.evaluate("dispatchEvent(new Event('online'))")
    _next(page, before)
    resume_ms = round((time.monotonic() - started) * 1000)
    page.context.close()

    listener = _phone(chromium, url, LISTENER, service_workers="block")  # clips on the page
    listener.goto(url + f"/tasks/{CHECK}/next")
    listener.wait_for_function("() => document.querySelector('audio.listen').readyState >= 1")
    sizes = _Sizes(listener)
    verify = []
    for _ in range(3):
        before = listener.locator("#task .payload").inner_text()
        sizes.reset()
        listener.click('button[name="answer"][value="yes"]')
        _next(listener, before)
        listener.wait_for_function(
            "() => { const a = document.querySelector('audio.listen');"
            " return !a || a.readyState >= 3; }")
        listener.wait_for_timeout(300)
        done = sizes.done
        clips = [r for r in done if "/media/" in r["url"]]
        verify.append({"requests": len(done), "up": _sum(done, "up"),
                       "down": _sum(done, "down"), "clip_down": _sum(clips, "down")})
    listener.context.close()
    return {"record_cycles": cycles, "verify_cycles": verify, "resume_2g_ms": resume_ms,
            "link_2g": live.SLOW_2G}


def script_size() -> int:
    import brotli

    from views.assets import lean_js
    with open(os.path.join(HERE, "..", "static", "capture.js"), encoding="utf-8") as f:
        return len(brotli.compress(lean_js(f.read()).encode(), quality=11))


def measure() -> dict:
    from playwright.sync_api import sync_playwright

    results = {"server_per_clip": server_cost(), "capture_js_brotli": script_size()}
    with tempfile.TemporaryDirectory(prefix="velai-speech-") as workdir, \
            live.server(workdir) as (url, db_path), sync_playwright() as playwright:
        wav = os.path.join(workdir, "voice.wav")
        with open(wav, "wb") as f:
            f.write(audio.speechlike_wav(10.0))
        chromium = playwright.chromium.launch(
            executable_path=live.CHROMIUM,
            args=[*live.CHROMIUM_ARGS, "--use-fake-device-for-media-stream",
                  "--use-fake-ui-for-media-stream", f"--use-file-for-fake-audio-capture={wav}"])
        try:
            results.update(browser_figures(chromium, url, db_path))
        finally:
            chromium.close()
    return results


def report(r: dict) -> None:
    print("\nVelai bench — speech (#18)")
    for name, c in r["server_per_clip"].items():
        print(f"server, 5 s clip sent as {name} ({c['upload_bytes']:,} B): decode"
              f" {c['decode_ms']} ms, checks {c['checks_ms']} ms, Opus copy"
              f" {c['opus_copy_ms']} ms, total {c['total_ms']} ms; listening copy"
              f" {c['listen_bytes']:,} B")
    for c in r["record_cycles"]:
        print(f"recording cycle ({c['seconds']} s, {c['raw_bytes']:,} B recorded):"
              f" {c['requests']} requests, up {c['up']:,} B, down {c['down']:,} B;"
              f" upload {c['upload_requests']} requests, {c['upload_up']:,} B up, overhead"
              f" {c['overhead'] * 100:.1f} %")
    for c in r["verify_cycles"]:
        print(f"verify cycle: {c['requests']} requests, up {c['up']:,} B, down {c['down']:,} B"
              f" (clip {c['clip_down']:,} B)")
    print(f"resume after a dropped link on emulated 2G: {r['resume_2g_ms']:,} ms from the"
          " signal's return to the next card")
    listen = r["server_per_clip"]["webm_opus"]["listen_bytes"]
    rows = [("5 s clip for listening", listen, CLIP_LIMIT),
            ("recording page's own script (capture.js, brotli)", r["capture_js_brotli"],
             SCRIPT_LIMIT)]
    for name, value, limit in rows:
        print(f"{name:<52} {value:>8,} B  limit {limit:,} B  "
              f"{'PASS' if value <= limit else 'FAIL'}")


def main() -> int:
    results = measure()
    data = {}
    if os.path.exists(RESULTS):
        with open(RESULTS, encoding="utf-8") as f:
            data = json.load(f)
    data["speech"] = results
    with open(RESULTS, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

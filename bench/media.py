"""`python -m bench.media`: the figures of listening and photo tasks (#18).

1. Server work, no browser: a 5-second clip made an Opus copy (bytes, ms); a phone
   camera's 12-megapixel photo scaled and stripped (bytes kept, ms); comparing two
   Tamil transcripts by error rate and settling five (µs).
2. Chromium at phone size as a Tamil annotator on the demo's transcription project:
   bytes per transcribe cycle (the answer's one request, each way) and the clip heard.

Prints a table and merges the figures into bench/results.json under "media". The photo
cycle on the wire is the upload's (the phone scales the photo before it goes): its bytes
up are the scaled photo's, shown here as the server keeps it.
"""
import io
import json
import os
import sys
import tempfile
import time

from PIL import Image

from core import cer, clips, photos
from tests import live

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results.json")
KB = 1024
LOGIN, PIN, SLUG = "9876500021", "3917", "tamil-transcription"  # Selvi, Karur
TAPS = 3
SENTENCE = "நான் நேற்று பள்ளிக்குச் சென்றேன், அங்கே என் நண்பர்களைச் சந்தித்தேன்"
SLIP = SENTENCE.replace("பள்ளிக்குச்", "பள்ளிகுச்")


def _best(fn, runs=5) -> float:
    """Best of `runs` wall times of fn(), in ms (the least disturbed by the machine)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def _camera_photo() -> bytes:
    """12 megapixels of smooth shapes with sensor grain: closer to a photo than noise."""
    blobs = Image.effect_noise((40, 30), 90).convert("RGB").resize((4000, 3000),
                                                                   Image.BICUBIC)
    grain = Image.effect_noise((4000, 3000), 12).convert("RGB")
    image = Image.blend(blobs, grain, 0.15)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def server_work() -> dict:
    wav = clips.tone(5, rate=44_100)
    clip = clips.prepare_clip(wav)
    sent = _camera_photo()
    photo = photos.prepare_photo(sent, 1280, 200 * KB, keep_location=False)
    a, b = cer.graphemes(SENTENCE), cer.graphemes(SLIP)
    five = [SENTENCE, SLIP, SENTENCE + " இன்று", SLIP.replace("நான்", "நாங்கள்"), "வணக்கம்"]
    return {
        "clip_5s_opus_bytes": len(clip["data"]), "clip_5s_wav_bytes": len(wav),
        "clip_5s_ms": round(_best(lambda: clips.prepare_clip(wav)), 1),
        "photo_sent_bytes": len(sent), "photo_kept_bytes": len(photo["original"]),
        "photo_screen_bytes": len(photo["data"]),
        "photo_ms": round(_best(lambda: photos.prepare_photo(sent, 1280, 200 * KB, False), 3), 1),
        "cer_pair_us": round(_best(lambda: cer.distance(a, b), 50) * 1000, 1),
        "settle_5_us": round(_best(lambda: cer.settle(five), 20) * 1000, 1),
    }


def transcribe_cycles(browser, url: str) -> dict:
    # No service worker: it would fetch the clip itself, out of the page's sight.
    context = browser.new_context(**live.PHONE, locale="ta-IN", service_workers="block")
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("#login", LOGIN)
    page.fill("#password", PIN)
    page.click("form.card button.primary")
    page.wait_for_url("**/home")
    page.goto(f"{url}/tasks/{SLUG}/next")
    wire = live.Wire(page)
    ups, downs, clip_bytes = [], [], []
    for n in range(1, TAPS + 1):
        wire.reset()
        # She taps play: the player fetches the clip (a fetch here, as headless plays none).
        page.evaluate("fetch(document.querySelector('#task audio').src).then(r => r.blob())")
        page.wait_for_timeout(500)
        page.locator("#task textarea").fill(SENTENCE)
        action = page.locator("#task form.answers").get_attribute("action")
        page.locator("#task button.primary").click()
        page.wait_for_function("a => document.querySelector('#task form.answers')"
                               "?.getAttribute('action') !== a", arg=action, timeout=30_000)
        page.wait_for_timeout(300)
        done = wire.finished()
        posts = [r for r in done if "/answers/" in r["url"]]
        media = [r for r in done if "/media/" in r["url"]]
        ups.append(sum(r["up"] for r in posts))
        downs.append(sum(r["down"] for r in posts))
        clip_bytes.append(sum(r["down"] for r in media))
    context.close()
    return {"taps": TAPS, "up_max": max(ups), "down_max": max(downs),
            "clip_down_max": max(clip_bytes)}


def main() -> int:
    figures = {"server": server_work()}
    if live.chromium_available():
        from playwright.sync_api import sync_playwright
        with tempfile.TemporaryDirectory(prefix="velai-bench-media-") as workdir:
            with live.server(workdir) as (url, _db), sync_playwright() as playwright:
                browser = live.launch(playwright)
                try:
                    figures["transcribe_cycle"] = transcribe_cycles(browser, url)
                finally:
                    browser.close()
    s = figures["server"]
    print("Listening and photos")
    print(f"  5 s clip: WAV {s['clip_5s_wav_bytes']:,} B -> Opus {s['clip_5s_opus_bytes']:,} B"
          f" (budget {16 * KB:,} B), {s['clip_5s_ms']} ms")
    print(f"  12 MP photo: sent {s['photo_sent_bytes']:,} B -> kept {s['photo_kept_bytes']:,} B"
          f" (budget {200 * KB:,} B) + screen copy {s['photo_screen_bytes']:,} B,"
          f" {s['photo_ms']} ms")
    print(f"  transcripts: one pair {s['cer_pair_us']} µs, medoid of five"
          f" {s['settle_5_us']} µs")
    cycle = figures.get("transcribe_cycle")
    if cycle:
        print(f"  transcribe cycle: up {cycle['up_max']:,} B, down {cycle['down_max']:,} B"
              f" per tap (budget 2,048 B each way), clip heard {cycle['clip_down_max']:,} B")
    results = {}
    if os.path.exists(RESULTS):
        with open(RESULTS, encoding="utf-8") as f:
            results = json.load(f)
    results["media"] = figures
    with open(RESULTS, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"Results: {os.path.relpath(RESULTS)} (key \"media\")")
    return 0


if __name__ == "__main__":
    sys.exit(main())

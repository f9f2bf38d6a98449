"""A real Velai under gunicorn and Debian's Chromium at phone size, for browser tests
and benchmarks alike."""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
# The 2G link of the budgets: 300 ms round trip, 250 kbit/s down, 100 kbit/s up.
SLOW_2G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8,
           "uploadThroughput": 100_000 / 8}
DEMO = {"ta": ("9876500001", "3917"), "hi": ("9876500002", "3917"), "en": ("9876500003", "3917")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# As `make run`: gthread workers alone, sync workers with FLASK_PROXY_COUNT (behind nginx).
GUNICORN_ARGS = ["-c", os.path.join(ROOT, "deploy", "gunicorn.conf.py")]


def env_for(db_path: str, **extra) -> dict:
    return {**os.environ, "VELAI_DB": db_path, "FLASK_SECRET_KEY": "live-test-secret",
            "FLASK_PASSWORD_HASH": "pbkdf2:sha256:1000", **extra}


def init_db(db_path: str, seed: bool = True) -> None:
    flask = [os.path.join(os.path.dirname(sys.executable), "flask"), "--app", "app"]
    subprocess.run(flask + ["init-db"], cwd=ROOT, env=env_for(db_path), check=True,
                   capture_output=True)
    if seed:
        subprocess.run(flask + ["seed-demo"], cwd=ROOT, env=env_for(db_path), check=True,
                       capture_output=True)


def start_gunicorn(db_path: str, port: int | None = None, **extra_env):
    """gunicorn as `make run` starts it, on loopback; returns (process, base URL) once
    it answers."""
    port = port or _free_port()
    # Its log goes to a file beside the database, not a pipe: nobody reads a pipe that a
    # caller forgets, and a dead server's last words are still there to show.
    log = f"{db_path}.gunicorn-{port}.log"
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), *GUNICORN_ARGS,
             "-b", f"127.0.0.1:{port}", "app:create_app()"],
            cwd=ROOT, env=env_for(db_path, **extra_env), stdout=subprocess.DEVNULL,
            stderr=stderr)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/healthz", proc, log=log)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return proc, url


@contextlib.contextmanager
def server(workdir: str, seed: bool = True, **extra_env):
    """gunicorn as `make run` starts it on a fresh SQLite file (extra_env: e.g.
    FLASK_PROXY_COUNT, as behind nginx); yields the base URL and the database path."""
    db_path = os.path.join(workdir, "velai.db")
    init_db(db_path, seed)
    proc, url = start_gunicorn(db_path, **extra_env)
    try:
        yield url, db_path
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wait_until_up(url: str, proc, tries: int = 100, log: str | None = None) -> None:
    """Wait until `url` answers; RuntimeError (with its stderr, or its `log` file) if
    `proc` dies first."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if proc.poll() is not None:
                if log:
                    with open(log, "rb") as f:
                        raise RuntimeError(f.read().decode()) from None
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {url}")


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and shutil.which(CHROMIUM) is not None


def launch(playwright, *extra_args):
    """Debian's Chromium with the suite's flags, plus `extra_args` (a fake microphone...)."""
    return playwright.chromium.launch(executable_path=CHROMIUM,
                                      args=[*CHROMIUM_ARGS, *extra_args])


class Wire:
    """Bytes on the wire per request, from Chromium's own network events (CDP)."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestWillBeSentExtraInfo", self._sent_headers)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        request = event["request"]
        body = request.get("postData", "")
        entry = self.requests.setdefault(event["requestId"], {"down": None, "status": None})
        entry.update(url=request["url"], method=request["method"], up=len(body.encode()))

    def _sent_headers(self, event):
        """The headers as sent, cookies included: part of what goes up."""
        size = sum(len(k) + len(v) + 4 for k, v in event["headers"].items())
        self.requests.setdefault(event["requestId"], {"url": "", "method": "", "up": 0,
                                                      "down": None, "status": None})
        self.requests[event["requestId"]]["up_headers"] = size

    def _received(self, event):
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["status"] = event["response"]["status"]

    def _finished(self, event):
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["down"] = event["encodedDataLength"]

    def throttle(self, conditions=SLOW_2G, cpu=4):
        self.cdp.send("Network.emulateNetworkConditions", conditions)
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})

    def reset(self):
        self.requests.clear()

    def finished(self):
        """Completed requests; `up` is body plus headers as sent, `down` as received."""
        done = [dict(r) for r in self.requests.values() if r["down"] is not None]
        for r in done:
            r["up"] = r.get("up", 0) + r.get("up_headers", 0)
        return done


def log_in(page, url, lang):
    login, pin = DEMO[lang]
    page.goto(url + "/login")
    page.fill("#login", login)
    page.fill("#password", pin)
    page.click("form.card button.primary")
    page.wait_for_url("**/home")
    # Her first page saves the offline page in her language; let that finish, so that it
    # is not counted in (or cut off by) whatever is measured next.
    page.wait_for_function("() => localStorage.getItem('velai.lang')")

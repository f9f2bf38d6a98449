"""The production front: deploy/nginx.conf with gunicorn behind it. Slow phones that
trickle their requests byte by byte do not hold up anyone else; static files come from
nginx itself, precompressed."""
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from tests import live

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"
SLOW = 40  # far more slow phones than gunicorn has workers (sync, behind nginx) or threads

if not (os.path.exists(NGINX) and os.path.exists(BROTLI)):
    if os.environ.get("CI") == "true":
        raise RuntimeError("nginx missing: apt-get install nginx libnginx-mod-http-brotli-static")
    pytest.skip("nginx missing: apt-get install nginx libnginx-mod-http-brotli-static",
                allow_module_level=True)


def _nginx_config(workdir, port, upstream_port) -> str:
    with open(os.path.join(live.ROOT, "deploy", "nginx.conf")) as f:
        site = f.read()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/srv/velai/", live.ROOT + "/")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    with open(os.path.join(workdir, "velai.conf"), "w") as f:
        f.write(site)
    temp = {name: os.path.join(workdir, name) for name in
            ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    config = os.path.join(workdir, "nginx.conf")
    with open(config, "w") as f:
        f.write(f"""daemon off;
{"user root;" if os.getuid() == 0 else ""}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
load_module {BROTLI};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {workdir}/velai.conf;
}}
""")
    return config


@pytest.fixture
def front(tmp_path):
    """gunicorn on an empty Velai, nginx in front; yields (nginx URL, gunicorn URL)."""
    db_path = str(tmp_path / "velai.db")
    live.init_db(db_path, seed=False)
    server, upstream = live.start_gunicorn(db_path, FLASK_PROXY_COUNT="1")  # as behind it
    port = live._free_port()
    config = _nginx_config(str(tmp_path), port, int(upstream.rsplit(":", 1)[1]))
    check = subprocess.run([NGINX, "-t", "-c", config], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen([NGINX, "-c", config], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        live.wait_until_up(url + "/healthz", nginx)
        yield url, upstream, server
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


class Trickler:
    """Phones on a bad link: each sends its request's body one byte every 0.2 s."""

    def __init__(self, url, count):
        host, port = url.rsplit("//", 1)[1].split(":")
        body = "login=9876500001&password=0000&csrf_token=x" * 4
        self.request = (f"POST /login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/"
                        f"x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n{body}")
        self.sockets = []
        for _ in range(count):  # one by one, so that every gunicorn worker takes its share
            self.sockets.append(socket.create_connection((host, int(port)), timeout=5))
            time.sleep(0.02)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self):
        head, body = self.request.split("\r\n\r\n", 1)
        for sock in self.sockets:  # the headers in one go, then the body byte by byte:
            sock.send(head.encode() + b"\r\n\r\n")  # a request the server has begun
        for char in body:
            for sock in self.sockets:
                try:
                    sock.send(char.encode())
                except OSError:
                    pass
            if self.stop.wait(0.2):
                return

    def __enter__(self):
        self.thread.start()
        time.sleep(1.0)  # every phone is well into its request
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def _answers(url, timeout) -> bool:
    try:
        with urllib.request.urlopen(url + "/login", timeout=timeout) as response:
            return response.status == 200 and b"<form" in response.read()
    except OSError:
        return False


def test_slow_phones_do_not_hold_up_others_behind_nginx(front):
    url, upstream, _server = front
    with Trickler(url, SLOW) as slow:
        assert _answers(url, timeout=10)  # while all of them are still trickling
        assert not slow.stop.is_set() and slow.thread.is_alive()


def test_without_nginx_the_same_slow_phones_hold_every_gunicorn_worker(front):
    """Why the front is there: gunicorn's sync workers give each slow phone a worker."""
    _url, upstream, _server = front
    with Trickler(upstream, SLOW):
        assert not _answers(upstream, timeout=3)


def test_nginx_serves_the_precompressed_static_files_itself(front):
    url, _upstream, server = front
    with urllib.request.urlopen(url + "/login") as response:
        page = response.read().decode()
    css = re.search(r'href="(/static/app\.[0-9a-f]{10}\.css)"', page).group(1)
    server.terminate()  # gunicorn gone: what still answers is nginx alone
    server.wait(timeout=10)
    for encoding in ("br", "gzip"):
        request = urllib.request.Request(url + css, headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Content-Encoding"] == encoding
            assert "immutable" in response.headers["Cache-Control"]
            assert response.headers["Server"].startswith("nginx")

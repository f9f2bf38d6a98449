"""Static files under versioned names, precompressed, cached for a year.

At start-up each file in ASSETS is copied to static/build/ as name.<hash>.ext
with .br and .gz beside it; WhiteNoise serves them with an immutable cache
header. Templates ask for `asset("app.css")` and get the versioned URL.
"""
import gzip
import hashlib
import os
import re

import brotli
from flask import current_app
from whitenoise import WhiteNoise

ASSETS = ("app.css", "app.js", "review.js", "capture.js", "vendor/htmx-2.0.11.min.js",
          "icon.svg", "icon-192.png", "icon-512.png")
_HASHED = re.compile(r"\.[0-9a-f]{10}\.\w+$")


_TRAILING_COMMENT = re.compile(r"(?m)(\S)  // .*$")  # our style: two spaces, then //


def lean_js(text: str) -> str:
    """Our own script without its comments and indentation: the comments are for us, not
    for a phone paying for every byte. Whole-line // comments go, and those that end a
    line after two spaces (no string of ours holds two spaces and //)."""
    text = _TRAILING_COMMENT.sub(r"\1", text)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


def build(static_dir: str) -> dict:
    """Write versioned, compressed copies of ASSETS; return logical -> built name."""
    out_dir = os.path.join(static_dir, "build")
    # Half-written copies live beside build/, not in it: another worker starting at the
    # same moment lists build/ (WhiteNoise) and must never see a file vanish under it.
    tmp_dir = os.path.join(static_dir, ".build-tmp")
    os.makedirs(out_dir, exist_ok=True)
    os.makedirs(tmp_dir, exist_ok=True)
    manifest = {}
    for name in ASSETS:
        with open(os.path.join(static_dir, name), "rb") as f:
            data = f.read()
        if name.endswith(".js") and not name.startswith("vendor/"):
            data = lean_js(data.decode("utf-8")).encode("utf-8")
        stem, ext = os.path.splitext(os.path.basename(name))
        built = f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}{ext}"
        target = os.path.join(out_dir, built)
        if not os.path.exists(target):
            for suffix, body in (("", data), (".gz", gzip.compress(data, 9, mtime=0)),
                                 (".br", brotli.compress(data, quality=11))):
                tmp = os.path.join(tmp_dir, f"{built}{suffix}.{os.getpid()}.tmp")
                with open(tmp, "wb") as f:
                    f.write(body)
                os.replace(tmp, target + suffix)  # atomic: workers may race at start
        manifest[name] = built
    return manifest


def asset(name: str) -> str:
    """The versioned URL of a file in ASSETS (templates' asset())."""
    return "/static/" + current_app.extensions["assets"][name]


def init_app(app):
    static_dir = os.path.join(app.root_path, "static")
    app.extensions["assets"] = build(static_dir)
    app.wsgi_app = WhiteNoise(
        app.wsgi_app, root=os.path.join(static_dir, "build"), prefix="static/",
        max_age=365 * 24 * 3600, immutable_file_test=lambda path, url: bool(_HASHED.search(url)))

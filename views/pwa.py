"""The installable shell: web app manifest, service worker, offline page."""
import json
import os

from flask import Blueprint, current_app, g, make_response, render_template, request
from flask_babel import gettext as _

from .assets import asset, lean_js
from .guards import public
from .render import htmx

bp = Blueprint("pwa", __name__)


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """Anyone: what a phone needs to add Velai to its home screen."""
    body = {
        "name": _("Velai"), "short_name": _("Velai"), "start_url": "/", "scope": "/",
        "display": "standalone", "theme_color": "#0b6e4f", "background_color": "#f6f5f2",
        "icons": [{"src": asset(f"icon-{size}.png"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any maskable"} for size in (192, 512)],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.content_type = "application/manifest+json"
    response.cache_control.max_age = 86400
    return response


@bp.get("/sw.js")
@public
def service_worker():
    """Anyone: the service worker, with this release's asset names to keep offline.

    Served from the root so its scope is the whole site; never cached, so a new
    release reaches phones on their next visit.
    """
    shell = [asset(name) for name in ("app.css", "app.js", "vendor/htmx-2.0.11.min.js")]
    with open(os.path.join(current_app.root_path, "static", "sw.js"), encoding="utf-8") as f:
        # Not /offline: app.js keeps that page, in the language of the page she is on.
        script = lean_js(f.read()).replace("__SHELL__", json.dumps(shell))
    response = make_response(script)
    response.content_type = "text/javascript"
    response.cache_control.no_cache = True
    response.add_etag()  # the phone's update check then costs a 304, not the script
    return response.make_conditional(request)


@bp.get("/offline")
@public
def offline():
    """Anyone: what the phone shows when a page cannot load for want of signal."""
    return render_template("offline.html")


@bp.after_app_request
def _not_for_the_next_person(response):
    """A logged-in person's pages are never stored by the browser's own cache, so that Back
    after logout on a shared phone asks the server (which says: log in) instead of showing
    her page, her key in it. The service worker keeps what she needs offline, and app.js
    drops it at logout."""
    if g.get("user") and not htmx and response.mimetype == "text/html" \
            and request.endpoint != "pwa.offline":
        response.headers.setdefault("Cache-Control", "no-store")
    return response

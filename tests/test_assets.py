"""Our own script as phones get it: comments and indentation are ours, not theirs to pay for."""
import re

import brotli

from views.assets import lean_js


def test_lean_script_drops_whole_line_and_trailing_comments_but_keeps_code_and_strings():
    source = ("  // a whole line\n"
              "var a = 1;  // after two spaces\n"
              "var u = 'http://x';\n"
              "    if (a) { go(); }\n")
    assert lean_js(source) == "var a = 1;\nvar u = 'http://x';\nif (a) { go(); }\n"


def test_no_string_in_our_scripts_holds_what_reads_as_a_trailing_comment():
    for name in ("static/app.js", "static/sw.js", "static/review.js", "static/capture.js"):
        with open(name, encoding="utf-8") as f:
            for line in f:
                if line.lstrip().startswith("//") or "  // " not in line:
                    continue
                code = line.split("  // ")[0]
                assert code.count("'") % 2 == 0 and code.count('"') % 2 == 0, line


def _sent(names) -> int:
    sent = 0
    for name in names:
        with open(f"static/{name}", encoding="utf-8") as f:
            sent += len(brotli.compress(lean_js(f.read()).encode(), quality=11))
    return sent


def test_every_page_keeps_our_own_script_under_three_kilobytes(visitor, make_user):
    """DESIGN.md: htmx plus at most 3 KB of our own, counted from the scripts each page
    names: an annotator's pages app.js, the review queue review.js (staff pages go without
    app.js, which is the annotator's)."""
    ours = re.compile(r'<script src="/static/([a-z]+)\.[0-9a-f]+\.js"')
    visitor.login(make_user())
    worker = ours.findall(visitor.get("/", follow_redirects=True).get_data(as_text=True))
    visitor.login(make_user(role="supervisor"))
    queue = ours.findall(visitor.get("/supervisor/review").get_data(as_text=True))
    assert worker == ["app"] and queue == ["review"]
    for names in (worker, queue):
        assert _sent(f"{n}.js" for n in names) <= 3 * 1024, names


def test_the_recording_pages_own_script_stays_under_4_kb_compressed():
    with open("static/capture.js", encoding="utf-8") as f:
        lean = lean_js(f.read()).encode("utf-8")
    assert len(brotli.compress(lean, quality=11)) <= 4 * 1024

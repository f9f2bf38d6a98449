"""Our own script as phones get it: comments and indentation are ours, not theirs to pay for."""
import brotli

from views.assets import lean_js


def test_lean_script_drops_whole_line_and_trailing_comments_but_keeps_code_and_strings():
    source = ("  // a whole line\n"
              "var a = 1;  // after two spaces\n"
              "var u = 'http://x';\n"
              "    if (a) { go(); }\n")
    assert lean_js(source) == "var a = 1;\nvar u = 'http://x';\nif (a) { go(); }\n"


def test_no_string_in_our_scripts_holds_what_reads_as_a_trailing_comment():
    for name in ("static/app.js", "static/sw.js", "static/review.js"):
        with open(name, encoding="utf-8") as f:
            for line in f:
                if line.lstrip().startswith("//") or "  // " not in line:
                    continue
                code = line.split("  // ")[0]
                assert code.count("'") % 2 == 0 and code.count('"') % 2 == 0, line


def test_the_review_page_keeps_our_own_script_under_three_kilobytes():
    """DESIGN.md: htmx plus at most 3 KB of our own. The review queue is the one page that
    loads a second script of ours (its keys), so app.js and review.js together, as sent."""
    sent = 0
    for name in ("static/app.js", "static/review.js"):
        with open(name, encoding="utf-8") as f:
            sent += len(brotli.compress(lean_js(f.read()).encode(), quality=11))
    assert sent <= 3 * 1024, sent

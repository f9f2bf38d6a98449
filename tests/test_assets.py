"""Our own script as phones get it: comments and indentation are ours, not theirs to pay for."""
from views.assets import lean_js


def test_lean_script_drops_whole_line_and_trailing_comments_but_keeps_code_and_strings():
    source = ("  // a whole line\n"
              "var a = 1;  // after two spaces\n"
              "var u = 'http://x';\n"
              "    if (a) { go(); }\n")
    assert lean_js(source) == "var a = 1;\nvar u = 'http://x';\nif (a) { go(); }\n"


def test_no_string_in_our_scripts_holds_what_reads_as_a_trailing_comment():
    for name in ("static/app.js", "static/sw.js", "static/capture.js"):
        with open(name, encoding="utf-8") as f:
            for line in f:
                if line.lstrip().startswith("//") or "  // " not in line:
                    continue
                code = line.split("  // ")[0]
                assert code.count("'") % 2 == 0 and code.count('"') % 2 == 0, line


def test_the_recording_pages_own_script_stays_under_4_kb_compressed():
    import brotli
    with open("static/capture.js", encoding="utf-8") as f:
        lean = lean_js(f.read()).encode("utf-8")
    assert len(brotli.compress(lean, quality=11)) <= 4 * 1024

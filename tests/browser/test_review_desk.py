"""Review at desk speed (#15), in real Chromium at 1366x768: the queue is a dense table,
and a supervisor decides 100 answers by keys, each row changing in place and the next one
taking the focus, the next rows coming in as she goes: no page load, and at most 120
keystrokes or clicks. The same page without JavaScript still decides by plain forms."""
import datetime as dt
import sqlite3
import time

from core.db import register_functions
from core.demo import ACCOUNTS

SECRETS = {login: secret for login, secret, *_ in ACCOUNTS}
DESK = {"viewport": {"width": 1366, "height": 768}, "is_mobile": False, "has_touch": False}
ANSWERS = 100
REJECT_EVERY = 10  # one answer in ten rejected: r, then 1 (the first reason)
SLUG = "tamil-review-sentiment"

# The row she is on, still to decide and not already sent: where her next key goes.
_FOCUSED_OPEN_ROW = ("() => { const e = document.activeElement; return !!e && e.matches("
                     "'li.review:not([aria-busy])') && !!e.querySelector('.actions'); }")


def _connect(server):
    """A connection of the test's own, with the SQL functions the schema's triggers call."""
    conn = sqlite3.connect(server.db_path, timeout=10)
    register_functions(conn)
    return conn


def _answers_to_review(server, n):
    """n answers waiting for review from a new Karur annotator, drawn by the random
    sample, on new tasks of the demo's Tamil project (added to hers when another test
    made her already); her id."""
    who = server.user_id("9876500777") or server.add_annotator(
        "9876500777", "Desk Test", "ta", "KRR")
    project = server.value("SELECT id FROM projects WHERE slug = ?", (SLUG,))
    conn = _connect(server)
    now = dt.datetime.now(dt.timezone.utc)
    with conn:
        for i in range(n):
            at = (now - dt.timedelta(minutes=n - i)).strftime("%Y-%m-%d %H:%M:%S")
            task = conn.execute("INSERT INTO tasks (project_id, payload_text, created_at)"
                                " VALUES (?, ?, ?)", (project, f"கருத்து எண் {i}", at)).lastrowid
            conn.execute("INSERT INTO assignments (task_id, user_id, project_id, state,"
                         " claimed_at, lease_expires_at, answer, submitted_at, seconds_spent,"
                         " review_state, review_reason, pay_paise) VALUES (?, ?, ?, 'submitted',"
                         " ?, ?, 'positive', ?, 30, 'pending', 'sample', 50)", (task, who, project, at, at, at))
    conn.close()
    return who


def _log_in(page, url, login):
    page.goto(url + "/login")
    page.fill("#login", login)
    page.fill("#password", SECRETS[login])
    page.locator("form.card button.primary").click()
    page.wait_for_url(lambda u: "/login" not in u)


def test_a_hundred_answers_reviewed_by_keys_at_a_desk(server, open_phone, checks):
    who = _answers_to_review(server, ANSWERS + 20)
    page = open_phone("ta", **DESK)
    _log_in(page, server.url, "meena")
    page.goto(f"{server.url}/supervisor/review?annotator={who}")

    # The dense table: one row per answer, 40-60 px, the task and answer side by side.
    rows = page.locator("li.review")
    assert rows.count() >= 25, page.locator("main").inner_text()[:800]
    boxes = [rows.nth(n).bounding_box() for n in range(rows.count())]
    heights = sorted(round(b["height"]) for b in boxes)
    assert 36 <= heights[0] and heights[-1] <= 60, heights
    task, said = (rows.first.locator(sel).bounding_box() for sel in (".task", ".said"))
    assert abs(task["y"] - said["y"]) < 20 and said["x"] > task["x"] + task["width"]
    in_view = sum(1 for b in boxes if b["y"] + b["height"] <= 768)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366, page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > 1366).slice(0, 5).map(e => e.outerHTML.slice(0, 120))")
    checks.axe(page, "ta review queue at a desk")
    assert page.locator("p.keys").is_visible()

    # No page load from here on: the marker would be gone, and loads are counted.
    page.evaluate("window.stillHere = 1")
    loads = []
    page.on("load", lambda: loads.append(page.url))
    failed = []
    page.on("response", lambda r: r.status >= 300 and failed.append((r.status, r.url)))
    keys = 0
    started = time.monotonic()
    for n in range(ANSWERS):
        page.wait_for_function(_FOCUSED_OPEN_ROW)
        if n % REJECT_EVERY == REJECT_EVERY - 1:
            page.keyboard.press("r")
            page.keyboard.press("1")
            keys += 2
        else:
            page.keyboard.press("a")
            keys += 1
    decided = 0
    for _ in range(200):
        decided = server.value("SELECT count(*) FROM assignments WHERE user_id = ?"
                               " AND review_state != 'pending'", (who,))
        if decided >= ANSWERS:
            break
        page.wait_for_timeout(50)
    seconds = time.monotonic() - started
    print(f"\n{ANSWERS} answers reviewed at 1366x768 with {keys} keystrokes and 0 clicks,"
          f" {len(loads)} page loads, in {seconds:.1f} s; rows {heights[0]}-{heights[-1]} px,"
          f" {len(boxes)} rows on the first page,"
          f" {in_view} in view")
    assert keys <= 120
    assert not failed, failed
    assert decided == ANSWERS
    states = {row["review_state"]: row["n"] for row in server.query(
        "SELECT review_state, count(*) AS n FROM assignments WHERE user_id = ?"
        " GROUP BY review_state", (who,))}
    assert states == {"accepted": 90, "rejected": 10, "pending": 20}
    assert server.value("SELECT count(*) FROM assignments WHERE user_id = ?"
                        " AND reject_reason = 'wrong_answer'", (who,)) == 10
    assert not loads and page.evaluate("window.stillHere") == 1, loads
    assert not page.js_errors and not page.console_errors, (page.js_errors,
                                                            page.console_errors)


def test_the_desk_queue_decides_without_javascript(server, open_phone):
    who = server.user_id("9876500777") or _answers_to_review(server, 3)
    page = open_phone("ta", java_script_enabled=False, **DESK)
    _log_in(page, server.url, "meena")
    page.goto(f"{server.url}/supervisor/review?annotator={who}")
    first = page.locator("li.review").first
    row_id = int(first.get_attribute("id")[1:])
    assert not page.locator("p.keys").is_visible(), "no keys without the script"
    with page.expect_navigation():
        first.locator("button.primary").click()
    assert "/supervisor/review" in page.url
    assert server.value("SELECT review_state FROM assignments WHERE id = ?",
                        (row_id,)) == "accepted"
    second = page.locator("li.review").first
    second_id = int(second.get_attribute("id")[1:])
    second.locator("summary").click()
    second.locator('input[value="instructions"]').check()
    with page.expect_navigation():
        second.locator("form button:not(.primary)").last.click()
    assert server.value("SELECT reject_reason FROM assignments WHERE id = ?",
                        (second_id,)) == "instructions"


def test_on_a_phone_the_queue_stays_one_answer_a_card(server, open_phone, checks):
    who = server.user_id("9876500777") or _answers_to_review(server, 3)
    page = open_phone("ta")
    _log_in(page, server.url, "meena")
    page.goto(f"{server.url}/supervisor/review?annotator={who}")
    checks.page(page, "ta", "ta review queue on a phone")
    card = page.locator("li.review").first.bounding_box()
    assert card["width"] > 300 and card["height"] > 150, card
    assert not page.locator("p.keys").is_visible()


def test_on_a_phone_accept_all_asks_says_and_undoes(server, open_phone, checks, lang_text):
    said = lang_text("ta")
    # Three more of hers waiting, whatever the tests before decided of hers.
    who = _answers_to_review(server, 3)
    conn = _connect(server)
    with conn:  # two of hers given in a second: under the project's minimum
        conn.execute("UPDATE assignments SET seconds_spent = 1 WHERE id IN (SELECT id FROM"
                     " assignments WHERE user_id = ? AND review_state = 'pending' LIMIT 2)",
                     (who,))
    conn.close()
    waiting = server.value("SELECT count(*) FROM assignments WHERE user_id = ?"
                           " AND review_state = 'pending'", (who,))
    page = open_phone("ta")
    _log_in(page, server.url, "meena")
    page.goto(f"{server.url}/supervisor/review?annotator={who}")
    page.locator('form[action="/supervisor/review/accept-all"] button').tap()
    page.wait_for_url("**/supervisor/review/accept-all?**")
    checks.page(page, "ta", "ta accept all, the question")
    text = page.locator("main").inner_text()
    assert said.n_("%(num)d of them was given faster than the project's minimum time"
                   " (%(amount)s). It is left waiting unless you tick the box.",
                   "%(num)d of them were given faster than the project's minimum time"
                   " (%(amount)s). They are left waiting unless you tick the box.", 2,
                   amount="₹1.00") in text
    assert not page.locator("input[name=with_fast]").is_checked()
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**bulk=**")
    checks.page(page, "ta", "ta review queue after accept all")
    done = waiting - 2
    assert said.n_("%(num)d answer accepted: %(amount)s.", "%(num)d answers accepted:"
                   " %(amount)s.", done, amount=f"₹{done * 50 // 100}.{done * 50 % 100:02d}") \
        in page.locator(".note.bulk").inner_text()
    assert server.value("SELECT count(*) FROM assignments WHERE user_id = ?"
                        " AND review_state = 'pending'", (who,)) == 2
    page.locator(".note.bulk button").tap()
    page.wait_for_url("**/supervisor/review/bulk?undone=**")
    checks.page(page, "ta", "ta bulk decisions after an undo")
    assert server.value("SELECT count(*) FROM assignments WHERE user_id = ?"
                        " AND review_state = 'pending'", (who,)) == waiting

"""An annotator's day on a phone, in each language: log in, ten tasks, earnings, log out.

Every page she sees is checked: her language, no sideways scroll, big enough
targets, no serious accessibility fault. Every answer is one small request.
"""
import pytest

import live
from tests.browser.conftest import log_out

# Each language's demo annotator and the single-choice project she starts.
JOURNEYS = {
    "ta": ("9876500001", "tamil-review-sentiment"),
    "hi": ("9876500002", "hindi-headline-topic"),
    "en": ("9876500003", "leaf-health-photos"),  # pictures
}
TASKS = 10
MAX_CYCLE_BYTES = 2048  # each way, per answer


@pytest.mark.parametrize("lang", list(JOURNEYS))
def test_a_day_of_work_on_a_phone(lang, server, open_phone, checks, lang_text, phone_tools,
                                  capsys):
    login, slug = JOURNEYS[lang]
    said = lang_text(lang)
    page = open_phone(lang)
    user_id = server.user_id(login)

    page.goto(server.url + "/login")
    checks.page(page, lang, f"{lang} login")
    phone_tools.log_in(page, server.url, login)

    checks.page(page, lang, f"{lang} home")
    today = page.locator("main > .today").inner_text()
    assert said.today(0) in today, today
    start = page.locator(f'a.button.primary[href="/tasks/{slug}/next"]')
    assert start.count() == 1, f"{lang} home: no Start for {slug}"
    start.tap()
    page.wait_for_url(f"**/tasks/{slug}/next")

    checks.page(page, lang, f"{lang} task")
    # Open "How to answer" and "Skip or report": what they show must pass too.
    for summary in page.locator("#task summary").all():
        summary.tap()
    checks.page(page, lang, f"{lang} task, details open")

    wire = live.Wire(page)
    cycles = []
    for n in range(1, TASKS + 1):
        cycle = phone_tools.answer_once(page, wire, n)
        cycles.append(cycle)
        where = f"{lang} task cycle {n}"
        posts = cycle["answers"]
        assert len(posts) == 1, f"{where}: {len(posts)} requests to /answers/: {posts}"
        post = posts[0]
        assert post["method"] == "POST" and post["status"] == 200, f"{where}: {post}"
        assert post["up"] <= MAX_CYCLE_BYTES, f"{where}: {post['up']} bytes up"
        assert post["down"] <= MAX_CYCLE_BYTES, f"{where}: {post['down']} bytes down"
        line = page.locator("#task .today").inner_text()
        assert said.today(n) in line, f"{where}: {line!r}, wanted {said.today(n)!r}"
        said.assert_in_language(line, f"{where}: the Today line")
    checks.page(page, lang, f"{lang} task after {TASKS} answers")

    assert server.submitted(user_id) == TASKS
    assert server.value("SELECT count(*) FROM assignments WHERE user_id = ? AND state ="
                        " 'submitted' AND answer IS NOT NULL"
                        " AND submitted_at >= datetime('now', '-1 day')", (user_id,)) == TASKS

    page.locator('nav a[href="/earnings"]').tap()
    page.wait_for_url("**/earnings")
    checks.page(page, lang, f"{lang} earnings")
    assert said.today(TASKS) in page.locator("main > .today").inner_text()

    log_out(page)
    page.wait_for_url("**/login")
    checks.page(page, lang, f"{lang} login after logging out")

    for errors in (page.js_errors, page.console_errors):
        assert not errors, errors
    with capsys.disabled():
        print(f"\n[{lang}] checked: {', '.join(checks.seen)}")
        print(f"[{lang}] answer request up/down bytes: " + ", ".join(
            f"{c['answers'][0]['up']}/{c['answers'][0]['down']}" for c in cycles))
        print(f"[{lang}] tap-to-next seconds (no throttling): " + ", ".join(
            f"{c['seconds']:.2f}" for c in cycles))

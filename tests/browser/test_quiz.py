"""The demo Hindi trainee on a 360 px phone, with JavaScript and without: practice, an
exam she fails, told when to retry, a supervisor's reset, a pass, paid tasks at once.

With JavaScript each exam answer is one request (htmx) of at most 2 KB each way;
without, each is a form post and a 303. Every screen is checked in Hindi."""
import json

import pytest

import live
from core import demo

TRAINEE = next(t for t in demo.TRAINEES if t[4] == "hi")  # login, PIN, role, name, lang, centre
SUPERVISOR = next(a for a in demo.ACCOUNTS if a[2] == "supervisor" and a[5] == TRAINEE[5])
PROJECT = {True: "hindi-is-it-a-question", False: "hindi-headline-topic"}  # one per run
MAX_CYCLE_BYTES = 2048


def _check(checks, page, where, js):
    """Every check of every page; axe-core only with JavaScript on (its run waits on
    timers that never fire in a page without scripts; the markup is the same)."""
    if js:
        checks.page(page, "hi", where)
        return
    assert page.evaluate("document.documentElement.lang") == "hi", where
    assert page.evaluate("document.documentElement.scrollWidth") <= live.PHONE["viewport"][
        "width"], f"{where}: sideways scroll"
    checks.targets(page, where)


def _right_answers(server, user_id, slug):
    """Her open attempt's right answers, by position."""
    rows = server.query(
        "SELECT aq.position, q.answers FROM quiz_attempt_questions aq"
        " JOIN quiz_questions q ON q.id = aq.question_id WHERE aq.attempt_id ="
        " (SELECT max(a.id) FROM quiz_attempts a JOIN projects p ON p.id = a.project_id"
        "  WHERE a.user_id = ? AND p.slug = ?) ORDER BY aq.position", (user_id, slug))
    return [json.loads(row["answers"])[0] for row in rows]


def _exam(page, server, said, user_id, slug, right, js, checks):
    """Answer every question (rightly or not); the cycles' requests with JavaScript."""
    answers = _right_answers(server, user_id, slug)
    total = len(answers)
    wire = live.Wire(page) if js else None
    cycles = []
    for n, good in enumerate(answers, 1):
        progress = page.locator("#quiz .meta").inner_text()
        assert said._("Question %(num)s of %(total)s", num=n, total=total) in progress, progress
        if n == 1:
            _check(checks, page, f"exam question (js={js})", js)
        buttons = page.locator("#quiz form.answers button[name=answer]")
        values = [buttons.nth(i).get_attribute("value") for i in range(buttons.count())]
        choice = good if right else next(v for v in values if v != good)
        if wire:
            wire.reset()
        page.locator(f'#quiz form.answers button[value="{choice}"]').tap()
        if n < total:
            page.wait_for_function(
                "t => document.querySelector('#quiz .meta').textContent.includes(t)",
                arg=said._("Question %(num)s of %(total)s", num=n + 1, total=total))
        else:
            page.wait_for_selector("#quiz h2, #quiz .done + .done, #quiz .error")
        if wire:
            posts = [r for r in wire.finished() if "/exam/" in r["url"]]
            for _ in range(100):
                if posts:
                    break
                page.wait_for_timeout(20)
                posts = [r for r in wire.finished() if "/exam/" in r["url"]]
            started = [r for r in wire.requests.values() if "/quiz/" in r.get("url", "")]
            assert len(started) == 1 and len(posts) == 1, f"question {n}: {started}"
            assert posts[0]["up"] <= MAX_CYCLE_BYTES, f"question {n}: {posts[0]['up']} B up"
            assert posts[0]["down"] <= MAX_CYCLE_BYTES, f"question {n}: {posts[0]['down']} B down"
            cycles.append(posts[0])
    if not js:
        page.wait_for_url("**/result/*")
    else:  # the figures, for the record (pytest -s shows them)
        print(f"quiz cycle ({slug}): 1 request per answer, up max"
              f" {max(c['up'] for c in cycles)} B, down max {max(c['down'] for c in cycles)} B")


def _supervisor_resets(open_phone, server, checks, said, slug, name):
    page = open_phone("hi")
    page.goto(server.url + "/login")
    page.fill("#login", SUPERVISOR[0])
    page.fill("#password", SUPERVISOR[1])
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/supervisor/")
    project_id = server.value("SELECT id FROM projects WHERE slug = ?", (slug,))
    page.goto(server.url + "/supervisor/quiz/")
    checks.page(page, "hi", "supervisor quizzes")
    page.locator(f'a[href="/supervisor/quiz/{project_id}/trainees"]').tap()
    page.wait_for_url(f"**/supervisor/quiz/{project_id}/trainees")
    checks.page(page, "hi", "supervisor trainees")
    person = page.locator("main section.card", has_text=name)
    person.locator("button").tap()
    page.wait_for_selector("main .note")
    assert page.locator("main .note").inner_text() == said._(
        "Tries reset. The trainee may take the quiz now.")


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_hindi_trainee_practises_fails_is_reset_passes_and_gets_paid_tasks(
        js, server, open_phone, checks, lang_text, phone_tools):
    login, pin, _role, name, _lang, _centre = TRAINEE
    slug = PROJECT[js]
    said = lang_text("hi")
    user_id = server.user_id(login)
    page = open_phone("hi", java_script_enabled=js)
    phone_tools.log_in(page, server.url, login, pin)
    _check(checks, page, f"trainee home (js={js})", js)
    assert said._("Training") in page.locator("main").inner_text()
    assert page.locator(f'a[href="/tasks/{slug}/next"]').count() == 0

    # Practice: each answer brings its explanation; nothing is scored.
    page.locator(f'a[href="/quiz/{slug}/practice/1"]').first.tap()
    page.wait_for_url(f"**/quiz/{slug}/practice/1")
    _check(checks, page, f"practice question (js={js})", js)
    for number in range(1, 4):
        page.locator("#quiz form.answers button[name=answer]").first.tap()
        page.wait_for_selector("#quiz .note")
        said.assert_in_language(page.locator("#quiz .note").inner_text(), "explanation")
        if number == 1:
            _check(checks, page, f"practice explained (js={js})", js)
        page.locator("#quiz a.button.primary").tap()
        if number < 3:
            page.wait_for_url(f"**/practice/{number + 1}")
            page.wait_for_selector("#quiz form.answers")
    page.wait_for_url(f"**/quiz/{slug}")
    assert server.value("SELECT count(*) FROM quiz_attempts a JOIN projects p"
                        " ON p.id = a.project_id WHERE a.user_id = ? AND p.slug = ?",
                        (user_id, slug)) == 0

    # The exam, failed.
    _check(checks, page, f"quiz overview (js={js})", js)
    page.locator("form.actions button.primary").tap()
    page.wait_for_url(f"**/quiz/{slug}/exam")
    _exam(page, server, said, user_id, slug, right=False, js=js, checks=checks)
    body = page.locator("#quiz").inner_text()
    wait = said._("You may take the quiz again on %(when)s.", when="\x00").split("\x00")
    assert wait[0] in body and wait[1] in body, body
    said.assert_in_language(body, "failed result")
    _check(checks, page, f"failed result (js={js})", js)
    assert server.value("SELECT passed FROM quiz_attempts WHERE id = (SELECT max(id)"
                        " FROM quiz_attempts WHERE user_id = ?)", (user_id,)) == 0

    # Her supervisor lets her try again; she passes; paid work opens at once.
    _supervisor_resets(open_phone, server, checks, said, slug, name)
    page.goto(f"{server.url}/quiz/{slug}")
    page.locator("form.actions button.primary").tap()
    page.wait_for_url(f"**/quiz/{slug}/exam")
    _exam(page, server, said, user_id, slug, right=True, js=js, checks=checks)
    assert said._("You passed! The paid tasks are open for you now.") in \
        page.locator("#quiz").inner_text()
    _check(checks, page, f"passed result (js={js})", js)
    page.locator(f'#quiz a[href="/tasks/{slug}/next"]').tap()
    page.wait_for_url(f"**/tasks/{slug}/next")
    # Her count for today: one more than before, whichever run came first (or alone).
    done = server.submitted(user_id) + 1
    page.locator("#task form.answers button[name=answer]").first.tap()
    page.wait_for_function("t => document.querySelector('#task .today')"
                           " && document.querySelector('#task .today').textContent.includes(t)",
                           arg=said.today(done))
    assert server.submitted(user_id) == done
    assert not page.js_errors, page.js_errors

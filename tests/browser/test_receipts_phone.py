"""The phone as a second copy: an answer the server acknowledged stays on the phone with
its receipt, and when a restarted server (restored from its replica) has lost it, the
phone sends it again and it is stored once (static/app.js, core/receipts.py)."""
import json
import os
import signal
import sqlite3
import time

from core.db import register_functions


def _lose(server, assignment_id):
    """What a restore from a replica a second behind does to her last answer."""
    conn = sqlite3.connect(server.db_path, timeout=10)
    register_functions(conn)  # the quality triggers compare answers through it
    with conn:
        task = conn.execute("SELECT task_id FROM assignments WHERE id = ?",
                            (assignment_id,)).fetchone()[0]
        conn.execute("DELETE FROM assignments WHERE id = ?", (assignment_id,))
        conn.execute("UPDATE tasks SET answers_count = answers_count - 1, status = 'open'"
                     " WHERE id = ?", (task,))
    conn.close()
    return task


def _processes():
    """pid -> (parent pid, command line) of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                found[int(entry)] = (parent, f.read().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            pass
    return found


def _restart_workers(url):
    """The server starts again on the same database (gunicorn's HUP: new workers, which
    start after her answer was stored), as after a restore."""
    port = url.rsplit(":", 1)[1]
    table = _processes()
    master = next(pid for pid, (_parent, command) in table.items()
                  if "gunicorn" in command and f"127.0.0.1:{port}" in command
                  and table.get(_parent, (0, ""))[1].find("gunicorn") < 0)
    old = {pid for pid, (parent, _c) in table.items() if parent == master}
    os.kill(master, signal.SIGHUP)
    deadline = time.monotonic() + 30
    while True:
        now = {pid for pid, (parent, _c) in _processes().items() if parent == master}
        if now and not now & old:
            return
        assert time.monotonic() < deadline, "gunicorn did not restart its workers"
        time.sleep(0.2)


def test_an_answer_lost_with_the_server_comes_back_from_her_phone(server, open_phone,
                                                                 phone_tools):
    login, slug = "9876500001", "tamil-review-sentiment"
    user_id = server.user_id(login)
    page = open_phone("ta")
    phone_tools.log_in(page, server.url, login)
    page.goto(f"{server.url}/tasks/{slug}/next")
    first = int(phone_tools.card(page)["action"].rsplit("/", 1)[1])
    page.locator("#task form.answers button[name=answer]").first.tap()
    page.wait_for_function(f"() => !document.querySelector('#task form[action$=\"/{first}\"]')")
    answer = server.value("SELECT answer FROM assignments WHERE id = ?", (first,))
    # Acknowledged and kept, sealed: only its id can be read on the phone.
    stored = f"localStorage.getItem('velai.queue.{user_id}')"
    page.wait_for_function(f"() => ({stored} || '').indexOf('{first}') > 0")
    kept = json.loads(page.evaluate(stored))
    assert [item["id"] for item in kept] == [first] and "c" in kept[0]
    assert page.locator("#queue").is_hidden()  # nothing waits to be sent: no note

    task = _lose(server, first)
    time.sleep(1.1)  # the restarted server's start is a later second than her answer
    _restart_workers(server.url)
    second = int(phone_tools.card(page)["action"].rsplit("/", 1)[1])
    page.locator("#task form.answers button[name=answer]").first.tap()
    deadline = time.monotonic() + 15
    while server.value("SELECT count(*) FROM assignments WHERE user_id = ? AND task_id = ?"
                       " AND state = 'submitted'", (user_id, task)) != 1:
        assert time.monotonic() < deadline, "the kept answer never came back"
        time.sleep(0.1)
    assert server.value("SELECT answer FROM assignments WHERE user_id = ? AND task_id = ?",
                        (user_id, task)) == answer
    assert server.value("SELECT state FROM assignments WHERE id = ?", (second,)) == "submitted"
    assert server.value("SELECT answers_count FROM tasks WHERE id = ?", (task,)) >= 1
    assert not page.js_errors, page.js_errors

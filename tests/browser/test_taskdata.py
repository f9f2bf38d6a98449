"""Meena, in Tamil on a 360 px phone, imports a CSV of Tamil sentences from the browser; a
new annotator then gets them as tasks; Meena downloads the export, which reads back as
Excel would read it, with the Tamil intact."""
import csv
import io
import sqlite3
from tests.browser.conftest import open_screen

SLUG = "tamil-review-sentiment"
SENTENCES = ["புதிய கடையில் காய்கறிகள் புதிதாக இருந்தன.",
             "பேருந்து நிலையம் அருகே உள்ள உணவகம் சுத்தமாக இல்லை.",
             "=மருந்துக் கடைக்காரர் அன்பாகப் பேசினார்."]


def _close_the_demo_tasks(db_path):
    """The demo's own tasks of the project are finished, so the new ones come next."""
    conn = sqlite3.connect(db_path, timeout=10)
    with conn:
        conn.execute("UPDATE tasks SET status = 'done' WHERE status = 'open' AND project_id ="
                     " (SELECT id FROM projects WHERE slug = ?)", (SLUG,))
    conn.close()


def _meena_logs_in(page, url):
    page.goto(url + "/login")
    page.fill("#login", "meena")
    page.fill("#password", "velai-demo")
    page.locator("form.card button.primary").tap()
    page.wait_for_url("**/supervisor/")


def test_meena_imports_tamil_sentences_an_annotator_answers_them_and_she_exports(
        server, open_phone, checks, lang_text, phone_tools, tmp_path):
    said = lang_text("ta")
    _close_the_demo_tasks(server.db_path)
    project_id = server.value("SELECT id FROM projects WHERE slug = ?", (SLUG,))
    page = open_phone("ta")
    _meena_logs_in(page, server.url)

    open_screen(page, "/supervisor/data")
    page.wait_for_url("**/supervisor/data")
    checks.page(page, "ta", "ta task data")
    page.locator(f'a[href="/supervisor/projects/{project_id}/import"]').tap()
    page.wait_for_url(f"**/projects/{project_id}/import")
    checks.page(page, "ta", "ta import form")

    # First a file with a wrong column: refused, every problem listed, nothing written.
    before = server.value("SELECT count(*) FROM tasks")
    page.set_input_files("#file", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                          "buffer": "வாக்கியம்\nஒன்று\n".encode()}])
    with page.expect_navigation():
        page.locator("form.card button.primary").tap()
    assert said._("Nothing was imported.") in page.inner_text("main")
    assert said._("Line %(line)s", line="1") in page.inner_text("main")
    assert server.value("SELECT count(*) FROM tasks") == before
    checks.page(page, "ta", "ta import refused")

    body = "\ufeffid,text\n" + "".join(f"m-{i},{s}\n" for i, s in enumerate(SENTENCES))
    page.set_input_files("#file", files=[{"name": "kadai.csv", "mimeType": "text/csv",
                                          "buffer": body.encode()}])
    page.locator("form.card button.primary").tap()
    page.wait_for_url(f"**/projects/{project_id}/import/*")
    result = page.inner_text("main")
    assert said.n_("%(num)d task imported.", "%(num)d tasks imported.", 3) in result
    checks.page(page, "ta", "ta import done")
    rows = server.query("SELECT client_id, payload_text FROM tasks WHERE project_id = ?"
                        " AND status = 'open' ORDER BY id", (project_id,))
    assert [r["payload_text"] for r in rows] == SENTENCES

    # A new annotator of the centre gets them, in order, and answers them.
    server.add_annotator("9876511111", "Selvi", "ta", "KRR")
    annotator = open_phone("ta")
    phone_tools.log_in(annotator, server.url, "9876511111")
    annotator.goto(f"{server.url}/tasks/{SLUG}/next")
    for sentence in SENTENCES:
        assert annotator.locator("#task .payload").inner_text() == sentence
        annotator.locator("#task form.answers button[name=answer]").first.tap()
        annotator.wait_for_function(
            "s => { const p = document.querySelector('#task .payload');"
            " return !p || p.textContent !== s; }", arg=sentence)
    assert server.submitted(server.user_id("9876511111")) == 3

    # Meena downloads the export; Excel's way of reading it keeps the Tamil.
    page.goto(f"{server.url}/supervisor/data")
    with page.expect_download() as download:
        page.locator(f'a[href="/supervisor/projects/{project_id}/export.csv"]').tap()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    exported = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    mine = [r for r in exported if r["client_id"].startswith("m-")]
    assert [r["text"] for r in mine] == SENTENCES[:2] + ["'" + SENTENCES[2]]
    assert all(r["answer"] and r["annotator"] and r["seconds"] for r in mine)
    assert "9876511111" not in data.decode("utf-8-sig")


def test_meena_mends_the_held_task_on_her_phone(server, open_phone, checks, lang_text):
    said = lang_text("ta")
    project_id = server.value("SELECT id FROM projects WHERE slug = ?", (SLUG,))
    held = server.value("SELECT id FROM tasks WHERE project_id = ? AND status = 'held'",
                        (project_id,))
    assert held, "the demo has a held task in the Tamil project"
    page = open_phone("ta")
    _meena_logs_in(page, server.url)
    page.goto(f"{server.url}/supervisor/projects/{project_id}/reported")
    checks.page(page, "ta", "ta reported tasks")
    card = page.locator("section.card", has_text=said._("Task %(id)s", id=str(held)))
    assert said._("Broken") + ": 2" in card.inner_text()
    card.locator("textarea").fill("இந்தக் கடையில் வாங்கிய அரிசி நன்றாக இருந்தது.")
    with page.expect_navigation():
        card.locator("button", has_text=said._("Save text")).tap()
    card = page.locator("section.card", has_text=said._("Task %(id)s", id=str(held)))
    with page.expect_navigation():
        card.locator("button", has_text=said._("Back to work")).tap()
    task = server.query("SELECT payload_text, status, reports_count FROM tasks WHERE id = ?",
                        (held,))[0]
    assert task == {"payload_text": "இந்தக் கடையில் வாங்கிய அரிசி நன்றாக இருந்தது.",
                    "status": "open", "reports_count": 0}
    assert said._("No reported tasks. Good.") in page.inner_text("main")

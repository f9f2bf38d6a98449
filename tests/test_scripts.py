"""Answers in a script: a free-text project may require its answers in Tamil, Devanagari,
Kannada, Telugu or Latin letters (projects.answer_script); an answer in other letters is
refused in her language on the task card and in the quiz, and text is compared in NFC."""
import re
import sqlite3
import unicodedata

import pytest
from flask_babel import force_locale

from core import projects, scripts, tasktypes, users
from core.db import one
from core.errors import Invalid
from tests.quiz_helpers import add_quiz
from views.messages import message

FREE_TEXT = tasktypes.TYPES["free_text"]

# The same words in each script, with digits and punctuation, and romanised.
WRITTEN = {
    "Taml": "2 கிலோ அரிசி, ₹50!",
    "Deva": "2 किलो चावल, ₹50।",
    "Knda": "2 ಕೆಜಿ ಅಕ್ಕಿ, ₹50!",
    "Telu": "2 కిలోల బియ్యం, ₹50!",
    "Latn": "2 kilo rice, ₹50! (akki, ṭīkā)",
}


@pytest.mark.parametrize("script", scripts.CODES)
def test_each_script_takes_its_own_letters_with_digits_and_punctuation(script):
    for other, text in WRITTEN.items():
        assert scripts.written_in(text, script) == (other == script), (script, other)


def test_one_letter_of_another_script_is_enough_to_refuse():
    assert not scripts.written_in("ನನ್ನ phone ಕೆಲಸ ಮಾಡುತ್ತಿಲ್ಲ", "Knda")
    assert scripts.written_in("ನನ್ನ ಫೋನ್ ಕೆಲಸ ಮಾಡುತ್ತಿಲ್ಲ", "Knda")
    # Joiners that shape Indic letters are not letters of another script.
    assert scripts.written_in("ಕ್\u200dಷ", "Knda") and scripts.written_in("क्\u200dष", "Deva")


def _project(script, task_type="free_text"):
    return {"task_type": task_type, "answer_script": script}


def test_free_text_refuses_another_script_with_a_code_per_script():
    with pytest.raises(Invalid) as refusal:
        FREE_TEXT.clean(None, _project("Knda"), "nanna hesaru")
    assert refusal.value.code == "script_knda"
    assert FREE_TEXT.clean(None, _project("Knda"), " ನನ್ನ ಹೆಸರು ") == "ನನ್ನ ಹೆಸರು"
    assert FREE_TEXT.clean(None, _project(None), "nanna hesaru") == "nanna hesaru"


def test_text_typed_decomposed_is_stored_and_compared_in_nfc():
    composed = "ಕೀಲಿ"  # ೀ as one character (U+0CC0)
    typed = unicodedata.normalize("NFD", composed)  # as some keyboards send it: ಿ + ೕ
    assert typed != composed
    assert FREE_TEXT.clean(None, _project("Knda"), typed) == composed
    assert FREE_TEXT.same(typed, composed)
    assert FREE_TEXT.judge(typed, composed) == "accepted"
    assert FREE_TEXT.parse_gold(None)(typed) == composed


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en_IN", "Please write in Kannada letters."),
    ("ta_IN", "கன்னட எழுத்துகளில் எழுதுங்கள்."),
    ("hi_IN", "कन्नड़ अक्षरों में लिखें।"),
    ("kn_IN", "ಕನ್ನಡ ಅಕ್ಷರಗಳಲ್ಲಿ ಬರೆಯಿರಿ."),
    ("te_IN", "కన్నడ అక్షరాల్లో రాయండి."),
])
def test_the_refusal_is_said_in_her_language(app, locale, sentence):
    with app.test_request_context(), force_locale(locale):
        assert message(Invalid("script_knda")) == sentence


@pytest.mark.parametrize("code", [f"script_{script.lower()}" for script in scripts.CODES])
def test_every_script_has_its_sentence(app, code):
    with app.test_request_context():
        assert message(Invalid(code)).startswith("Please write in ")


# -- the database holds the setting to its rule ------------------------------------------

def test_the_database_refuses_an_unknown_script_or_one_on_a_choice_project(db, make_project):
    text, choice = make_project(task_type="free_text"), make_project()
    db.execute("UPDATE projects SET answer_script = 'Knda' WHERE id = ?", (text["id"],))
    for sql, params in [
            ("UPDATE projects SET answer_script = 'Klingon' WHERE id = ?", (text["id"],)),
            ("UPDATE projects SET answer_script = 'Taml' WHERE id = ?", (choice["id"],)),
            ("UPDATE projects SET task_type = 'yes_no' WHERE id = ?", (text["id"],))]:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute(sql, params)
    assert one(db, "SELECT answer_script, task_type FROM projects WHERE id = ?",
               (text["id"],)) == {"answer_script": "Knda", "task_type": "free_text"}


# -- the task card and the quiz -------------------------------------------------------------

def _require(db, project, script):
    db.execute("UPDATE projects SET answer_script = ? WHERE id = ?", (script, project["id"]))


@pytest.mark.parametrize("htmx", [True, False])
def test_the_task_card_refuses_romanised_tamil_and_keeps_her_text(visitor, db, make_user,
                                                                  make_project, htmx):
    worker, project = make_user(lang="ta"), make_project(task_type="free_text")
    _require(db, project, "Taml")
    visitor.login(worker)
    visitor.get(f"/tasks/{project['slug']}/next")
    card = visitor.post("/answers/1", {"answer": "vanakkam"}, htmx=htmx)
    body = card.get_data(as_text=True)
    assert card.status_code == 400 and "தமிழ் எழுத்துகளில் எழுதுங்கள்." in body
    assert ">vanakkam</textarea>" in body
    assert one(db, "SELECT state FROM assignments WHERE id = 1")["state"] == "active"
    assert visitor.post("/answers/1", {"answer": "வணக்கம் 2"}, htmx=htmx).status_code in (200, 303)
    assert one(db, "SELECT state, answer FROM assignments WHERE id = 1") == {
        "state": "submitted", "answer": "வணக்கம் 2"}


def test_an_answer_kept_on_the_phone_is_refused_to_mend_when_it_is_sent(visitor, db,
                                                                      make_user, make_project):
    worker, project = make_user(lang="ta"), make_project(task_type="free_text", tasks=2,
                                                          redundancy=1)
    _require(db, project, "Taml")
    visitor.login(worker)
    visitor.post(f"/tasks/{project['slug']}/batch")
    results = visitor.client.post("/answers/sync", json={"items": [
        {"id": 1, "answer": "vanakkam"}, {"id": 2, "answer": "வணக்கம்"}]},
        headers={"X-CSRFToken": visitor.token}).get_json()["results"]
    assert [(r["ok"], r.get("retry")) for r in results] == [(False, True), (True, None)]
    assert results[0]["message"] == "தமிழ் எழுத்துகளில் எழுதுங்கள்."
    assert [row["state"] for row in db.query("SELECT state FROM assignments ORDER BY id")] \
        == ["active", "submitted"]


def test_the_quiz_refuses_an_answer_in_other_letters(visitor, db, make_user, make_project):
    project = add_quiz(db, make_project(task_type="free_text"), questions=4)
    _require(db, project, "Taml")
    visitor.login(make_user(lang="ta"))
    slug = project["slug"]
    visitor.post(f"/quiz/{slug}/start")
    page = visitor.get(f"/quiz/{slug}/exam").get_data(as_text=True)
    action = re.search(r'action="(/quiz/[^"]+/exam/\d+/\d+)"', page).group(1)
    refused = visitor.post(action, {"answer": "Vanakkam"}, htmx=True)
    assert refused.status_code == 400
    assert "தமிழ் எழுத்துகளில் எழுதுங்கள்." in refused.get_data(as_text=True)
    assert one(db, "SELECT count(*) AS n FROM quiz_attempt_questions"
                   " WHERE answer IS NOT NULL")["n"] == 0
    assert visitor.post(action, {"answer": "வணக்கம்"}, htmx=True).status_code == 200
    assert one(db, "SELECT answer, correct FROM quiz_attempt_questions WHERE position = 1") \
        == {"answer": "வணக்கம்", "correct": 1}


# -- the setting: the project form and the project file -------------------------------------

FILE = {"slug": "kannada-speech", "centre": "HBL", "task_type": "free_text",
        "name": {"en": "Write what you hear"}, "pay_paise": 50, "answer_script": "Knda"}


def test_a_project_file_sets_the_script_and_refuses_a_bad_one(db):
    users.get_centre(db, "HBL", create=True)
    assert projects.save_project(db, projects.SYSTEM, FILE)["answer_script"] == "Knda"
    for bad, code in [({"answer_script": "kannada"}, "bad_script"),
                      ({"task_type": "yes_no"}, "script_needs_typed")]:
        with pytest.raises(Invalid) as refusal:
            projects.save_project(db, projects.SYSTEM, {**FILE, "slug": "other", **bad})
        assert refusal.value.detail["errors"]["answer_script"].code == code
    # A file that leaves the script out keeps it; null lifts it.
    kept, _ = projects.save_project_file(db, {"slug": FILE["slug"], "pay_paise": 60}, True)
    assert kept["answer_script"] == "Knda"
    lifted, _ = projects.save_project_file(db, {"slug": FILE["slug"], "answer_script": None},
                                           True)
    assert lifted["answer_script"] is None


def test_the_project_form_offers_the_scripts_and_saves_one(visitor, db, make_user,
                                                          make_project):
    supervisor = make_user(role="supervisor", password="long-password")
    project = make_project(task_type="free_text")
    visitor.login(supervisor, password="long-password")
    page = visitor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    assert 'name="answer_script" value="Knda"' in page and "Kannada letters" in page
    values = projects.form_values(db, project)
    form = {"name_en": values["name"]["en"], "task_type": "free_text", "redundancy": "3",
            "pay": values["pay"], "lease_minutes": "15", "gold_percent": "10",
            "status": "live", "answer_script": "Knda"}
    assert visitor.post(f"/supervisor/projects/{project['id']}/edit", form).status_code == 303
    assert one(db, "SELECT answer_script FROM projects")["answer_script"] == "Knda"
    page = visitor.get(f"/supervisor/projects/{project['id']}/edit").get_data(as_text=True)
    assert 'value="Knda" checked' in page
    assert visitor.post(f"/supervisor/projects/{project['id']}/edit",
                        {**form, "answer_script": ""}).status_code == 303
    assert one(db, "SELECT answer_script FROM projects")["answer_script"] is None

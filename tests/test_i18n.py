"""Languages: complete catalogs, the switch, pages in Tamil and Hindi, local formats."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAMIL = re.compile("[\u0b80-\u0bff]")
DEVANAGARI = re.compile("[\u0900-\u097f]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def _catalog(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _source_msgids():
    """(msgctxt, msgid) of every string in the source, as the README's extract finds them."""
    ids = set()
    for sub in ("views", "core", "commands", "templates"):
        for _file, _line, message, _comments, context in extract_from_dir(
                ROOT / sub, method_map=[("**.py", "python"), ("**.html", "jinja2")],
                keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
                          "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}):
            ids.add((context, message[0] if isinstance(message, tuple) else message))
    return ids


@pytest.mark.parametrize("lang", ["ta", "hi", "kn", "te"])
def test_every_message_is_translated_and_not_fuzzy(lang):
    catalog = _catalog(lang)
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if message.pluralizable else message.id
        strings = message.string if message.pluralizable else (message.string,)
        assert all(strings), f"{lang}: untranslated {msgid!r}"
        assert not message.fuzzy, f"{lang}: fuzzy {msgid!r}"
        wanted = set(PLACEHOLDER.findall(msgid))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, f"{lang}: placeholders {msgid!r}"


@pytest.mark.parametrize("lang", ["ta", "hi", "kn", "te"])
def test_catalogs_hold_every_string_in_the_source(lang):
    ids = {(m.context, m.id[0] if m.pluralizable else m.id) for m in _catalog(lang) if m.id}
    missing = _source_msgids() - ids
    assert not missing, f"run the catalog update: {lang} lacks {sorted(missing)[:5]}"


def test_hindi_catalog_treats_zero_as_singular():
    assert _catalog("hi").plural_expr.replace(" ", "") == "(n>1)"


def _text_of(html):
    """What a reader sees: tags, scripts and attribute values stripped."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang,script", [("ta", TAMIL), ("hi", DEVANAGARI)])
def test_pages_in_tamil_and_hindi_have_no_english_left(visitor, make_user, make_project, lang,
                                                       script):
    project = make_project(tasks=2)
    user = make_user(lang=lang)
    visitor.login(user)
    for url in ("/home", f"/tasks/{project['slug']}/next", "/earnings"):
        body = visitor.get(url).get_data(as_text=True)
        assert f'<html lang="{lang}">' in body
        # Data may be English (her name, the task's text); the app's own words may not.
        text = _text_of(body).replace("English", "").replace("Sentence", "")
        text = text.replace(user["name"], "")
        assert script.search(text), url
        assert not LATIN_WORD.findall(text), f"{url}: English left: {LATIN_WORD.findall(text)}"


def test_login_page_follows_the_browser_then_the_switch(visitor):
    body = visitor.get("/login", headers={"Accept-Language": "ta-IN,ta;q=0.9"}).get_data(
        as_text=True)
    assert '<html lang="ta">' in body and TAMIL.search(_text_of(body).replace("தமிழ்", ""))
    response = visitor.post("/lang", {"lang": "hi", "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    body = visitor.get("/login", headers={"Accept-Language": "ta"}).get_data(as_text=True)
    assert '<html lang="hi">' in body


def test_switching_language_is_saved_on_the_account(visitor, make_user, db):
    worker = make_user(lang="en")
    visitor.login(worker)
    visitor.post("/lang", {"lang": "ta", "next": "/home"})
    assert db["users"].get(worker["id"])["lang"] == "ta"
    visitor.post("/logout")
    assert '<html lang="ta">' in visitor.get("/login").get_data(as_text=True)


def test_switching_language_on_a_page_reached_by_a_post_goes_home(visitor, make_user,
                                                                   make_project):
    """Without JavaScript a refused answer leaves her at /answers/N, which only takes POST:
    a language form that would lead back there leads home."""
    project = make_project()
    visitor.login(make_user())
    card = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    action = re.search(r'action="(/answers/\d+)"', card).group(1)
    refused = visitor.post(action, {"answer": "nonsense"}).get_data(as_text=True)
    assert 'name="lang"' not in refused  # her language is on the menu page, one tap away
    response = visitor.post("/lang", {"lang": "ta", "next": action})
    assert response.headers["Location"] == "/home"
    assert '<html lang="ta">' in visitor.get("/home").get_data(as_text=True)


def test_an_unknown_language_gets_a_clear_400(visitor):
    response = visitor.post("/lang", {"lang": "fr"})
    assert response.status_code == 400
    assert "Please choose one of the languages shown." in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "ta", "hi"])
def test_money_uses_lakh_grouping_and_the_rupee_sign(app, lang):
    from flask_babel import force_locale

    from views.formats import money
    with app.test_request_context(), force_locale(f"{lang}_IN"):
        assert money(12345650) == "₹1,23,456.50"


def test_hindi_plural_uses_singular_for_one_and_zero(app):
    from flask_babel import force_locale, ngettext
    with app.test_request_context(), force_locale("hi_IN"):
        one = ngettext("%(num)d task waiting", "%(num)d tasks waiting", 1)
        zero = ngettext("%(num)d task waiting", "%(num)d tasks waiting", 0)
        many = ngettext("%(num)d task waiting", "%(num)d tasks waiting", 5)
    assert one.replace("1", "0") == zero and DEVANAGARI.search(one)
    assert many.startswith("5") or "5" in many


def test_a_word_that_is_a_label_and_a_button_has_a_context_for_each(visitor, make_user):
    """"New PIN" labels her field (a noun) and is the supervisor's button (an imperative)."""
    worker = make_user(lang="hi")
    visitor.login(worker)
    page = visitor.get("/account/pin").get_data(as_text=True)
    assert '<label for="new">नया पिन</label>' in page and "नया पिन बनाएँ" not in page
    visitor.post("/logout")
    visitor.login(make_user(role="supervisor", lang="hi"))
    page = visitor.get(f"/supervisor/people/{worker['id']}").get_data(as_text=True)
    assert "<button>नया पिन बनाएँ</button>" in page


@pytest.mark.parametrize("lang,counter", [("en", "Question 1 of 3"), ("ta", "கேள்வி 1 / 3"),
                                          ("hi", "सवाल 1 / 3")])
def test_the_quiz_counter_names_the_question_and_reads_as_no_score(visitor, db, make_user,
                                                                   make_project, lang, counter):
    from tests.quiz_helpers import add_quiz
    project = add_quiz(db, make_project())
    visitor.login(make_user(lang=lang))
    assert counter in visitor.get(f"/quiz/{project['slug']}/practice/1").get_data(as_text=True)


@pytest.mark.parametrize("lang,line", [
    ("en", "Rejected automatically (check task): Wrong answer on a check task"),
    ("ta", "சோதனைப் பணியால் தானாக நிராகரிக்கப்பட்டது"),
    ("hi", "जाँच के काम से अपने-आप नामंज़ूर")])
def test_an_appeal_against_a_check_task_says_it_was_rejected_automatically(
        visitor, db, make_user, make_project, lang, line):
    from core import review, tasks
    project = make_project()
    her = make_user()
    answer = tasks.record_answer(db, tasks.claim_next(db, her["id"], project)["id"], her["id"],
                                 "neg")
    # as a check task's verdict leaves it: rejected by no one, for a wrong check answer
    db.execute("UPDATE assignments SET review_state = 'rejected', reject_reason = 'wrong_check',"
               " reviewed_by = NULL, reviewed_at = submitted_at WHERE id = ?", (answer["id"],))
    review.appeal(db, answer["id"], her["id"], "It is right.")
    visitor.login(make_user(role="supervisor", lang=lang))
    page = visitor.get("/supervisor/appeals").get_data(as_text=True)
    assert line in page and "It is right." in page

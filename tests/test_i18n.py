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
    ids = set()
    for sub in ("views", "core", "templates"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
                ROOT / sub, method_map=[("**.py", "python"), ("**.html", "jinja2")],
                keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None,
                          "ngettext": (1, 2)}):
            ids.add(message[0] if isinstance(message, tuple) else message)
    return ids


@pytest.mark.parametrize("lang", ["ta", "hi"])
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


@pytest.mark.parametrize("lang", ["ta", "hi"])
def test_catalogs_hold_every_string_in_the_source(lang):
    ids = {m.id[0] if m.pluralizable else m.id for m in _catalog(lang) if m.id}
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
    """Without JavaScript a refused answer leaves her at /answers/N, which only takes POST."""
    project = make_project()
    visitor.login(make_user())
    card = visitor.get(f"/tasks/{project['slug']}/next").get_data(as_text=True)
    action = re.search(r'action="(/answers/\d+)"', card).group(1)
    refused = visitor.post(action, {"answer": "nonsense"}).get_data(as_text=True)
    back_to = re.search(r'name="next" value="([^"]*)"', refused).group(1)
    response = visitor.post("/lang", {"lang": "ta", "next": back_to})
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

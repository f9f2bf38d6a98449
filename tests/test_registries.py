"""Registries are declared once: every refusal's sentence in one dict literal, every
template filter and global in one module, one list of languages for Python and templates."""
import ast
import pathlib
import re

import pytest

from core import languages

ROOT = pathlib.Path(__file__).resolve().parent.parent
CODES = set(languages.CODES)


def duplicate_keys(source: str, name: str) -> list[str]:
    """Keys written twice in the dict literal assigned to `name` (Python keeps the last)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == name for target in node.targets):
            keys = [key.value for key in node.value.keys]
            return sorted({key for key in keys if keys.count(key) > 1})
    raise AssertionError(f"no {name} = {{...}} found")


def test_the_duplicate_check_finds_a_key_written_twice():
    assert duplicate_keys('M = {"a": 1, "b": 2, "a": 3}', "M") == ["a"]


@pytest.mark.parametrize("path, name", [
    ("views/messages.py", "MESSAGES"), ("views/messages.py", "REFUSAL_LINKS"),
    ("views/messages.py", "DONE"),
    ("views/templating.py", "FILTERS"), ("views/templating.py", "GLOBALS")])
def test_each_registry_names_each_key_once(path, name):
    assert duplicate_keys((ROOT / path).read_text(encoding="utf-8"), name) == []


# Adding to a registry from elsewhere, at import: what the declarations above replace.
MUTATIONS = re.compile(r"\b(MESSAGES|REFUSAL_LINKS)\s*(\.update|\[[^\]]+\]\s*=)"
                       r"|app_template_(global|filter)|jinja_env\.(globals|filters)")


def test_no_module_adds_to_a_registry_at_import():
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sorted(ROOT.glob("views/*.py"))
             if path.name != "templating.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if MUTATIONS.search(line)]
    assert found == []


def _sources(*patterns):
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            # demo content is written in each language; core/languages.py is the list
            if not path.name.startswith("demo") and path.name != "languages.py":
                yield path, path.read_text(encoding="utf-8")


def _python_lists_of_languages(source: str) -> list[int]:
    """Lines of tuples, lists or sets of string literals that name every language."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.Tuple, ast.List, ast.Set))
            and CODES <= {getattr(e, "value", None) for e in node.elts}]



def _template_lists_of_languages(text: str) -> list[str]:
    """Literal lists in a template that name every language, or any language's own name."""
    found = [name for name in (language.name for language in languages.LANGUAGES
                               if language.name != "English") if name in text]
    for start in (m.start() for m in re.finditer(r"[\[(]", text)):
        chunk = text[start:start + 120]
        if CODES <= set(re.findall(r"""["'](\w\w)["']""", chunk.split("%}")[0])):
            found.append(chunk[:60])
    return found


def test_the_list_checks_find_a_list_of_languages():
    assert _python_lists_of_languages(f"LANGS = {tuple(languages.CODES)!r}") == [1]
    assert _template_lists_of_languages(
        "{% for code in " + repr(list(languages.CODES)) + " %}") != []
    assert _template_lists_of_languages('{{ {"ta": "தமிழ்"}[code] }}') != []


def test_python_lists_languages_only_in_core_languages():
    found = [f"{path.relative_to(ROOT)}:{line}"
             for path, source in _sources("core/*.py", "views/*.py", "app.py")
             for line in _python_lists_of_languages(source)]
    assert found == []


def test_templates_take_languages_from_the_one_list():
    found = [(str(path.relative_to(ROOT)), hit) for path, text in _sources("templates/**/*.html")
             for hit in _template_lists_of_languages(text)]
    assert found == []


def test_the_list_of_languages_holds_the_fallback_once_and_each_language_once():
    assert languages.FALLBACK in languages.CODES
    assert len(set(languages.CODES)) == len(languages.CODES)

"""The layers import one way: the app factory imports views and commands, they import
core, and core imports neither Flask nor anything above it; no import circle."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).parent.parent
LAYERS = {"core": {"app", "views", "commands", "flask", "flask_babel", "flask_login"},
          "views": {"app", "commands"}, "commands": {"app"}}


def _imports(path: pathlib.Path) -> set[str]:
    """Top-level names of the absolute imports in `path` (relative ones stay in its package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_each_layer_imports_only_the_layers_below_it(package):
    wrong = {str(path.relative_to(ROOT)): sorted(_imports(path) & LAYERS[package])
             for path in (ROOT / package).rglob("*.py")}
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_command_line_lives_in_commands_not_in_views():
    with_click = [str(path.relative_to(ROOT)) for path in (ROOT / "views").rglob("*.py")
                  if "click" in _imports(path)]
    assert with_click == []
    assert "commands" in _imports(ROOT / "app.py")

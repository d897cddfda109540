"""The apps' structure: imports run one way (import-linter checks that in `make lint`), and an
import inside a function exists only where it must, saying why."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "config",
    "core",
    "members",
    "notifications",
    "records",
    "wishes",
    "projects",
    "checkins",
    "orders",
    "reports",
    "portal",
]


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    yield ROOT / "manage.py"


def test_every_import_inside_a_function_says_why_on_its_line():
    unexplained = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    line = lines[inner.end_lineno - 1]
                    if "#" not in line:
                        unexplained.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert unexplained == []


def test_the_layers_contract_names_every_app():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    contract = text[text.index("[tool.importlinter]") :]
    assert all(f'"{app}' in contract for app in APPS)

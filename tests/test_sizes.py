"""Small modules and small functions in bot/: no module over MODULE_LINES lines and no
function over FUNCTION_LINES (decorators and docstring included). A table of data is a
module-level value, not a function body, so it never counts as a long function."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
MODULE_LINES = 300
FUNCTION_LINES = 40


def _modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(BOT).as_posix()


def _long_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            span = (node.end_lineno or node.lineno) - start + 1
            if span > FUNCTION_LINES:
                found.append(f"{_name(path)}:{node.lineno} {node.name} ({span} lines)")
    return found


def test_modules_are_small() -> None:
    lines = {_name(path): len(path.read_text(encoding="utf-8").splitlines()) for path in _modules()}
    assert {name: count for name, count in lines.items() if count > MODULE_LINES} == {}


def test_functions_are_small() -> None:
    assert [found for path in _modules() for found in _long_functions(path)] == []

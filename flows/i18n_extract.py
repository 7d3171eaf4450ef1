"""A Babel extraction method that reads Python with its own parser (`ast`), so that it also
finds the messages inside f-strings (`f"{bold(_('Exit checklist'))} · …"`), which Babel's
token-based `python` method cannot see before Python 3.12. Used by `pybabel extract -F
babel.cfg` and by the catalogue's test (docs/i18n.md)."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any


def extract_ast(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str | None, ...], list[str]]]:
    """Every call of a keyword function, with its positional arguments (a string literal, or
    None for anything else); Babel picks the messages by the keyword's spec (`counted:2,3`)."""
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id in keywords:
            yield node.lineno, node.func.id, tuple(_literal(a) for a in node.args), []


def _literal(arg: ast.expr) -> str | None:
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None

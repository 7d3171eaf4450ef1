"""What counts as English in a Turkish user's Slack: the words of the interface's English
source (every message id Babel extracts), less the words Turkish shares with it (in the
catalogue's translations and the Turkish maps: "demo", "KPI", "CRM", names)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from flows.i18n import LOCALE_DIR

ROOT = Path(__file__).parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "N_plural": (1, 2), "counted": (2, 3)}
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|<[^<>]*>|`[^`]*`|:[a-z0-9_+-]+:|/deal(?: [a-z_-]+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


def words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(_PLACEHOLDER.sub(" ", text))}


@cache
def source_messages() -> tuple[str, ...]:
    """Every English message in bot/ and flows/ (plural forms included)."""
    found: list[str] = []
    for folder in ("bot", "flows"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "flows.i18n_extract.extract_ast")],  # as babel.cfg says
            keywords=KEYWORDS,
            comment_tags=(),
        ):
            found.extend(message if isinstance(message, tuple) else (message,))
    return tuple(m for m in found if m)


@cache
def english_words(shared: frozenset[str]) -> frozenset[str]:
    """The interface's English words that Turkish text never uses."""
    catalogue = read_po((LOCALE_DIR / "tr" / "LC_MESSAGES" / "stagecoach.po").open("rb"))
    turkish: set[str] = set(shared)
    for message in catalogue:
        for form in message.string if isinstance(message.string, tuple) else (message.string,):
            turkish |= words(form or "")
    english: set[str] = set()
    for message in source_messages():
        english |= words(message)
    return frozenset(english - turkish)

"""What counts as English in a Turkish user's Slack: the words of the interface's English
source (every message id Babel extracts), less the words Turkish shares with it (in the
catalogue's translations and the Turkish maps: "demo", "KPI", "CRM", names)."""

from __future__ import annotations

import re
from functools import cache

from tests.i18n.sources import catalogue, said_in_code

_PLACEHOLDER = re.compile(r"\{[^{}]*\}|<[^<>]*>|`[^`]*`|:[a-z0-9_+-]+:|/deal(?: [a-z_-]+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")


def words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(_PLACEHOLDER.sub(" ", text))}


@cache
def english_words(shared: frozenset[str]) -> frozenset[str]:
    """The interface's English words that Turkish text never uses."""
    turkish: set[str] = set(shared)
    for message in catalogue():
        for form in message.string if isinstance(message.string, tuple) else (message.string,):
            turkish |= words(form or "")
    english: set[str] = set()
    for said in said_in_code().values():
        english |= {word for form in said.forms for word in words(form)}
    return frozenset(english - turkish)

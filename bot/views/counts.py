"""Counted nouns ("1 day", "3 days"): the translation function has no plural forms yet, so
callers pass both translated forms (`_()` at the call site keeps them extractable)."""

from __future__ import annotations


def counted(count: int, one: str, many: str) -> str:
    return (one if count == 1 else many).format(count=count)

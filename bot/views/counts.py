"""Counted nouns ("1 day", "3 days"): both English forms go to `flows.i18n.ngettext`, so a
catalogue gives each language its own plural rule. Callers pass the English source (not `_()`
of it): `pybabel extract -k counted:2,3` reads the pair as one plural entry."""

from __future__ import annotations

from bot.core.local_formats import number
from flows.i18n import ngettext


def counted(count: int, one: str, many: str, *, locale: str | None = None) -> str:
    """`locale`: the current language (flows.i18n) unless given."""
    return ngettext(one, many, count, locale=locale).format(count=number(count))

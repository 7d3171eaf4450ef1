"""Counted nouns ("1 day", "3 days"): both English forms go to `flows.i18n.ngettext`, so a
catalogue gives each language its own plural rule. Callers pass the English source (not `_()`
of it): `pybabel extract -k counted:2,3` reads the pair as one plural entry."""

from __future__ import annotations

from flows.i18n import ngettext


def counted(count: int, one: str, many: str, *, locale: str = "en") -> str:
    return ngettext(one, many, count, locale=locale).format(count=count)

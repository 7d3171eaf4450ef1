"""The one translation function every user-facing string goes through.

English is the source language. Catalogues are to be built with Babel's tooling (`pybabel
extract`, then `compile`: a tool for whoever translates, not a dependency of the app) into
`flows/locale/<lang>/LC_MESSAGES/stagecoach.mo`, which the standard library's gettext reads;
until a catalogue exists, `gettext.translation(..., fallback=True)` returns the English text.

Counted nouns go through `ngettext` (gettext's plural lookup: the catalogue's Plural-Forms
rule picks the form, so a language with one form or three gets its own), usually by way of
`bot.views.counts.counted`; extract with `pybabel extract -k counted:2,3` so those pairs land
in the catalogue as plural entries.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "stagecoach"


@cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale], fallback=True)


def _(message: str, *, locale: str = "en") -> str:
    """Translate `message` (English source) into `locale`."""
    return _catalogue(locale).gettext(message)


def ngettext(one: str, other: str, count: int, *, locale: str = "en") -> str:
    """The form of `one`/`other` (English source, singular and plural) that `count` takes in
    `locale`; English: `one` for 1, `other` for anything else (0 included)."""
    return _catalogue(locale).ngettext(one, other, count)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (gettext's name, which Babel's
    extractor knows): for tables built at import, translated with `_` where they are shown."""
    return message

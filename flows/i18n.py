"""The one translation function every user-facing string goes through, in the language of
the request being answered (docs/i18n.md).

English is the source language. The language is not a parameter threaded through every
view: whoever starts a piece of work for someone (a Slack request, a digest for a channel, a
nudge for a rep, a CLI run) sets it once with `using_locale`, and `_` reads it when it is
called, so a string is translated when it is shown, never when a module is imported. It
lives in a ContextVar, which an asyncio task copies when it starts: work done after Slack's
acknowledgement speaks the language of the request that started it.

Catalogues are compiled with Babel (`pybabel compile`) into
`flows/locale/<lang>/LC_MESSAGES/stagecoach.mo` and shipped in the package; the standard
library's gettext reads them. Counted nouns go through `ngettext` (the catalogue's
Plural-Forms picks the form), usually by way of `bot.views.counts.counted`.

`PSEUDO` is a made-up language for tests: every translated string comes back accented,
longer and bracketed, so a string that bypasses `_` stands out in plain ASCII, and text a
third longer shows which Block Kit limits a real translation could break.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "stagecoach"
ENGLISH = "en"
TURKISH = "tr"
PSEUDO = "en-XA"  # the pseudo-locale's code, as Android and Chromium name theirs
LANGUAGES = (ENGLISH, TURKISH)  # what a workspace or a user can choose

_LOCALE: ContextVar[str] = ContextVar("locale", default=ENGLISH)


def language_of(locale: str | None) -> str:
    """The language stagecoach speaks for a Slack or POSIX locale: "tr-TR", "tr_TR.UTF-8"
    and "TR" are Turkish; anything it has no catalogue for is English."""
    return spoken_language(locale) or ENGLISH


def spoken_language(locale: str | None) -> str | None:
    """`locale`'s language if stagecoach speaks it ("tr-TR": "tr", "en-US": "en"), else
    None ("de-DE", "", None)."""
    if not locale:
        return None
    if locale == PSEUDO:
        return PSEUDO
    code = re.split(r"[-_.@]", locale.strip(), maxsplit=1)[0].casefold()
    return code if code in LANGUAGES else None


def current_locale() -> str:
    """The language of the work being done now (English outside any `using_locale`)."""
    return _LOCALE.get()


@contextmanager
def using_locale(locale: str | None) -> Iterator[str]:
    """Everything said inside speaks `locale`'s language (see `language_of`)."""
    language = language_of(locale)
    token = _LOCALE.set(language)
    try:
        yield language
    finally:
        _LOCALE.reset(token)


def _(message: str, *, locale: str | None = None) -> str:
    """Translate `message` (English source) into `locale`, by default the current one."""
    return _catalogue(_language(locale)).gettext(message)


def ngettext(one: str, other: str, count: int, *, locale: str | None = None) -> str:
    """The form of `one`/`other` (English source, singular and plural) that `count` takes in
    `locale`; English: `one` for 1, `other` for anything else (0 included)."""
    return _catalogue(_language(locale)).ngettext(one, other, count)


def N_plural(one: str, other: str) -> tuple[str, str]:
    """Mark a singular and plural pair as ONE counted entry of the catalogue (`pybabel
    extract -k N_plural:1,2`), for tables built at import; `ngettext(*pair, count)` where
    it is shown. Two `N_` would make two unrelated entries, which ngettext never finds."""
    return one, other


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it (gettext's name, which Babel's
    extractor knows): for tables built at import, translated with `_` where they are shown."""
    return message


def _language(locale: str | None) -> str:
    """The language asked for ("tr-TR" is Turkish), else the current one."""
    return language_of(locale) if locale else _LOCALE.get()


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    if language == PSEUDO:
        return _Pseudo()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


# Kept as they are in the pseudo-locale: placeholders (argparse's are %-style), Slack's <…>
# tokens, code spans, emoji codes, commands and options a user types.
_VERBATIM = re.compile(
    r"\{[^{}]*\}|%(?:\(\w+\))?[srd]|<[^<>]*>|`[^`]*`|:[a-z0-9_+-]+:|/deal(?: [a-z_-]+)?|--[a-z-]+|\b[A-Z][A-Z0-9_]{2,}\b"
)
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
PSEUDO_OPEN, PSEUDO_CLOSE = "⟦", "⟧"


def pseudo(message: str) -> str:
    """`message` in the pseudo-locale: letters accented, a third longer, bracketed."""
    if not message.strip():
        return message
    parts, last = [], 0
    for kept in _VERBATIM.finditer(message):
        parts += [message[last : kept.start()].translate(_ACCENTED), kept.group()]
        last = kept.end()
    parts.append(message[last:].translate(_ACCENTED))
    padding = "·" * (len(message) // 3)
    return f"{PSEUDO_OPEN}{''.join(parts)}{padding}{PSEUDO_CLOSE}"


class _Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

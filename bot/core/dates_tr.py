"""Dates written in Turkish, as the English words `bot.core.dates` reads: `bugün`, `yarın`,
`30g` / `30 gün`, `6h` / `6 hafta`, `3a` / `3 ay` (`3 ay sonra`), and the months' names
(`6 Aralık 2026`, `6 aralik`).

A word is translated only where it cannot be English: the short units are letters English
dates do not use (English: `d`, `w`, `m`; Turkish: `g`, `h`, `a`), and `gün`, `hafta`, `ay`
only count as units after a number, so no English date reads differently. Words match
folded (storage/name_keys.fold): `ARALIK`, `aralık` and `aralik` are one month.
"""

from __future__ import annotations

import re

from storage.name_keys import fold

_WORDS = {
    "bugun": "today",
    "yarin": "tomorrow",
    "ocak": "january",
    "subat": "february",
    "mart": "march",
    "nisan": "april",
    "mayis": "may",
    "haziran": "june",
    "temmuz": "july",
    "agustos": "august",
    "eylul": "september",
    "ekim": "october",
    "kasim": "november",
    "aralik": "december",
}
_UNITS = {"g": "d", "gun": "days", "h": "w", "hafta": "weeks", "a": "m", "ay": "months"}
_SHORT_SPAN = re.compile(r"^(\d{1,3})([gha])$")
_NUMBER = re.compile(r"^\d{1,3}$")
_ENGLISH_SPAN = re.compile(r"^\d{1,3}[dwm]$")  # what a short Turkish span becomes


def turkish_in_english(text: str) -> str:
    """`text` (lower-cased, one space between words) with its Turkish date words in
    English; a text with none comes back unchanged."""
    words = text.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        key = fold(word)
        short = _SHORT_SPAN.match(key)
        after_number = index > 0 and _NUMBER.match(words[index - 1])
        if short:
            out.append(short[1] + _UNITS[short[2]])
        elif key in _WORDS:
            out.append(_WORDS[key])
        elif after_number and key in ("gun", "hafta", "ay"):
            out.append(_UNITS[key])
        elif key == "sonra" and index == len(words) - 1 and _is_span(out):
            out.append("from now")  # `3 ay sonra`, `30g sonra`: in three months, 30 days
        else:
            out.append(word)
    return " ".join(out)


def _is_span(read: list[str]) -> bool:
    """Whether the words read so far end with a span: a unit after a number, or `30d`."""
    return bool(read) and (read[-1] in _UNITS.values() or bool(_ENGLISH_SPAN.match(read[-1])))

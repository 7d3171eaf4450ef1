"""Amounts written the Turkish way: `50 bin`, `1,2 milyon`, `2 milyar`, `₺50.000`,
`50.000 TL`, `1.250.000,50 TL`, `₺1,2 milyon`.

In Turkish `.` groups thousands and `,` starts the decimals, the other way round from
English, so a text is read the Turkish way only when it says it is Turkish: `₺` or `TL`, a scale
word (`bin`, `milyon`, `milyar`), two or more dot groups (`1.250.000`), or a
dot group followed by decimals (`50.000,5`). A Turkish word (`bin`, `milyon`, `TL`) also
makes the currency TRY unless a code says otherwise (`50 bin EUR`). Everything else is left
to the English reading in bot.core.values, which this module never changes.

Where the two readings differ and nothing says which is meant, the answer names both
(`AmbiguousAmount`) and changes nothing: `50.000` (50, or 50 thousand?), and `50,000 TL`
(50,000, or 50 with decimals, as Turkish writes them?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.core.reporting_currency import CURRENCY_CODE, CURRENCY_SYMBOLS
from storage.name_keys import fold

SCALES = {"bin": 1_000, "milyon": 1_000_000, "milyar": 1_000_000_000}
TURKISH_CODES = {"tl": "TRY"}
_START = re.compile(
    r"^(?P<sign>-)?(?P<symbol>[₺$€£¥])?\s*(?P<number>\d[\d.]*)(?:,(?P<fraction>\d+))?"
)
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+|\d+")
# One dot group of three and nothing else: `50.000`, `$1.250`, `20.000 EUR` (not `0.500`).
ONE_DOT_GROUP = re.compile(r"^[$€£¥]?(?P<head>[1-9]\d{0,2})\.(?P<tail>\d{3})(?:\s*[A-Z]{3})?$")


@dataclass(frozen=True, slots=True)
class TurkishAmount:
    value: float  # before the range check bot.core.values makes
    currency: str | None
    negative: bool


@dataclass(frozen=True, slots=True)
class NotTurkish:
    """The text says it is Turkish but does not read as a Turkish amount."""


@dataclass(frozen=True, slots=True)
class AmbiguousAmount:
    one: float  # the English reading
    other: float  # the Turkish reading


def is_amount_tail(word: str) -> bool:
    """A word that may follow an amount's number: a scale word, `TL`, or a currency code."""
    return (
        fold(word) in SCALES or fold(word) in TURKISH_CODES or bool(CURRENCY_CODE.fullmatch(word))
    )


def read_turkish(
    text: str, *, by_turkish_reader: bool = False
) -> TurkishAmount | AmbiguousAmount | NotTurkish | None:
    """`text` read the Turkish way; None when nothing in it says it is Turkish (the English
    reading holds). `by_turkish_reader`: the person typing reads Turkish, so one dot group
    (`$50.000`, as stagecoach shows them fifty thousand dollars) groups thousands too."""
    start = _START.match(text)
    if start is None:
        return None
    tail = text[start.end() :].split()
    turkish_words = [word for word in tail if fold(word) in SCALES or fold(word) in TURKISH_CODES]
    scale = SCALES.get(fold(tail[0])) if tail else None
    codes = tail[1:] if scale else tail
    if len(codes) > 1 or (codes and (fold(codes[0]) in SCALES or not is_amount_tail(codes[0]))):
        # `₺1.5m` and `₺75,000,000` are English; `50 bin bin` is no amount in either
        return NotTurkish() if turkish_words else None
    code = (TURKISH_CODES.get(fold(codes[0])) or codes[0]) if codes else None
    number, fraction = start["number"], start["fraction"]
    dots = number.count(".")
    lira = start["symbol"] == "₺"
    grouped = dots >= 2 or (dots and (fraction or by_turkish_reader))
    # `12,50` has no English reading; a Turkish reader means twelve and a half by it
    grouped = grouped or (by_turkish_reader and fraction is not None and len(fraction) != 3)
    if not (lira or turkish_words or grouped):
        return None
    if not _GROUPED.fullmatch(number):
        return NotTurkish() if turkish_words or dots >= 2 else None
    # in decimal, not binary: 1 + 0.89 is 1.8900000000000001, 1.1 * 10**6 is 1100000.0000000002
    exact = Decimal(number.replace(".", "") + (f".{fraction}" if fraction else ""))
    if fraction and len(fraction) == 3 and not dots and not scale:
        return AmbiguousAmount(one=float(number + fraction), other=float(exact))
    value = float(exact * (scale or 1))
    symbol = CURRENCY_SYMBOLS.get(start["symbol"] or "")  # the lira's also says "Turkish"
    currency = code or symbol or ("TRY" if turkish_words else None)
    return TurkishAmount(value, currency, bool(start["sign"]))

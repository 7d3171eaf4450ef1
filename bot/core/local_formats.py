"""Numbers, money, percentages and dates in the language of the work being done
(flows.i18n.current_locale), by Babel's locale data (CLDR): English "1,250,000", "40%",
"31 Mar 2027"; Turkish "1.250.000", "%40", "31 Mart 2027". English keeps the forms the
app always had, which its tests and documents quote."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent, get_currency_symbol

from flows.i18n import ENGLISH, TURKISH, current_locale

_BABEL = {TURKISH: "tr_TR"}  # the rest (English, the pseudo-locale): "en"
_DAY = {TURKISH: "d MMMM y"}  # English: "d MMM y" (month names read the same everywhere)
_DAY_AND_TIME = {TURKISH: "EEE d MMMM HH:mm"}


def babel_locale() -> str:
    return _BABEL.get(current_locale(), ENGLISH)


def _digits(decimals: int, *, place: str) -> str:
    """A CLDR number pattern, grouped: `place` "0" for a decimal always shown, "#" for one
    shown only when it is not zero."""
    return "#,##0" + ("." + place * decimals if decimals else "")


def number(value: float, *, decimals: int = 0) -> str:
    """1250000 → "1,250,000" (English), "1.250.000" (Turkish); at most `decimals` places."""
    return format_decimal(value, format=_digits(decimals, place="#"), locale=babel_locale())


def fixed(value: float, *, decimals: int) -> str:
    """Exactly `decimals` places: 3.0 → "3.0" (English), "3,0" (Turkish)."""
    return format_decimal(value, format=_digits(decimals, place="0"), locale=babel_locale())


def percent_text(rate: float, *, decimals: int = 0) -> str:
    """0.4 → "40%" (English), "%40" (Turkish)."""
    digits = _digits(decimals, place="0")
    pattern = f"%{digits}" if current_locale() == TURKISH else f"{digits}%"
    return format_percent(rate, format=pattern, locale=babel_locale())


def money_symbol(currency: str) -> str | None:
    """The currency's own symbol where the language has one ("₺" for TRY in Turkish)."""
    symbol = get_currency_symbol(currency, locale=babel_locale())
    return symbol if symbol != currency else None


def day_text(day: dt.date) -> str:
    """ "31 Mar 2027" (English), "31 Mart 2027" (Turkish)."""
    return format_date(day, _DAY.get(current_locale(), "d MMM y"), locale=babel_locale())


def day_and_time(moment: dt.datetime) -> str:
    """ "Mon 2 Mar 09:00" (English), "Pzt 2 Mart 09:00" (Turkish), as `moment` reads."""
    pattern = _DAY_AND_TIME.get(current_locale(), "EEE d MMM HH:mm")
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=babel_locale())

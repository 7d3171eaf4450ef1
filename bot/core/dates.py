"""Dates as a person writes them: `tomorrow`, `friday`, `next friday`, `in 2 weeks`, `30d`,
`15 March`, `March 15 2027`, `15/03/2027`, `2027-03-15`, `end of quarter`.

Reading and resolving are two steps, because what `friday` means depends on the day it is
read. `read_date` turns the text into a `WrittenDate`: a calendar date, or a relative date
(`FromToday`, `NextWeekday`, `NextDayOfYear`, `EndOf`) that the use case resolves against today from
`services.clock` (`resolve_date`), never at import time. `parse_date` does both, for callers
that know today. Text that could mean two dates (`03/04/2027`, a bare `friday` on a Friday,
`15 March` on 15 March) is `Ambiguous`: the answer asks, it never guesses.

Absolute dates are read by python-dateutil's parser (public API: `parse` with a default,
`parserinfo`), relative ones are added with its `relativedelta`; the grammar here only says
which texts are dates at all, so that dateutil's leniency (it reads "42 15 march" as
something) never turns a stray word into a date. Turkish words (`30 gün`, `6 Aralık`) are
put in English first (bot.core.dates_tr).
Docs: docs/written-values.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta, weekday

from bot.core.dates_tr import turkish_in_english
from bot.core.period_ends import NEXT_PERIOD, EndOf, read_period_end
from bot.core.values import BadValue
from flows.i18n import N_, _

_INFO = date_parser.parserinfo()
_SPAN = re.compile(
    r"^(?:in\s+)?(?P<count>\d{1,3}|an?)\s*(?P<unit>d|w|m|days?|weeks?|months?)(?:\s+from\s+now)?$"
)
_WEEKDAY = re.compile(r"^(?:(?P<which>this|next|coming)\s+)?(?P<day>[a-z]+)$")
_DAY = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^\d{4}$")
_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?$")  # 15/03/2027, 15.03
_YEAR_MONTH_DAY = re.compile(r"^\d{4}[/.-]\d{1,2}[/.-]\d{1,2}$")  # 2027/03/15


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Text that reads as more than one date: the question, and how to write each."""

    question: str
    hint: str


@dataclass(frozen=True, slots=True)
class FromToday:
    """`tomorrow`, `in 2 weeks`, `30d`, `3m`: a span after today (months keep the day of
    the month, or the month's last day: 31 January + 1 month is 28 or 29 February)."""

    days: int = 0
    months: int = 0

    def resolve(self, today: dt.date) -> dt.date | Ambiguous:
        return today + relativedelta(days=self.days, months=self.months)


@dataclass(frozen=True, slots=True)
class NextWeekday:
    """`friday` and `next friday`: the first such day after today; `this friday`: today if
    it is a Friday. Written bare on that very weekday it could be either, so it is asked."""

    weekday: int  # Monday is 0
    which: Literal["bare", "this", "next"]
    text: str  # the day as written, for the question

    def resolve(self, today: dt.date) -> dt.date | Ambiguous:
        following = today + relativedelta(days=1, weekday=weekday(self.weekday))
        if today.weekday() != self.weekday or self.which == "next":
            return following
        if self.which == "this":
            return today
        return Ambiguous(
            _("'{text}' is today: did you mean today or {date}?").format(
                text=self.text, date=following.isoformat()
            ),
            _("write 'next {text}' for {date}, or the date itself").format(
                text=self.text, date=following.isoformat()
            ),
        )


@dataclass(frozen=True, slots=True)
class NextDayOfYear:
    """`15 March`: the next 15 March from today. Written on 15 March, it is asked."""

    month: int
    day: int

    def resolve(self, today: dt.date) -> dt.date | Ambiguous:
        upcoming = self._on_or_after(today)
        if upcoming != today:
            return upcoming
        later = self._on_or_after(today + dt.timedelta(days=1))
        return Ambiguous(
            _("{date} is today: did you mean today or {later}?").format(
                date=today.isoformat(), later=later.isoformat()
            ),
            _("write the year too, e.g. {example}").format(example=_spelled(later)),
        )

    def _on_or_after(self, first: dt.date) -> dt.date:
        for year in range(first.year, first.year + 9):  # a 29 February comes within eight
            try:
                date = dt.date(year, self.month, self.day)
            except ValueError:
                continue
            if date >= first:
                return date
        raise AssertionError("every day of the year comes round within eight years")


RelativeDate = FromToday | NextWeekday | NextDayOfYear | EndOf
WrittenDate = dt.date | RelativeDate


def read_date(text: str) -> WrittenDate | Ambiguous | BadValue:
    """What `text` says, as far as it can be known without knowing today."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    english = turkish_in_english(cleaned)  # `30 gün`, `6 aralık` (bot.core.dates_tr)
    for reader in (_relative, _iso, _numeric, _with_month_name):
        found = reader(english)
        if isinstance(found, BadValue) and english != cleaned:  # quote what was typed
            return BadValue(found.message.replace(f"'{english}'", f"'{cleaned}'"), found.hint)
        if found is not None:
            return found
    return BadValue(_("'{text}' is not a date").format(text=text.strip()), _(DATE_HINT))


def resolve_date(written: WrittenDate, today: dt.date) -> dt.date | Ambiguous:
    """The calendar date `written` names, read on `today` (the user's day)."""
    return written if isinstance(written, dt.date) else written.resolve(today)


def parse_date(text: str, today: dt.date) -> dt.date | Ambiguous | BadValue:
    """Read and resolve in one step: `parse_date("next friday", today)`."""
    written = read_date(text)
    if isinstance(written, Ambiguous | BadValue):
        return written
    return resolve_date(written, today)


def date_at_end(text: str) -> tuple[str, WrittenDate] | Ambiguous | BadValue:
    """The longest run of last words that is a date, and the words before it: `acme corp
    next friday` → ("acme corp", next Friday). A text with no date at its end is read whole,
    for the message."""
    words = text.split()
    for start in range(len(words)):
        found = read_date(" ".join(words[start:]))
        if isinstance(found, Ambiguous):
            return found
        if not isinstance(found, BadValue):
            return " ".join(words[:start]), found
    whole = read_date(text)
    return whole if isinstance(whole, BadValue | Ambiguous) else ("", whole)


def picked_date(value: str | None) -> dt.date | None:
    """A date picker's answer (Slack sends `YYYY-MM-DD`); None when there is none."""
    found = _iso((value or "").strip())
    return found if isinstance(found, dt.date) else None


DATE_HINT = N_(  # English, marked: translated where a refusal shows it
    "write a date such as tomorrow, friday, next friday, in 2 weeks, 30d, 3m, end of quarter, "
    "15 March, 15 March 2027 or 2027-03-15"
)


def _relative(text: str) -> WrittenDate | Ambiguous | None:
    period_end = read_period_end(text)
    if period_end is not None:
        return period_end
    if NEXT_PERIOD.match(text):
        return Ambiguous(
            _("'{text}' could be any day of it: which day?").format(text=text),
            _("write end of {text}, or the date itself, e.g. 15 March").format(text=text),
        )
    if text == "today":
        return FromToday()
    if text == "tomorrow":
        return FromToday(days=1)
    span = _SPAN.match(text)
    if span:
        count = 1 if span["count"] in ("a", "an") else int(span["count"])
        unit = span["unit"][0]
        if unit == "m":
            return FromToday(months=count)
        return FromToday(days=count * (7 if unit == "w" else 1))
    named = _WEEKDAY.match(text)
    day = _INFO.weekday(named["day"]) if named else None
    if named and day is not None:
        which = _WHICH[named["which"] or ""]
        return NextWeekday(day, which, text=named["day"])
    return None


_WHICH: dict[str, Literal["bare", "this", "next"]] = {
    "": "bare",
    "this": "this",
    "next": "next",
    "coming": "next",
}


def _iso(text: str) -> WrittenDate | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _numeric(text: str) -> WrittenDate | Ambiguous | BadValue | None:
    """`2027/03/15`, or day and month in either order: `15/03/2027` is clear, `03/04/2027`
    is asked (3 April or March 4?)."""
    if _YEAR_MONTH_DAY.match(text):
        return _dateutil(text, text, dayfirst=False)
    if not _DAY_MONTH_YEAR.match(text):
        return None
    day_first = _dateutil(text, text, dayfirst=True)
    month_first = _dateutil(text, text, dayfirst=False)
    if isinstance(day_first, BadValue) or day_first == month_first:
        return month_first
    if isinstance(month_first, BadValue):
        return day_first
    return Ambiguous(
        _("'{text}' could be {one} or {other}: which did you mean?").format(
            text=text, one=_spelled(day_first), other=_spelled(month_first)
        ),
        _("write the month's name, e.g. {example}, or the date as YYYY-MM-DD").format(
            example=_spelled(day_first)
        ),
    )


def _with_month_name(text: str) -> WrittenDate | BadValue | None:
    """`15 March`, `March 15 2027`, `15th of March, 2027`: one month's name, one day, and
    perhaps a year, in any order."""
    words = [word for word in text.split() if word != "of"]
    months = [word for word in words if _INFO.month(word) is not None]
    days = [word for word in words if _DAY.match(word)]
    years = [word for word in words if _YEAR.match(word)]
    if len(months) != 1 or len(days) > 1 or len(years) > 1:
        return None
    if len(months) + len(days) + len(years) != len(words):
        return None
    if not days:
        return BadValue(
            _("'{text}' does not say which day").format(text=text),
            _("write the day too, e.g. 15 {month}").format(month=months[0]),
        )
    return _dateutil(" ".join(words), text, dayfirst=True)


# Two defaults that differ in every part: a part the text leaves out reads differently
# under each (dateutil fills it in from the default), so it can be told from one given.
# Both are leap years, so that `29 February` alone reads as a day of the year.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2004, 2, 2))


def _dateutil(text: str, written: str, *, dayfirst: bool) -> dt.date | NextDayOfYear | BadValue:
    try:
        first, second = (
            date_parser.parse(text, default=default, dayfirst=dayfirst).date()
            for default in _DEFAULTS
        )
    except (ValueError, OverflowError):
        return BadValue(
            _("'{text}' is not a day of the calendar").format(text=written), _(DATE_HINT)
        )
    if first == second:
        return first
    if (first.month, first.day) == (second.month, second.day):
        return NextDayOfYear(first.month, first.day)
    return BadValue(_("'{text}' does not say which day").format(text=written), _(DATE_HINT))


def _spelled(date: dt.date | NextDayOfYear) -> str:
    """`3 April 2027`, `3 April`: a date no reader can take for another."""
    month = _MONTHS[date.month - 1]
    return f"{date.day} {month} {date.year}" if isinstance(date, dt.date) else f"{date.day} {month}"


_MONTHS = [names[-1] for names in _INFO.MONTHS]  # January, February…

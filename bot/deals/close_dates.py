"""Reading an expected close date, and what moving it counts as.

Accepted: an ISO date (2027-03-31), a month name with a day and a year in either order
(31 March 2027, March 31, 2027, 31 Mar 2027), or whatever `parse_future_date` reads
(spans such as 30d, 6w, 3m). Today is allowed, a past date is refused: a deal expected to
have closed already is a deal to move, not to date.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.core.values import BadValue, parse_future_date
from flows.i18n import _

MOST_YEARS_AHEAD = 5
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)? (?P<month>[a-z]+)\.? (?P<year>\d{4})$"
)
_MONTH_DAY_YEAR = re.compile(
    r"^(?P<month>[a-z]+)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)? (?P<year>\d{4})$"
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_close_date(text: str, *, today: dt.date) -> dt.date | BadValue:
    cleaned = " ".join(text.replace(",", " ").lower().split())
    date = _read(cleaned, today)
    if isinstance(date, BadValue):
        return date
    if date < today:
        return BadValue(
            _("{date} is in the past").format(date=date.isoformat()),
            _("an expected close date is today ({today}) or later").format(today=today.isoformat()),
        )
    if date.year > today.year + MOST_YEARS_AHEAD:
        return BadValue(
            _("{date} is more than {years} years away").format(
                date=date.isoformat(), years=MOST_YEARS_AHEAD
            ),
            _("pick a date within {years} years").format(years=MOST_YEARS_AHEAD),
        )
    return date


def _read(cleaned: str, today: dt.date) -> dt.date | BadValue:
    named = _DAY_MONTH_YEAR.match(cleaned) or _MONTH_DAY_YEAR.match(cleaned)
    try:
        if named and named["month"] in _MONTHS:
            return dt.date(int(named["year"]), _MONTHS[named["month"]], int(named["day"]))
        if _ISO.match(cleaned):  # read here, so a past date gets this module's message
            return dt.date.fromisoformat(cleaned)
    except ValueError:
        return _not_a_date(cleaned, today)
    spans = parse_future_date(cleaned, today=today)
    return _not_a_date(cleaned, today) if isinstance(spans, BadValue) else spans


def _not_a_date(text: str, today: dt.date) -> BadValue:
    example = today + dt.timedelta(days=90)
    return BadValue(
        _("'{text}' is not a date").format(text=text),
        _("write it as {iso} or {named}, or as a span such as 30d, 6w or 3m").format(
            iso=example.isoformat(), named=f"{example.day} {example.strftime('%B %Y')}"
        ),
    )


def is_push(before: dt.date | None, after: dt.date) -> bool:
    """Moving the date later is a push; setting it the first time, or earlier, is not."""
    return before is not None and after > before

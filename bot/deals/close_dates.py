"""Reading an expected close date, and what moving it counts as.

The date is read as every date is (bot.core.dates: ISO, month names, `next friday`,
spans such as 30d): text that could mean two dates is asked about, never guessed. Today is
allowed, a past date is refused: a deal expected to have closed already is a deal to move,
not to date.
"""

from __future__ import annotations

import datetime as dt

from bot.core.dates import Ambiguous, WrittenDate, parse_date, resolve_date
from bot.core.local_formats import day_text
from bot.core.values import BadValue
from flows.i18n import _

MOST_YEARS_AHEAD = 5


def parse_close_date(text: str, *, today: dt.date) -> dt.date | BadValue:
    date = parse_date(text, today)
    if isinstance(date, Ambiguous):
        return BadValue(date.question, date.hint)
    if isinstance(date, BadValue):
        return date
    return check_close_date(date, today=today)


def close_date_from(written: WrittenDate, *, today: dt.date) -> dt.date | BadValue:
    """A date the command line already read (`/deal new … close friday`), on `today`."""
    date = resolve_date(written, today)
    if isinstance(date, Ambiguous):
        return BadValue(date.question, date.hint)
    return check_close_date(date, today=today)


def check_close_date(date: dt.date, *, today: dt.date) -> dt.date | BadValue:
    if date < today:
        return BadValue(
            _("{date} is in the past").format(date=day_text(date)),
            _("an expected close date is today ({today}) or later").format(today=day_text(today)),
        )
    if date.year > today.year + MOST_YEARS_AHEAD:
        return BadValue(
            _("{date} is more than {years} years away").format(
                date=day_text(date), years=MOST_YEARS_AHEAD
            ),
            _("pick a date within {years} years").format(years=MOST_YEARS_AHEAD),
        )
    return date


def is_push(before: dt.date | None, after: dt.date) -> bool:
    """Moving the date later is a push; setting it the first time, or earlier, is not."""
    return before is not None and after > before

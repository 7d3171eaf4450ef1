"""The date a nurtured deal is to be picked up again: read as the rep wrote it
(bot.core.dates), resolved on today's date, strictly after today and within three years."""

from __future__ import annotations

import datetime as dt

from bot.core.dates import Ambiguous, WrittenDate, resolve_date
from bot.core.local_formats import day_text
from bot.core.outcomes import Invalid
from flows.i18n import _

MOST_DAYS_AWAY = 3 * 366


def reengage_date(until: WrittenDate | None, *, today: dt.date) -> dt.date | Invalid:
    """`today`: the user's day. Slack does not say a user's time zone with a command, so
    it is the clock's (UTC) day: `tomorrow` typed late in the evening in California is the
    day after UTC's today."""
    if until is None:
        return Invalid(
            _("the re-engage date is missing"),
            _("e.g. next friday, 3m or 2027-03-15"),
            field="date",
        )
    date = resolve_date(until, today)
    if isinstance(date, Ambiguous):
        return Invalid(date.question, date.hint, field="date")
    if date <= today:
        return Invalid(
            _("{date} is not in the future").format(date=day_text(date)),
            _("the re-engage date must be after today ({today})").format(today=day_text(today)),
            field="date",
        )
    if date > today + dt.timedelta(days=MOST_DAYS_AWAY):
        return Invalid(
            _("{date} is more than three years away").format(date=day_text(date)),
            _("pick a re-engage date within three years"),
            field="date",
        )
    return date

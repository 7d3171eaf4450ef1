"""The expected close date as cards, lists and digests show it, with the slipping flag."""

from __future__ import annotations

import datetime as dt

from bot.core.local_formats import day_text
from bot.core.outcomes import SLIPPING_PUSHES
from bot.views.counts import counted
from flows.i18n import _


def close_date_text(date: dt.date) -> str:
    """ "31 Mar 2027": month names read the same to everyone, unlike 03/31 and 31/03."""
    return day_text(date)


def slipping_text(pushes: int) -> str:
    return ":warning: " + _("slipping (moved {times})").format(
        times=counted(pushes, "{count} time", "{count} times")
    )


def close_fact(date: dt.date, pushes: int) -> str:
    """The card's fact: the date, and the flag once it slipped."""
    text = close_date_text(date)
    return f"{text} · {slipping_text(pushes)}" if pushes >= SLIPPING_PUSHES else text

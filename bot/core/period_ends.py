"""`end of month`, `end of next quarter`, `eoy`: the last day of a calendar period, the way
sales teams date a close ("we'll sign by end of quarter"). Quarters are calendar quarters
(January to March, ...): the map has no fiscal year to go by. Read by bot.core.dates, which
also asks what a bare `next month` means rather than guess a day in it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dateutil.relativedelta import relativedelta

Period = Literal["month", "quarter", "year"]
MONTHS_IN: dict[Period, int] = {"month": 1, "quarter": 3, "year": 12}
_END_OF = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+)?(?P<period>month|quarter|year)$"
)
_SHORT: dict[str, Period] = {"eom": "month", "eoq": "quarter", "eoy": "year"}
NEXT_PERIOD = re.compile(r"^next\s+(?P<period>month|quarter|year)$")


@dataclass(frozen=True, slots=True)
class EndOf:
    """The last day of this `period` (`later` 0) or of the one after it (`later` 1)."""

    period: Period
    later: int = 0

    def resolve(self, today: dt.date) -> dt.date:
        months = MONTHS_IN[self.period]
        first = dt.date(today.year, (today.month - 1) // months * months + 1, 1)
        return first + relativedelta(months=months * (self.later + 1), days=-1)


def read_period_end(text: str) -> EndOf | None:
    """`text` lower-cased, one space between words."""
    if text in _SHORT:
        return EndOf(_SHORT[text])
    found = _END_OF.match(text)
    if found is None:
        return None
    period: Period = found["period"]  # type: ignore[assignment]  # the pattern allows no other
    return EndOf(period, later=1 if found["next"] else 0)

"""Reporting periods as people type them (`30d`, `this-quarter`, `2026-Q1`, `2026`,
`2026-01-01..2026-03-31`, `all`) and planning periods (month, quarter, year).

Days are UTC calendar days; a period includes both its first and its last day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.local_formats import number
from bot.core.values import BadValue
from flows.i18n import N_, _, ngettext
from storage.kpi_scope import Window

MAX_DAYS = 3660
PERIOD_EXAMPLES = "30d, 90d, this-quarter, last-quarter, 2026-Q1, 2026, 2026-01-01..2026-03-31, all"
_DAYS = re.compile(r"^(\d{1,4})d$")
_QUARTER = re.compile(r"^(\d{4})-?q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` to `end`, both days included; None on a side: unbounded ("all")."""

    start: dt.date | None
    end: dt.date | None
    label: str

    @classmethod
    def everything(cls) -> Period:
        return cls(None, None, "all")

    @classmethod
    def between(cls, start: dt.date, end: dt.date, label: str | None = None) -> Period:
        return cls(start, end, label or f"{start.isoformat()}..{end.isoformat()}")

    @classmethod
    def last_days(cls, days: int, *, today: dt.date) -> Period:
        return cls(today - dt.timedelta(days=days - 1), today, f"{days}d")

    def window(self) -> Window:
        return Window(start=_midnight(self.start), end=_midnight(_day_after(self.end)))

    def as_json(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def period_words(period: Period) -> str:
    """The period as a sentence says it, in the reader's language ("the last 90 days", "this
    quarter", "all time"). Its label is what people type: the JSON and the CLI keep it, and a
    year, a quarter or a range of dates is shown as it was typed."""
    return label_words(period.label)


def label_words(label: str) -> str:
    """`period_words` for a period known by its label ("90d", "this-quarter", "all")."""
    if label == Period.everything().label:
        return _("all time")
    if days := _DAYS.match(label):
        count = int(days.group(1))
        said = ngettext("the last day", "the last {count} days", count)
        return said.format(count=number(count))
    named = _NAMED_PERIODS.get(label)
    return _(named) if named else label


# Marked here, translated when shown (flows/i18n.py).
_NAMED_PERIODS = {
    "this-quarter": N_("this quarter"),
    "last-quarter": N_("last quarter"),
    "this-month": N_("this month"),
    "last-month": N_("last month"),
    "this-year": N_("this year"),
    "last-year": N_("last year"),
}


def _midnight(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


def _day_after(day: dt.date | None) -> dt.date | None:
    return day + dt.timedelta(days=1) if day else None


def parse_period(text: str | None, *, today: dt.date, default: str = "90d") -> Period | BadValue:
    key = (text or default).strip().lower()
    found = _named(key, today) or _dated(key)
    if found is None:
        return BadValue(
            _("'{text}' is not a period").format(text=(text or "").strip()),
            _("write one of: {examples}").format(examples=PERIOD_EXAMPLES),
        )
    if isinstance(found, Period) and found.start and found.end and found.start > found.end:
        return BadValue(
            _("the period {label} ends before it starts").format(label=found.label),
            _("write the earlier date first, e.g. 2026-01-01..2026-03-31"),
        )
    return found


def _named(key: str, today: dt.date) -> Period | BadValue | None:
    if key == "all":
        return Period.everything()
    if key in ("this-quarter", "last-quarter"):
        first = quarter_start(today)
        if key == "last-quarter":
            first = quarter_start(first - dt.timedelta(days=1))
        return Period.between(first, quarter_end(first), key)
    if key in ("this-month", "last-month"):
        first = today.replace(day=1)
        if key == "last-month":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return Period.between(first, month_end(first), key)
    if key in ("this-year", "last-year"):
        year = today.year - (key == "last-year")
        return Period.between(dt.date(year, 1, 1), dt.date(year, 12, 31), key)
    days = _DAYS.match(key)
    if days:
        count = int(days.group(1))
        if not 1 <= count <= MAX_DAYS:
            return BadValue(
                _("{count}d is not a span stagecoach reports on").format(count=count),
                _("use 1d to {most}d, or all").format(most=MAX_DAYS),
            )
        return Period.last_days(count, today=today)
    return None


def _dated(key: str) -> Period | None:
    try:
        return _dated_or_raise(key)
    except ValueError:
        return None


def _dated_or_raise(key: str) -> Period | None:
    if match := _QUARTER.match(key):
        first = dt.date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
        return Period.between(first, quarter_end(first), f"{match.group(1)}-Q{match.group(2)}")
    if match := _YEAR.match(key):
        year = int(match.group(1))
        return Period.between(dt.date(year, 1, 1), dt.date(year, 12, 31), key)
    if match := _MONTH.match(key):
        first = dt.date(int(match.group(1)), int(match.group(2)), 1)
        return Period.between(first, month_end(first), key)
    if match := _RANGE.match(key):
        start, end = (dt.date.fromisoformat(part) for part in match.groups())
        return Period.between(start, end)
    return None


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    first = quarter_start(day)
    return month_end(dt.date(first.year, first.month + 2, 1))


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


class PlanPeriod(StrEnum):
    """How long the quota of `/deal plan` is for."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def months(self) -> int:
        return {PlanPeriod.MONTH: 1, PlanPeriod.QUARTER: 3, PlanPeriod.YEAR: 12}[self]

    def words(self) -> str:
        """The period as a noun in the reader's language ("quarter"), for "per {period}";
        the value is the English a user types."""
        return _(_PLAN_PERIOD_WORDS[self])


_PLAN_PERIOD_WORDS = {
    PlanPeriod.MONTH: N_("month"),
    PlanPeriod.QUARTER: N_("quarter"),
    PlanPeriod.YEAR: N_("year"),
}


def parse_plan_period(text: str | None) -> PlanPeriod | BadValue:
    key = (text or PlanPeriod.QUARTER.value).strip().lower()
    aliases = {"monthly": "month", "quarterly": "quarter", "yearly": "year", "annual": "year"}
    try:
        return PlanPeriod(aliases.get(key, key))
    except ValueError:
        return BadValue(
            _("'{text}' is not a planning period").format(text=(text or "").strip()),
            _("write month, quarter or year"),
        )

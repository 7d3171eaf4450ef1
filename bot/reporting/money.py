"""Money KPIs per currency, and their sum in the workspace's reporting currency when one is
configured with rates (bot.core.reporting_currency).

Amounts in different currencies are never added up unconverted. Every currency with an
open or a won deal gets its own figures, so no deal drops out of a report unseen: the
counts of all currencies add up to the report's deal counts (tests/reporting pins it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.reporting_currency import ReportingCurrency
from storage import kpi_events as ev
from storage import kpi_queries as q


@dataclass(frozen=True, slots=True)
class CurrencyMoney:
    """One currency's open pipeline and won deals (or the converted sum of several)."""

    currency: str
    open: int
    qualified: int
    amount: float  # Σ amount of its open deals
    weighted: float  # Σ amount × the probability of the deal's stage
    won: int  # deals won in the period
    won_with_amount: int  # of which have an amount: what the average rests on
    won_total: float

    @property
    def average_won_amount(self) -> float | None:
        return self.won_total / self.won_with_amount if self.won_with_amount else None


@dataclass(frozen=True, slots=True)
class Converted:
    """The currencies with a rate, added up in the reporting currency; the others apart."""

    total: CurrencyMoney
    currencies: tuple[str, ...]  # the currencies the total holds (the reporting one too)
    unconverted: tuple[str, ...]  # currencies with deals but no rate in the rates file


def per_currency(
    pipeline: Sequence[ev.Pipeline], won: Sequence[q.MoneyByCurrency], *, first: str
) -> list[CurrencyMoney]:
    """Each currency's figures; `first` (the report's own currency) leads, present or not,
    then the others by how many open deals they have."""
    codes = {first, *(p.currency for p in pipeline), *(w.currency for w in won)}
    open_by, won_by = {p.currency: p for p in pipeline}, {w.currency: w for w in won}
    found = [_money(code, open_by.get(code), won_by.get(code)) for code in codes]
    return sorted(found, key=lambda m: (m.currency != first, -m.open, -m.won, m.currency))


def _money(
    code: str, open_deals: ev.Pipeline | None, won: q.MoneyByCurrency | None
) -> CurrencyMoney:
    return CurrencyMoney(
        currency=code,
        open=open_deals.open if open_deals else 0,
        qualified=open_deals.qualified if open_deals else 0,
        amount=open_deals.amount if open_deals else 0.0,
        weighted=open_deals.weighted if open_deals else 0.0,
        won=won.count if won else 0,
        won_with_amount=won.with_amount if won else 0,
        won_total=won.total if won else 0.0,
    )


def converted(money: Sequence[CurrencyMoney], reporting: ReportingCurrency) -> Converted:
    """The sum of every currency that has a rate, in the reporting currency."""
    rated = [(m, rate) for m in money if (rate := reporting.rate(m.currency)) is not None]
    total = CurrencyMoney(
        currency=reporting.currency,
        open=sum(m.open for m, _ in rated),
        qualified=sum(m.qualified for m, _ in rated),
        amount=sum(m.amount * rate for m, rate in rated),
        weighted=sum(m.weighted * rate for m, rate in rated),
        won=sum(m.won for m, _ in rated),
        won_with_amount=sum(m.won_with_amount for m, _ in rated),
        won_total=sum(m.won_total * rate for m, rate in rated),
    )
    unconverted = tuple(m.currency for m in money if reporting.rate(m.currency) is None)
    return Converted(total, tuple(m.currency for m, _ in rated), unconverted)

"""The reverse funnel (`/deal plan`, `stagecoach plan`): from a quota back to how many deals
must enter each stage per period.

wins needed = ⌈quota ÷ average won amount⌉; then, walking back from the won stage, the
deals that must enter a stage = those that must enter the next one ÷ the stage's
conversion. A stage's conversion is the measured one (converted ÷ decided entries, see
storage.kpi_queries: entries still in the stage are no failures) when at least
PLAN_MIN_DECIDED entries are decided and some converted; otherwise the measured rate is not
yet meaningful and the map's default is used, the ratio of the stage's win probability to
the next stage's (a stage at 20% before one at 40%: half of its deals move on), capped at
100%. Each step says how many decided entries it rests on.
Converted counts a move to any later stage, so the walk treats a skip as a move to the
next stage: the figure for the skipped stage counts deals that pass it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.reporting.kpis import StageStats, Stats
from bot.reporting.minimums import PLAN_MIN_DECIDED
from bot.reporting.money import CurrencyMoney
from bot.reporting.periods import PlanPeriod
from flows.i18n import _
from flows.schema import Stage

MIN_ENTRIES = PLAN_MIN_DECIDED


class Source(StrEnum):
    MEASURED = "measured"
    MAP = "map"  # too few decided entries: the map's probabilities


@dataclass(frozen=True, slots=True)
class PlanStep:
    stage: Stage
    entries: int  # entries of history
    decided: int  # of which moved on or left: what the measurement rests on
    still_in: int  # of which are still in the stage
    measured: float | None  # converted ÷ decided, when any entry was decided
    conversion: float  # the rate the walk used
    source: Source
    needed: float  # deals that must enter the stage per period (exact)

    @property
    def deals(self) -> int:
        return math.ceil(self.needed - 1e-9)  # 12.0000000001 from float division is 12


@dataclass(frozen=True, slots=True)
class Plan:
    quota: float
    currency: str
    period: PlanPeriod
    average_won_amount: float
    won_deals_measured: int
    wins: int
    won_stage: Stage
    steps: list[PlanStep]  # the sales stages before the won stage, in map order
    min_decided: int = MIN_ENTRIES  # decided entries a measured conversion needs

    @property
    def top(self) -> PlanStep | None:
        return self.steps[0] if self.steps else None


@dataclass(frozen=True, slots=True)
class NoPlan:
    message: str
    hint: str


def reverse_funnel(
    stats: Stats,
    *,
    quota: float,
    period: PlanPeriod,
    min_entries: int = MIN_ENTRIES,
    money: CurrencyMoney | None = None,
) -> Plan | NoPlan:
    """The plan in the currency of `money` (default: the report's headline currency)."""
    money = money or stats.headline_money
    currency, average = money.currency, money.average_won_amount
    if not average:
        return _no_average(currency)
    wins = math.ceil(quota / average - 1e-9)
    sales = [s for s in stats.stages if not s.won and not s.post_sale]
    won_stage = next(s for s in stats.stages if s.won).stage
    steps: list[PlanStep] = []
    needed, after = float(wins), won_stage
    for stage in reversed(sales):
        step = _step(stage, needed_next=needed, next_stage=after, min_entries=min_entries)
        steps.insert(0, step)
        needed, after = step.needed, stage.stage
    return Plan(
        quota=quota,
        currency=currency,
        period=period,
        average_won_amount=average,
        won_deals_measured=money.won_with_amount,
        wins=wins,
        won_stage=won_stage,
        steps=steps,
        min_decided=min_entries,
    )


def _no_average(currency: str) -> NoPlan:
    return NoPlan(
        _("no won deal with an amount in {currency} yet, so no average deal size").format(
            currency=currency
        ),
        _(
            "record amounts on deals (e.g. /deal new Acme 50k), or import your history: "
            "stagecoach import deals.csv"
        ),
    )


def _step(
    stage: StageStats, *, needed_next: float, next_stage: Stage, min_entries: int
) -> PlanStep:
    measured = stage.conversion
    if stage.flow.decided >= min_entries and measured:
        rate, source = measured, Source.MEASURED
    else:
        rate, source = default_conversion(stage.stage, next_stage), Source.MAP
    return PlanStep(
        stage=stage.stage,
        entries=stage.flow.entered,
        decided=stage.flow.decided,
        still_in=stage.flow.still_in,
        measured=measured,
        conversion=rate,
        source=source,
        needed=needed_next / rate,
    )


def default_conversion(stage: Stage, next_stage: Stage) -> float:
    """The share of a stage's deals that reach the next one if the map's win
    probabilities hold: p(stage) ÷ p(next), within (0, 1]."""
    here, there = max(stage.probability, 1), max(next_stage.probability, 1)
    return min(1.0, here / there)


def plan_json(plan: Plan) -> dict[str, Any]:
    """`stagecoach plan --json`: per period and per month, stage by stage."""
    months = plan.period.months
    return {
        "quota": plan.quota,
        "currency": plan.currency,
        "period": plan.period.value,
        "average_won_amount": round(plan.average_won_amount, 2),
        "won_deals_measured": plan.won_deals_measured,
        "wins": plan.wins,
        "wins_per_month": math.ceil(plan.wins / months - 1e-9),
        "stages": [
            {
                "id": step.stage.id,
                "deals": step.deals,
                "deals_per_month": math.ceil(step.needed / months - 1e-9),
                "conversion": round(step.conversion, 4),
                "source": step.source.value,
                "entries": step.entries,
                "decided": step.decided,
                "still_in": step.still_in,
                "measured": None if step.measured is None else round(step.measured, 4),
            }
            for step in plan.steps
        ],
        "won_stage": plan.won_stage.id,
        "min_decided_entries": plan.min_decided,
    }

"""The reverse funnel (`/deal plan`, `stagecoach plan`): from a quota back to how many deals
must enter each stage per period.

wins needed = ⌈quota ÷ average won amount⌉; then, walking back from the won stage, the
deals that must enter a stage = those that must enter the next one ÷ the stage's
conversion. A stage's conversion is the measured one (converted ÷ entered, see
storage.kpi_queries) when it has at least MIN_ENTRIES entries of history and converted
some; otherwise the map's default, the ratio of the stage's win probability to the next
stage's (a stage at 20% before one at 40%: half of its deals move on), capped at 100%.
Converted counts a move to any later stage, so the walk treats a skip as a move to the
next stage: the figure for the skipped stage counts deals that pass it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.reporting.kpis import StageStats, Stats
from bot.reporting.periods import PlanPeriod
from flows.i18n import _
from flows.schema import Stage

MIN_ENTRIES = 10


class Source(StrEnum):
    MEASURED = "measured"
    MAP = "map"  # too little history: the map's probabilities


@dataclass(frozen=True, slots=True)
class PlanStep:
    stage: Stage
    entries: int  # entries of history the measurement rests on
    measured: float | None  # converted ÷ entered, when there was any entry
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

    @property
    def top(self) -> PlanStep | None:
        return self.steps[0] if self.steps else None


@dataclass(frozen=True, slots=True)
class NoPlan:
    message: str
    hint: str


def reverse_funnel(
    stats: Stats, *, quota: float, period: PlanPeriod, min_entries: int = MIN_ENTRIES
) -> Plan | NoPlan:
    if not stats.average_won_amount:
        return NoPlan(
            _("no won deal with an amount in {currency} yet, so no average deal size").format(
                currency=stats.currency
            ),
            _(
                "record amounts on deals (e.g. /deal new Acme 50k), or import your history: "
                "stagecoach import deals.csv"
            ),
        )
    wins = math.ceil(quota / stats.average_won_amount - 1e-9)
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
        currency=stats.currency,
        period=period,
        average_won_amount=stats.average_won_amount,
        won_deals_measured=stats.won,
        wins=wins,
        won_stage=won_stage,
        steps=steps,
    )


def _step(
    stage: StageStats, *, needed_next: float, next_stage: Stage, min_entries: int
) -> PlanStep:
    measured = stage.conversion
    if stage.flow.entered >= min_entries and measured:
        rate, source = measured, Source.MEASURED
    else:
        rate, source = default_conversion(stage.stage, next_stage), Source.MAP
    return PlanStep(
        stage=stage.stage,
        entries=stage.flow.entered,
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
            }
            for step in plan.steps
        ],
        "won_stage": plan.won_stage.id,
    }

"""What the reporting use cases return (`/deal stats`, `/deal plan`, `/deal map actual`).
No Slack types here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.outcomes import Outcome
from bot.reporting.kpis import Stats
from bot.reporting.periods import Period
from bot.reporting.plan import Plan
from flows.actual_flow import ActualFlow
from flows.schema import ProcessMap


@dataclass(frozen=True, slots=True)
class StatsReport(Outcome):
    """`/deal stats`: the KPIs of the user's scope (`scope_title` says whose)."""

    stats: Stats
    scope_title: str


@dataclass(frozen=True, slots=True)
class PlanReport(Outcome):
    """`/deal plan`: the reverse funnel from a quota, for the user's scope."""

    plan: Plan
    scope_title: str


@dataclass(frozen=True, slots=True)
class ActualFlowReport(Outcome):
    """`/deal map actual`: what deals did on `process_map` in `period`, for a scope; the
    picture (flows/diagram_actual.py) goes with it."""

    process_map: ProcessMap
    flow: ActualFlow
    scope_title: str
    period: Period

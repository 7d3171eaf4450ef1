"""What the reporting use cases return (`/deal stats`, `/deal plan`). No Slack types here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.outcomes import Outcome
from bot.reporting.kpis import Stats
from bot.reporting.plan import Plan


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

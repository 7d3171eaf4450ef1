"""The digest's funnel numbers, taken from the KPI layer (bot.reporting.kpis), so a digest and
`/deal stats` never disagree. This is the one place that knows the KPI types.

Funnel numbers need more history than one day or week holds: they cover the trailing
FUNNEL_DAYS, while the rest of the digest covers the time since the last one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.context import Services
from bot.core.scope import Scope
from bot.reporting.kpis import Stats, compute_stats
from bot.reporting.periods import Period

FUNNEL_DAYS = 90


@dataclass(frozen=True, slots=True)
class FunnelRow:
    stage_name: str
    entered: int
    converted: int
    conversion: float | None  # converted ÷ decided; None: terminal, or nothing decided yet
    won: bool = False
    decided: int = 0  # entries that moved on or left: what the conversion rests on
    still_in: int = 0  # entries still in the stage: undecided, not failures


@dataclass(frozen=True, slots=True)
class OtherPipeline:
    """The weighted pipeline of a currency the headline figure leaves out."""

    currency: str
    open: int
    weighted: float


@dataclass(frozen=True, slots=True)
class Funnel:
    period_label: str
    rows: list[FunnelRow]
    win_rate: float | None
    weighted_pipeline: float
    currency: str
    other_pipelines: tuple[OtherPipeline, ...] = ()


async def funnel_numbers(
    services: Services, *, team_id: str, scope: Scope, today: dt.date
) -> Funnel:
    period = Period.last_days(FUNNEL_DAYS, today=today)
    stats = await compute_stats(services, team_id=team_id, scope=scope, period=period)
    return funnel_from(stats)


def funnel_from(stats: Stats) -> Funnel:
    """The sales funnel: main-path stages up to the win (post-sale stages are reported apart)."""
    rows = [
        FunnelRow(
            stage_name=stage.stage.name,
            entered=stage.flow.entered,
            converted=stage.flow.converted,
            conversion=stage.conversion,
            won=stage.won,
            decided=stage.flow.decided,
            still_in=stage.flow.still_in,
        )
        for stage in stats.stages
        if not stage.post_sale
    ]
    return Funnel(
        period_label=stats.period.label,
        rows=rows,
        win_rate=stats.win_rate,
        weighted_pipeline=stats.pipeline.weighted,
        currency=stats.currency,
        other_pipelines=tuple(
            OtherPipeline(m.currency, m.open, m.weighted) for m in stats.other_currencies if m.open
        ),
    )

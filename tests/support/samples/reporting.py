"""One sample of each KPI outcome, for tests/views/test_views_outcomes.py (every Outcome type
has a sample and a view) and for the reporting tests: built by hand, no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.reporting.counted import CountedStat
from bot.reporting.kpis import StageStats, Stats
from bot.reporting.money import CurrencyMoney
from bot.reporting.outcomes import PlanReport, StatsReport
from bot.reporting.periods import Period, PlanPeriod
from bot.reporting.plan import reverse_funnel
from flows.loader import load_shipped
from storage.kpi_deviations import DeviationKind, GateDeviation, GateDeviations, Tally
from storage.kpi_events import StatusCounts
from storage.kpi_queries import StageFlow
from storage.percentiles import EMPTY, Summary

MAP = load_shipped("default")
# entries, converted and still in, per main-path stage of the default map
FLOWS = {
    "qualify": (120, 80, 10),
    "discovery": (80, 50, 8),
    "demo": (50, 36, 4),
    "proposal": (36, 30, 3),
    "commit": (30, 25, 2),
    "closed_won": (25, 20, 5),
    "onboarding": (20, 0, 20),
}


def _stage_stats(stage_id: str) -> StageStats:
    stage = MAP.stage(stage_id)
    entered, converted, still_in = FLOWS.get(stage_id, (4, 0, 1))
    spread = Summary(count=entered - still_in, mean=7.0, median=6.0, p90=14.5)
    return StageStats(
        stage=stage,
        flow=StageFlow(
            stage_id, entered, converted, still_in, 2, 2, 1, entered - converted - still_in
        ),
        cumulative=spread if entered > still_in else EMPTY,
        latest=spread if entered > still_in else EMPTY,
        won=stage.won,
        post_sale=MAP.is_post_sale(stage_id),
        terminal=stage.won or not stage.is_open or stage == MAP.open_stages[-1],
    )


def sample_stats(**changes: Any) -> Stats:
    values: dict[str, Any] = {
        "scope": "team:U0MGR0001",
        "period": Period.between(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        "map_id": MAP.id,
        "currency": MAP.currency,
        "statuses": StatusCounts(open=40, nurture=3, lost=35, disqualified=4),
        "won": 25,
        "cycle": Summary(count=25, mean=41.2, median=38.5, p90=70.0),
        "stages": [_stage_stats(stage.id) for stage in MAP.open_stages],
        "exits": [_stage_stats(stage.id) for stage in MAP.stages if not stage.is_open],
        "money": [
            CurrencyMoney(
                "USD",
                open=40,
                qualified=30,
                amount=2_000_000.0,
                weighted=812_000.0,
                won=25,
                won_with_amount=25,
                won_total=1_200_000.0,
            )
        ],
        "first_response_hours": Summary(count=90, mean=5.0, median=3.5, p90=20.0),
        "lost_reasons": [
            CountedStat("Chose a competitor", "Chose a competitor", "proposal", 12, "Proposal")
        ],
        "objections": [
            CountedStat("demo_price", "It's too expensive", "demo", 4, "Solution demo"),
            CountedStat("demo_price", "It's too expensive", "proposal", 2, "Proposal"),
        ],
        "overrides": [CountedStat(None, "Discovery", "discovery", 2)],
        "reopens": [CountedStat(None, "Solution demo", "demo", 1)],
        "deviations": GateDeviations(
            overrides=Tally(moves=2, gates=2, deals=2),
            skips=Tally(moves=1, gates=2, deals=1),
            recent_overrides=[
                sample_deviation(DeviationKind.OVERRIDE, 7, "Initech", "discovery", "demo"),
                sample_deviation(DeviationKind.OVERRIDE, 4, "Globex", "discovery", "demo"),
            ],
            recent_skips=[sample_deviation(DeviationKind.SKIP, 9, "R&D <EU>", "qualify", "demo")],
        ),
    }
    return Stats(**(values | changes))


def sample_deviation(
    kind: DeviationKind, deal_id: int, name: str, origin: str, to_stage: str, *, gates: int = 1
) -> GateDeviation:
    """A move past a gate; an override leaves one item open, a skip comes from nurture."""
    overridden = kind is DeviationKind.OVERRIDE
    return GateDeviation(
        kind=kind,
        event_id=deal_id * 10,
        at=dt.datetime(2026, 3, 2, 9, deal_id, tzinfo=dt.UTC),
        actor_id="U0MGR0001" if overridden else "U0REP0001",
        deal_id=deal_id,
        deal_name=name,
        owner_id="U0REP0001",
        amount=20_000.0,
        currency="USD",
        map_id=MAP.id,
        map_version=MAP.version,
        deal_stage=to_stage,
        from_stage=origin if overridden else "nurture",
        origin=origin,
        to_stage=to_stage,
        gates=gates,
        reason="the CFO signed the pilot terms" if overridden else None,
        open_items=("budget",) if overridden else (),
    )


def sample_plan_report() -> PlanReport:
    plan = reverse_funnel(sample_stats(), quota=1_200_000.0, period=PlanPeriod.QUARTER)
    assert not hasattr(plan, "hint"), plan
    return PlanReport(plan=plan, scope_title="your team")  # type: ignore[arg-type]


SAMPLES: dict[type, Callable[[], Any]] = {
    StatsReport: lambda: StatsReport(stats=sample_stats(), scope_title="your team"),
    PlanReport: sample_plan_report,
}

"""The /deal stats and /deal plan messages: what they say, within Slack's limits, for both
shipped maps and for a scope with no data at all."""

from __future__ import annotations

import datetime as dt

from bot.reporting.kpis import StageStats
from bot.reporting.outcomes import PlanReport, StatsReport
from bot.reporting.periods import Period, PlanPeriod
from bot.reporting.plan import Plan, reverse_funnel
from bot.views.outcomes import outcome_message
from bot.views.text import render_text
from flows.loader import load_shipped
from storage.kpi_deviations import GateDeviations
from storage.kpi_events import StatusCounts
from storage.kpi_queries import StageFlow
from storage.percentiles import EMPTY
from tests.support.samples.reporting import sample_plan_report, sample_stats
from tests.support.views import message_problems


def test_stats_say_the_headline_numbers_and_the_funnel() -> None:
    message = outcome_message(StatsReport(stats=sample_stats(), scope_title="your team"))
    assert message_problems(message) == []
    assert message.text == (
        "KPIs: your team, 2026-01-01..2026-06-30: win rate 41.7%, 25 won, 35 lost, "
        "cycle 38.5 days (median); 4 gates passed without their exit items"
    )
    shown = render_text(message.blocks)
    assert "Weighted pipeline: $812,000" in shown
    # 120 entered, 10 still there: 80 of the 110 decided moved on
    assert "Qualification               120        10     72.7% of 110    6.0 / 14.5" in shown
    assert "Closed won                   25         5                –" in shown  # terminal
    assert "Onboarding" not in shown  # post-sale stages are reported apart (JSON)
    assert "Proposal: Chose a competitor: 12 lost · “It's too expensive” heard 2×" not in shown
    assert "Proposal: Chose a competitor: 12 lost" in shown
    assert "Solution demo: “It's too expensive” heard 4×" in shown
    assert "Proposal: “It's too expensive” heard 2×" in shown
    # which deals passed gates without their items, newest first, and how
    assert "Gates passed without their exit items" in shown
    assert "• 2 gates passed by override: Initech (#7), Globex (#4)" in shown
    assert "• 2 gates skipped without an override, in 1 move: R&D <EU> (#9)" in shown
    assert "Off the straight path: 1 reopened · 7 moves back" in shown


def test_stats_with_nothing_to_show() -> None:
    extended = load_shipped("extended")
    nothing = sample_stats(
        map_id=extended.id,
        statuses=StatusCounts(),
        won=0,
        cycle=EMPTY,
        stages=[
            StageStats(stage, StageFlow(stage.id, 0, 0, 0, 0, 0, 0), EMPTY, EMPTY, won=stage.won)
            for stage in extended.open_stages
        ],
        exits=[],
        money=[],
        first_response_hours=EMPTY,
        lost_reasons=[],
        objections=[],
        overrides=[],
        reopens=[],
        deviations=GateDeviations(),
        period=Period.between(dt.date(2026, 1, 1), dt.date(2026, 1, 31), "2026-01"),
    )
    message = outcome_message(StatsReport(stats=nothing, scope_title="your deals"))
    assert message_problems(message) == []
    shown = render_text(message.blocks)
    assert "Win rate: –" in shown and "Velocity: not enough won deals yet (0)" in shown
    assert "Sales cycle: no deal won yet" in shown
    assert "Brand awareness" in shown and "Off the straight path" not in shown
    # no deviation is said as a zero, not left out
    assert "• 0 gates passed by override\n• 0 gates skipped without an override" in shown
    assert message.text.endswith("; 0 gates passed without their exit items")


def test_the_plan_says_where_the_rates_come_from() -> None:
    report = sample_plan_report()
    message = outcome_message(report)
    assert message_problems(message) == []
    assert message.text == (
        "Plan: $1,200,000 per quarter, your team: 25 wins needed, 78 new deals in Qualification"
    )
    shown = render_text(message.blocks)
    assert "Average won deal: $48,000 (from 25 won deals) → 25 wins per quarter." in shown
    assert (
        "Qualification                    78       26  72.7% measured (110 decided, 10 still in stage)"
        in shown
    )
    assert "Every conversion is measured." in shown

    thin = reverse_funnel(sample_stats(), quota=480_000.0, period=PlanPeriod.MONTH, min_entries=40)
    assert isinstance(thin, Plan)
    shown = render_text(outcome_message(PlanReport(plan=thin, scope_title="x")).blocks)
    assert (
        "75.0% map default (90.9% from 33 decided, 3 still in stage: not yet meaningful, under 40)"
        in shown
    )
    assert "map defaults (win probabilities) for: Proposal, Negotiation and commit." in shown
    assert "a month" not in shown  # the period is a month already

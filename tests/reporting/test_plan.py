"""The reverse funnel: wins from the quota, then back stage by stage through measured
conversions, or the map's defaults where a stage has too little history (it says so)."""

from __future__ import annotations

import math

import pytest

from bot.core.context import Services
from bot.core.scope import Scope
from bot.reporting.kpis import compute_stats
from bot.reporting.measure import Need
from bot.reporting.periods import Period, PlanPeriod
from bot.reporting.plan import NoPlan, Plan, Source, default_conversion, plan_json, reverse_funnel
from flows.loader import load_shipped
from tests.support.known_history import TEAM
from tests.support.samples.reporting import sample_stats

MAP = load_shipped("default")


def planned(**changes: object) -> Plan:
    plan = reverse_funnel(sample_stats(), **changes)  # type: ignore[arg-type]
    assert isinstance(plan, Plan), plan
    return plan


def test_measured_conversions_walk_back_from_the_wins() -> None:
    # sample: average won deal 48,000; per stage (entered, converted, still in):
    # qualify 120/80/10, discovery 80/50/8, demo 50/36/4, proposal 36/30/3, commit 30/25/2
    plan = planned(quota=1_200_000.0, period=PlanPeriod.QUARTER)
    assert plan.wins == 25  # ⌈1,200,000 ÷ 48,000⌉
    needed = {step.stage.id: step.needed for step in plan.steps}
    # each rate is converted ÷ decided: the entries still in a stage are no failures
    commit = 25 / (25 / 28)
    proposal = commit / (30 / 33)
    demo = proposal / (36 / 46)
    discovery = demo / (50 / 72)
    qualify = discovery / (80 / 110)
    assert needed == pytest.approx(
        {
            "commit": commit,
            "proposal": proposal,
            "demo": demo,
            "discovery": discovery,
            "qualify": qualify,
        }
    )
    assert [step.deals for step in plan.steps] == [math.ceil(n - 1e-9) for n in needed.values()]
    assert all(step.source is Source.MEASURED for step in plan.steps)
    assert plan_json(plan)["stages"][0] == {
        "id": "qualify",
        "deals": math.ceil(qualify),
        "deals_per_month": math.ceil(qualify / 3),
        "conversion": round(80 / 110, 4),
        "source": "measured",
        "entries": 120,
        "decided": 110,
        "still_in": 10,
        "measured": round(80 / 110, 4),
    }


def test_wins_round_up() -> None:
    assert planned(quota=1_000_000.0, period=PlanPeriod.YEAR).wins == math.ceil(1_000_000 / 48_000)


def test_thin_history_falls_back_to_the_maps_probabilities_and_says_so() -> None:
    plan = planned(quota=480_000.0, period=PlanPeriod.MONTH, min_entries=40)
    sources = {step.stage.id: step.source for step in plan.steps}
    # qualify (110 decided), discovery (72) and demo (46) have enough decided entries;
    # proposal (33) and commit (28) do not
    assert sources == {
        "qualify": Source.MEASURED,
        "discovery": Source.MEASURED,
        "demo": Source.MEASURED,
        "proposal": Source.MAP,
        "commit": Source.MAP,
    }
    commit = next(step for step in plan.steps if step.stage.id == "commit")
    # commit is at 80%, closed won at 100%: 80% of commit's deals are expected to win
    assert commit.conversion == 0.8 and commit.needed == pytest.approx(10 / 0.8)
    proposal = next(step for step in plan.steps if step.stage.id == "proposal")
    assert proposal.conversion == 0.75  # 60% → 80%


def test_default_conversions_come_from_the_map() -> None:
    assert default_conversion(MAP.stage("qualify"), MAP.stage("discovery")) == 0.5  # 10 → 20
    assert default_conversion(MAP.stage("demo"), MAP.stage("proposal")) == pytest.approx(2 / 3)
    # never above 100% (a map whose probabilities go down)
    assert default_conversion(MAP.stage("commit"), MAP.stage("qualify")) == 1.0


def test_no_won_amount_no_plan() -> None:
    found = reverse_funnel(sample_stats(money=[]), quota=100_000.0, period=PlanPeriod.QUARTER)
    assert isinstance(found, NoPlan) and "average deal size" in found.message


async def test_a_plan_from_the_imported_history(imported: Services) -> None:
    stats = await compute_stats(
        imported, team_id=TEAM, scope=Scope.everyone(), period=Period.everything()
    )
    plan = reverse_funnel(stats, quota=100_000.0, period=PlanPeriod.QUARTER)
    assert isinstance(plan, Plan)
    assert plan.wins == 5  # average won 20,000
    # at most 8 decided entries per stage in this history: every stage uses the map's defaults
    assert {step.source for step in plan.steps} == {Source.MAP}
    assert [step.entries for step in plan.steps] == [9, 8, 8, 4, 1]
    # D6 is still in qualify, D4 and D9 in demo, D7 in proposal: not failures, not decided
    assert [step.decided for step in plan.steps] == [8, 8, 6, 3, 1]
    assert [step.still_in for step in plan.steps] == [1, 0, 2, 1, 0]
    # with a lower bar the measured rates are used: qualify 7/8, discovery 6/8, demo 4/6,
    # proposal 2/3, commit 1/1
    measured = reverse_funnel(stats, quota=100_000.0, period=PlanPeriod.QUARTER, min_entries=1)
    assert isinstance(measured, Plan)
    assert [round(step.conversion, 4) for step in measured.steps] == [
        0.875,
        0.75,
        0.6667,
        0.6667,
        1.0,
    ]
    # back from 5 wins: commit 5, proposal 7.5, demo 11.25, discovery 15, qualify 17.14
    assert [step.deals for step in measured.steps] == [18, 15, 12, 8, 5]


async def test_a_plan_reads_only_what_it_divides_by(imported: Services) -> None:
    """The plan asks for conversions, won money and the pipeline only (Need.PLAN), and
    its plan is the one the whole report gives; what it did not ask for comes back empty."""
    kwargs = {"team_id": TEAM, "scope": Scope.everyone(), "period": Period.everything()}
    full = await compute_stats(imported, **kwargs)  # type: ignore[arg-type]
    narrow = await compute_stats(imported, need=Need.PLAN, **kwargs)  # type: ignore[arg-type]
    for min_entries in (1, 10):
        plans = [
            reverse_funnel(s, quota=100_000.0, period=PlanPeriod.QUARTER, min_entries=min_entries)
            for s in (full, narrow)
        ]
        assert isinstance(plans[0], Plan) and plans[0] == plans[1]
    assert full.first_response_hours.count > 0 and narrow.first_response_hours.count == 0
    assert full.deviations.moves > 0 and narrow.deviations.moves == 0

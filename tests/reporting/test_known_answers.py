"""Every KPI of the known history (tests/support/known_history.py), computed by hand, on
SQLite and PostgreSQL; then any generated history (open entries, skips, moves back, side
exits and reopens, several currencies, with and without a reporting currency) against a
model that reads only the rows and the map."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.core.context import Services
from bot.core.reporting_currency import ReportingCurrency
from bot.core.scope import Scope
from bot.reporting.kpi_json import stats_json
from bot.reporting.kpis import compute_stats
from bot.reporting.periods import Period
from flows.loader import load_shipped
from tests.support.known_history import HEADER, MANAGER, R1, R2, TEAM, import_text


async def stats_of(
    services: Services, period: Period | None = None, scope: Scope | None = None
) -> dict[str, Any]:
    stats = await compute_stats(
        services,
        team_id=TEAM,
        scope=scope or Scope.everyone(),
        period=period or Period.everything(),
    )
    return stats_json(stats)


def by_stage(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {stage["id"]: stage for stage in found["stages"]}


FEBRUARY = Period.between(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


async def test_deal_counts_and_win_rate(imported: Services) -> None:
    found = await stats_of(imported)
    # open now: D4 (demo), D6 (qualify), D7 (proposal), D9 (demo); won D1, D3; lost now:
    # D2, D8 (D7 was lost and reopened, so it is not); disqualified D5
    assert found["deals"] == {"open": 4, "won": 2, "lost": 2, "disqualified": 1, "nurture": 0}
    assert found["win_rate"] == 0.5  # 2 ÷ (2 + 2)


async def test_conversion_by_entry_cohort(imported: Services) -> None:
    stages = by_stage(await stats_of(imported))
    counts = {sid: (s["entered"], s["converted"], s["still_in"]) for sid, s in stages.items()}
    assert counts == {
        # D1-D9 entered; D5 was disqualified, D6 is still there; the others moved on (D3 by
        # skipping discovery, which converts)
        "qualify": (9, 7, 1),
        # D4 and D9 entered twice; D2 → lost and D4's first stay → nurture do not convert
        "discovery": (8, 6, 0),
        # D7's first stay → lost, D9's first → discovery (back); D4 and D9's second: open
        "demo": (8, 4, 2),
        # D1 → commit, D3 → closed_won (skip) convert; D8 → lost; D7 is still there
        "proposal": (4, 2, 1),
        "commit": (1, 1, 0),
        "closed_won": (2, 0, 2),
        "onboarding": (0, 0, 0),
    }
    # conversion is converted ÷ decided: an entry still in the stage is no failure
    assert stages["qualify"]["decided"] == 8  # D6 is still in it
    assert stages["qualify"]["conversion"] == 0.875  # 7 ÷ 8
    assert stages["discovery"]["conversion"] == 0.75  # 6 ÷ 8
    assert stages["demo"]["conversion"] == 0.6667  # 4 ÷ 6, four decimals
    assert stages["proposal"]["conversion"] == 0.6667  # 2 ÷ 3
    # terminal stages have none: closed won (nothing further to sell) and the last stage
    assert stages["closed_won"]["conversion"] is None and stages["closed_won"]["terminal"]
    assert stages["onboarding"]["conversion"] is None
    assert [s["id"] for s in (await stats_of(imported))["stages"]] == list(counts)  # map order


async def test_skips_and_moves_back(imported: Services) -> None:
    found = await stats_of(imported)
    stages = by_stage(found)
    # D3: qualify → demo and proposal → closed_won; D9: demo → discovery
    assert stages["demo"]["skipped_into"] == 1 and stages["closed_won"]["skipped_into"] == 1
    assert stages["discovery"]["backward_into"] == 1
    deviations = found["deviations"]
    assert (deviations["skipped_moves"], deviations["stages_skipped"]) == (2, 2)
    assert deviations["backward_moves"] == 1
    # reopened out of nurture (D4 → discovery) and out of lost (D7 → demo)
    assert deviations["reopens"] == [
        {"stage": "demo", "count": 1},
        {"stage": "discovery", "count": 1},
    ]
    assert deviations["overrides"] == []


async def test_time_in_stage_per_deal_cumulative_and_latest(imported: Services) -> None:
    stages = by_stage(await stats_of(imported))
    spread = {sid: s["time_in_stage_days"] for sid, s in stages.items()}
    # qualify, completed stays: 2 4 4 1 2 2 2 3 (D6 open) → sorted 1 2 2 2 2 3 4 4;
    # median between the 4th and 5th (2, 2); p90 at 0.9 × 7 = 6.3 → 4 + 0.3 × (4 − 4)
    assert spread["qualify"] == {"median": 2.0, "p90": 4.0}
    # discovery per deal: D1 5, D2 10, D4 10 + 10, D7 5, D8 5, D9 7 + 2 → 5 5 5 9 10 20;
    # median (5 + 9) ÷ 2 = 7; p90 at 4.5 → 10 + 0.5 × 10 = 15
    assert spread["discovery"] == {"median": 7.0, "p90": 15.0}
    # the last stay per deal instead: 5 10 10 5 5 2 → 2 5 5 5 10 10
    assert stages["discovery"]["time_in_stage_latest_days"] == {"median": 5.0, "p90": 10.0}
    # demo, completed stays only: D1 7, D3 10, D7 20 + 10, D8 5, D9 10 (D4's and D9's
    # second stay are open) → 5 7 10 10 30; p90 at 3.6 → 10 + 0.6 × 20 = 22
    assert spread["demo"] == {"median": 10.0, "p90": 22.0}
    # the last completed stay per deal: 7 10 10 5 10 → 5 7 10 10 10
    assert stages["demo"]["time_in_stage_latest_days"] == {"median": 10.0, "p90": 10.0}
    assert spread["proposal"] == {"median": 10.0, "p90": 18.0}  # 5 10 20
    assert spread["commit"] == {"median": 11.0, "p90": 11.0}
    assert spread["closed_won"] == {"median": None, "p90": None}  # both still there
    exits = {e["id"]: e for e in (await stats_of(imported))["exits"]}
    assert exits["lost"]["entered"] == 3
    assert exits["lost"]["time_in_stage_days"]["median"] == 10.0  # D7, lost 01-30 → 02-09
    assert exits["nurture"]["time_in_stage_days"]["median"] == 11.0  # D4


async def test_cycle_pipeline_velocity_and_first_response(imported: Services) -> None:
    found = await stats_of(imported)
    # D1 30 days (01-01 → 01-31), D3 34 days (01-05 → 02-08)
    assert found["cycle_length_days"] == {"median": 32.0, "mean": 32.0}
    # open: D4 demo 40,000 × 40%, D6 no amount, D7 proposal 60,000 × 60%, D9 demo 25,000 × 40%
    assert found["weighted_pipeline"] == 62000.0
    assert found["pipeline"]["open_qualified"] == 3  # D6 is still in the first stage
    assert found["pipeline"]["average_won_amount"] == 20000.0  # (10,000 + 30,000) ÷ 2
    # 3 × 20,000 × 0.5 ÷ 32 = 937.5, but two won deals are below velocity's minimum
    assert found["velocity_per_day"] is None
    assert found["minimums"]["velocity_won_deals"] > 2
    # creation → second entry: 48 96 96 24 48 48 48 72 hours (D6 has none) → median 48
    assert found["first_response_hours"] == {"median": 48.0}


async def test_lost_reasons_count_every_loss(imported: Services) -> None:
    found = await stats_of(imported)
    # D7's loss counts although it was reopened; "Chose a competitor went with Globex" is
    # the map's "Chose a competitor" with a note
    assert found["lost_reasons"] == [
        {"reason": "Chose a competitor", "count": 2},
        {"reason": "Price too high", "count": 1},
    ]


async def test_a_period_counts_entries_and_stays_that_began_in_it(imported: Services) -> None:
    found = await stats_of(imported, FEBRUARY)
    assert found["period"] == {"from": "2026-02-01", "to": "2026-02-28"}
    stages = by_stage(found)
    counts = {sid: (s["entered"], s["converted"]) for sid, s in stages.items()}
    assert counts["qualify"] == (1, 0)  # D6
    assert counts["discovery"] == (2, 2)  # D4 and D9 came back and moved on to demo
    assert counts["demo"] == (3, 1)  # D4, D7 (→ proposal), D9
    assert counts["proposal"] == (2, 0)  # D7 still there, D8 lost
    assert counts["closed_won"] == (1, 0)  # D3
    # won in February: D3; lost in February and still lost: D8
    assert (found["deals"]["won"], found["deals"]["lost"]) == (1, 1)
    assert found["cycle_length_days"] == {"median": 34.0, "mean": 34.0}
    # discovery stays begun in February: D4 10, D9 2 → median 6, p90 2 + 0.9 × 8
    assert stages["discovery"]["time_in_stage_days"] == {"median": 6.0, "p90": 9.2}
    assert found["first_response_hours"] == {"median": None}  # D6 has no second event
    assert found["lost_reasons"] == [{"reason": "Chose a competitor", "count": 1}]


async def test_owner_and_team_scopes(with_team: Services) -> None:
    mine = await stats_of(with_team, scope=Scope.owner(R1))  # D1 D2 D5 D7 D8
    assert mine["scope"] == f"owner:{R1}"
    assert by_stage(mine)["qualify"]["entered"] == 5
    assert mine["deals"] == {"open": 1, "won": 1, "lost": 2, "disqualified": 1, "nurture": 0}
    team = await stats_of(with_team, scope=Scope.team(MANAGER))  # the manager and R1
    assert team["scope"] == f"team:{MANAGER}"
    assert by_stage(team)["qualify"]["entered"] == 5
    theirs = await stats_of(with_team, scope=Scope.owner(R2))  # D3 D4 D6 D9
    assert by_stage(theirs)["qualify"]["entered"] == 4


async def test_another_workspace_sees_nothing(imported: Services) -> None:
    stats = await compute_stats(
        imported, team_id="T2", scope=Scope.everyone(), period=Period.everything()
    )
    found = stats_json(stats)
    assert found["deals"] == {"open": 0, "won": 0, "lost": 0, "disqualified": 0, "nurture": 0}
    assert all(stage["entered"] == 0 for stage in found["stages"])
    assert found["win_rate"] is None and found["velocity_per_day"] is None


async def test_gate_deviations_in_the_known_history(imported: Services) -> None:
    deviations = (await stats_of(imported))["deviations"]
    # D3 went qualify → demo (the discovery gate) and proposal → closed_won (commit's): two
    # moves, each past one gate it never met. D4 and D7 reopened where they had left, D9
    # moved back: none of them skipped a gate, and nobody overrode one.
    assert deviations["gate_deviations"] == 2 and deviations["gates_passed_without_items"] == 2
    assert deviations["gates_skipped"] == {"moves": 2, "gates": 2, "deals": 1}
    assert deviations["gates_overridden"] == {"moves": 0, "gates": 0, "deals": 0}
    # in February only the second of D3's skips
    february = (await stats_of(imported, FEBRUARY))["deviations"]
    assert february["gates_skipped"] == {"moves": 1, "gates": 1, "deals": 1}


# -- the property: any imported history, counted by a model that reads only the rows ------------

MAP = load_shipped("default")
POSITION = {stage.id: index for index, stage in enumerate(MAP.open_stages)}
WON_STAGES = {s.id for s in MAP.open_stages if s.won or MAP.is_post_sale(s.id)}
SALES_STAGES = {s.id for s in MAP.open_stages} - WON_STAGES
REASONS = {"lost": "Timing", "disqualified": "No fit", "nurture": "Next year"}
CURRENCIES = ("USD", "EUR", "TRY", "JPY")
RATES = {"EUR": 1.1, "TRY": 0.03}  # JPY has none: reported apart, never dropped


@dataclass(frozen=True)
class ModelDeal:
    stages: list[str]  # as imported: never the same stage twice in a row
    currency: str
    amount: int | None


@st.composite
def model_deals(draw: st.DrawFn) -> ModelDeal:
    stage_ids = [stage.id for stage in MAP.stages]
    stages = [draw(st.sampled_from(stage_ids))]
    for _n in range(draw(st.integers(0, 6))):  # skips, moves back, side exits and reopens
        stages.append(draw(st.sampled_from([s for s in stage_ids if s != stages[-1]])))
    amount = draw(st.one_of(st.none(), st.integers(1, 90).map(lambda k: k * 1000)))
    return ModelDeal(stages, draw(st.sampled_from(CURRENCIES)), amount)


def model_flows(deals: list[ModelDeal]) -> dict[str, tuple[int, int, int, int]]:
    """Per main-path stage: entered, converted, left otherwise, still in."""
    found = {stage: [0, 0, 0, 0] for stage in POSITION}
    for deal in deals:
        for index, stage in enumerate(deal.stages):
            if stage not in found:
                continue
            counts = found[stage]
            counts[0] += 1
            if index == len(deal.stages) - 1:
                counts[3] += 1  # still in: undecided, no failure
            elif POSITION.get(deal.stages[index + 1], -1) > POSITION[stage]:
                counts[1] += 1
            else:
                counts[2] += 1
    return {stage: (a, b, c, d) for stage, (a, b, c, d) in found.items()}


def model_money(deals: list[ModelDeal]) -> dict[str, tuple[int, int, float]]:
    """Per currency: open deals, won deals, weighted pipeline."""
    found: dict[str, list[float]] = {}
    for deal in deals:
        counts = found.setdefault(deal.currency, [0, 0, 0.0])
        last = deal.stages[-1]
        if last in SALES_STAGES:
            counts[0] += 1
            counts[2] += (deal.amount or 0) * MAP.stage(last).probability / 100
        if WON_STAGES & set(deal.stages):
            counts[1] += 1
    return {code: (int(o), int(w), weighted) for code, (o, w, weighted) in found.items()}


def history_csv(deals: list[ModelDeal]) -> str:
    lines = [HEADER]
    start = dt.date(2026, 1, 1)
    for n, deal in enumerate(deals):
        amount = "" if deal.amount is None else str(deal.amount)
        for day, stage in enumerate(deal.stages):
            at = start + dt.timedelta(days=n + 5 * day)
            reason = REASONS.get(stage, "")
            lines.append(f"P{n},Deal {n},{R1},{amount},{deal.currency},{stage},{at},{reason}")
    return "\n".join(lines) + "\n"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(deals=st.lists(model_deals(), min_size=1, max_size=8), rated=st.booleans())
async def test_flows_and_money_are_what_the_model_counts(
    services: Services, deals: list[ModelDeal], rated: bool
) -> None:
    team = f"T{uuid.uuid4().hex[:10].upper()}"  # a workspace per example, one database
    report = await import_text(services, history_csv(deals), team_id=team)
    assert report.rejected == [], report.rejected
    services.reporting_currency = ReportingCurrency("USD", RATES) if rated else None
    try:
        stats = await compute_stats(
            services, team_id=team, scope=Scope.everyone(), period=Period.everything()
        )
    finally:
        services.reporting_currency = None
    found = stats_json(stats)

    flows = {
        s["id"]: (s["entered"], s["converted"], s["left_otherwise"], s["still_in"])
        for s in found["stages"]
    }
    assert flows == model_flows(deals)
    for stage in found["stages"]:
        decided = stage["converted"] + stage["left_otherwise"]
        if stage["terminal"] or not decided:
            assert stage["conversion"] is None
        else:
            assert stage["conversion"] == round(stage["converted"] / decided, 4)
        event("a stage with entries still in it" if stage["still_in"] else "no entry still in")

    money = model_money(deals)
    by_code = {c["currency"]: c for c in found["currencies"]}
    for code, (open_deals, won, weighted) in money.items():
        if not (open_deals or won):  # a currency of closed, never won deals: nothing to say
            assert code not in by_code or code == "USD"
            continue
        assert (by_code[code]["open"], by_code[code]["won"]) == (open_deals, won)
        assert by_code[code]["weighted_pipeline"] == pytest.approx(weighted, abs=0.01)
    assert found["deals"]["open"] == sum(o for o, _w, _p in money.values())
    assert found["deals"]["won"] == sum(w for _o, w, _p in money.values())
    # the headline: USD alone, or every currency with a rate converted to USD
    rates = {"USD": 1.0, **RATES} if rated else {"USD": 1.0}
    headline = sum(p * rates[code] for code, (_o, _w, p) in money.items() if code in rates)
    assert found["weighted_pipeline"] == pytest.approx(headline, abs=0.05)
    assert (
        found["pipeline"]["deals_in_amount"] + sum(o["open"] for o in found["other_currencies"])
        == found["deals"]["open"]
    )

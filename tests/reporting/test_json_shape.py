"""`stagecoach stats --json` keeps its documented shape (PINNED below is the reference):
its keys, their types, stages in map order, rates to 4 decimals and days or hours to 1;
extra keys are allowed."""

from __future__ import annotations

from typing import Any

from bot.core.context import Services
from bot.core.scope import Scope
from bot.reporting.kpi_json import stats_json
from bot.reporting.kpis import compute_stats
from bot.reporting.periods import Period
from storage.kpi_events import StatusCounts
from tests.support.known_history import TEAM
from tests.support.samples.reporting import sample_stats

# The documented example of `stagecoach stats --json`: what a consumer may rely on
PINNED: dict[str, Any] = {
    "scope": "all",
    "period": {"from": "2026-01-01", "to": "2026-06-30"},
    "deals": {"open": 40, "won": 25, "lost": 35},
    "win_rate": 0.4167,
    "cycle_length_days": {"median": 38.5, "mean": 41.2},
    "stages": [
        {
            "id": "discovery",
            "entered": 100,
            "converted": 70,
            "conversion": 0.7,
            "time_in_stage_days": {"median": 6.0, "p90": 14.5},
        }
    ],
    "weighted_pipeline": 812000.0,
    "velocity_per_day": 5321.7,
    "first_response_hours": {"median": 3.5},
    "lost_reasons": [{"reason": "Chose a competitor", "count": 12}],
}
NUMBER = (int, float)


def assert_shape(pinned: Any, found: Any, where: str = "") -> None:
    """Every pinned key is there with a value of the same kind (a number may be null:
    nothing to divide by); lists are checked element by element against the first."""
    if isinstance(pinned, dict):
        assert isinstance(found, dict), where
        for key, value in pinned.items():
            assert key in found, f"{where}.{key} is missing"
            assert_shape(value, found[key], f"{where}.{key}")
    elif isinstance(pinned, list):
        assert isinstance(found, list), where
        for index, item in enumerate(found):
            assert_shape(pinned[0], item, f"{where}[{index}]")
    elif isinstance(pinned, NUMBER) and not isinstance(pinned, bool):
        assert found is None or (isinstance(found, NUMBER) and not isinstance(found, bool)), where
    else:
        assert isinstance(found, type(pinned)), f"{where}: {found!r}"


async def test_the_measured_json_has_the_pinned_shape(imported: Services) -> None:
    stats = await compute_stats(
        imported, team_id=TEAM, scope=Scope.everyone(), period=Period.everything()
    )
    found = stats_json(stats)
    assert_shape(PINNED, found)
    assert [stage["id"] for stage in found["stages"]] == [
        stage.id for stage in imported.catalog.current.open_stages
    ]
    # all: from the first deal's creation to today (the test clock)
    assert found["period"] == {"from": "2026-01-01", "to": "2026-03-02"}


def test_rounding_follows_the_example() -> None:
    found = stats_json(
        sample_stats(
            won=5,
            statuses=StatusCounts(open=3, lost=7),  # 5 ÷ 12
        )
    )
    assert found["win_rate"] == 0.4167
    stage = found["stages"][0]
    # qualify: 120 entered, 10 still in it, so 110 decided, 80 of them converted
    assert stage["conversion"] == round(80 / 110, 4)
    assert (stage["decided"], stage["still_in"]) == (110, 10)
    assert stage["time_in_stage_days"] == {"median": 6.0, "p90": 14.5}
    assert found["cycle_length_days"] == {"median": 38.5, "mean": 41.2}
    assert found["weighted_pipeline"] == 812000.0
    # 30 qualified × 48,000 × 5/12 ÷ 38.5, to 1 decimal
    assert found["velocity_per_day"] == round(30 * 48000 * (5 / 12) / 38.5, 1)
    assert found["first_response_hours"] == {"median": 3.5}
    assert found["lost_reasons"] == [{"reason": "Chose a competitor", "count": 12}]


def test_the_sample_has_the_pinned_shape_too() -> None:
    assert_shape(PINNED, stats_json(sample_stats()))

"""The median and p90 in SQL agree with percentile_cont's definition (linear between the
two neighbours of p·(n−1)), on PostgreSQL's own aggregate and on the window-function
fallback SQLite uses (run on both backends)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import Float, Integer, String, column, literal, select, union_all

from bot.usecases.context import Services
from storage.percentiles import summarize


def percentile_cont(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def samples_of(groups: dict[str, list[float]]) -> Any:
    selects = [
        select(literal(name, String()).label("grp"), literal(value, Float()).label("x"))
        for name, values in groups.items()
        for value in values
    ]
    return union_all(*selects).subquery("samples")


GROUPS = {
    "one": [4.0],
    "two": [1.0, 3.0],
    "ties": [2.0, 2.0, 2.0, 5.0],
    "random": [round(random.Random(7).uniform(0, 60), 3) for _ in range(37)],
}


@pytest.mark.parametrize("force_window", [False, True], ids=["native", "window"])
async def test_summaries_match_percentile_cont(services: Services, force_window: bool) -> None:
    async with services.db.read() as session:
        found = await summarize(
            session, samples_of(GROUPS), groups=("grp",), force_window=force_window
        )
    for name, values in GROUPS.items():
        summary = found[(name,)]
        assert summary.count == len(values)
        assert summary.mean == pytest.approx(sum(values) / len(values))
        assert summary.median == pytest.approx(percentile_cont(values, 0.5))
        assert summary.p90 == pytest.approx(percentile_cont(values, 0.9))


async def test_nulls_are_left_out_and_empty_groups_absent(services: Services) -> None:
    rows = union_all(
        select(literal("a", String()).label("grp"), literal(None, Float()).label("x")),
        select(literal("b", String()), literal(3.0, Float())),
    ).subquery("samples")
    async with services.db.read() as session:
        found = await summarize(session, rows, groups=("grp",))
    assert set(found) == {("b",)} and found[("b",)].median == 3.0


async def test_no_groups_is_one_summary(services: Services) -> None:
    values = select(column("n", Integer()).label("x")).select_from(
        union_all(*(select(literal(n, Integer()).label("n")) for n in (5, 1, 3))).subquery()
    )
    async with services.db.read() as session:
        found = await summarize(session, values.subquery("s"))
    assert found[()].median == 3.0 and found[()].count == 3

"""The median and p90 in SQL agree with percentile_cont's definition (linear between the
two neighbours of p·(n−1)), on PostgreSQL's own aggregate and on the window-function
fallback SQLite uses (run on both backends)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import Float, Integer, String, column, literal, select, union_all

from bot.core.context import Services
from storage.percentiles import summarize, summarize_columns


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


def columns_of(rows: list[tuple[str, float, float]]) -> Any:
    selects = [
        select(
            literal(grp, String()).label("grp"),
            literal(a, Float()).label("a"),
            literal(b, Float()).label("b"),
        )
        for grp, a, b in rows
    ]
    return union_all(*selects).subquery("samples")


@pytest.mark.parametrize("force_window", [False, True], ids=["native", "window"])
async def test_several_columns_over_many_buckets(services: Services, force_window: bool) -> None:
    # The fallback counts values per bucket (1/24 of a unit) and ranks only the buckets
    # that hold a percentile's rank: values spread over many buckets, crowded into one,
    # tied across the rank, below zero, and a second column that moves apart from the first.
    rng = random.Random(11)
    spread = [round(rng.uniform(0, 90), 4) for _ in range(101)]
    crowded = [5.0 + rng.uniform(0, 0.01) for _ in range(40)] + [30.0, 60.0]
    tied = [7.0] * 9 + [1.0, 50.0]
    signed = [round(rng.uniform(-3, 3), 3) for _ in range(25)]
    rows = [
        (name, a, (a * 3 if index % 4 else a + 17.5))
        for name, values in {
            "spread": spread,
            "crowded": crowded,
            "tied": tied,
            "signed": signed,
        }.items()
        for index, a in enumerate(values)
    ]
    async with services.db.read() as session:
        found = await summarize_columns(
            session, columns_of(rows), groups=("grp",), values=("a", "b"), force_window=force_window
        )
    for value in ("a", "b"):
        for name in ("spread", "crowded", "tied", "signed"):
            values = [a if value == "a" else b for grp, a, b in rows if grp == name]
            summary = found[value][(name,)]
            assert summary.count == len(values)
            assert summary.mean == pytest.approx(sum(values) / len(values))
            assert summary.median == pytest.approx(percentile_cont(values, 0.5))
            assert summary.p90 == pytest.approx(percentile_cont(values, 0.9))

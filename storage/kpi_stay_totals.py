"""All-time time in stage from the running totals (storage.rollup_models: an item per
deal and stage, and buckets of them), answering what storage.kpi_stays answers from the
history: per stage and variant (cumulative, latest) the count, mean, median and p90 of
the deals' days.

A percentile needs the values next to its rank, p·(n−1): the buckets (a few hundred rows
for a map, whatever the history's length) say how many values lie below each bucket, so
each rank is an offset into one bucket's items, read in value order from their index:
at most four values per stage and variant, in one statement. Then the same linear
interpolation as `percentile_cont` (storage.percentiles)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, literal, select, union_all
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.kpi_scope import KpiScope, rows_of
from storage.kpi_totals import in_scope
from storage.percentiles import FRACTIONS, Summary

ITEMS: Table = SQLModel.metadata.tables["kpi_stay_item"]
BUCKETS: Table = SQLModel.metadata.tables["kpi_stay_bucket"]


@dataclass
class _Histogram:
    """One stage and variant: its buckets in order, each with how many values it holds."""

    buckets: list[tuple[int, int]]  # (bucket, values in it)
    total: float = 0.0

    @property
    def n(self) -> int:
        return sum(count for _bucket, count in self.buckets)

    def place(self, rank: int) -> tuple[int, int]:
        """The bucket holding the value of `rank` (0-based) and its offset in the bucket."""
        below = 0
        for bucket, count in self.buckets:
            if rank < below + count:
                return bucket, rank - below
            below += count
        raise IndexError(rank)


async def stays_from_totals(
    session: AsyncSession, *, scope: KpiScope
) -> dict[tuple[str, str], Summary]:
    histograms = await _histograms(session, scope)
    wanted = {(key, rank) for key, histogram in histograms.items() for rank in _ranks(histogram.n)}
    values = await _values(session, scope, histograms, sorted(wanted))
    return {
        (variant, stage): _summary(histogram, lambda r, k=(variant, stage): values[(k, r)])
        for (variant, stage), histogram in histograms.items()
    }


async def _histograms(session: AsyncSession, scope: KpiScope) -> dict[tuple[str, str], _Histogram]:
    count, total = func.sum(BUCKETS.c.n), func.sum(BUCKETS.c.total)
    query = (
        select(BUCKETS.c.variant, BUCKETS.c.stage, BUCKETS.c.bucket, count, total)
        .where(*in_scope(BUCKETS, scope))
        .group_by(BUCKETS.c.variant, BUCKETS.c.stage, BUCKETS.c.bucket)
        .having(count > 0)
        .order_by(BUCKETS.c.variant, BUCKETS.c.stage, BUCKETS.c.bucket)
    )
    found: dict[tuple[str, str], _Histogram] = defaultdict(lambda: _Histogram([]))
    for variant, stage, bucket, n, summed in await rows_of(session, query):
        histogram = found[(str(variant), str(stage))]
        histogram.buckets.append((int(bucket), int(n)))
        histogram.total += float(summed)
    return dict(found)


def _ranks(n: int) -> set[int]:
    """The ranks the percentiles interpolate between: ⌊p·(n−1)⌋ and the one after it."""
    lows = {math.floor(fraction * (n - 1)) for fraction in FRACTIONS}
    return {rank for low in lows for rank in (low, low + 1) if rank < n}


async def _values(
    session: AsyncSession,
    scope: KpiScope,
    histograms: dict[tuple[str, str], _Histogram],
    wanted: list[tuple[tuple[str, str], int]],
) -> dict[tuple[tuple[str, str], int], float]:
    """The value of each wanted rank: an offset into its bucket's items, in value order."""
    if not wanted:
        return {}
    lookups: list[Any] = []
    for index, ((variant, stage), rank) in enumerate(wanted):
        bucket, offset = histograms[(variant, stage)].place(rank)
        value = ITEMS.c[variant]
        one = (
            select(value.label("x"))
            .where(
                *in_scope(ITEMS, scope),
                ITEMS.c.stage == stage,
                ITEMS.c[f"{variant}_bucket"] == bucket,
            )
            .order_by(value)
            .limit(1)
            .offset(offset)
            .subquery(f"rank_{index}")
        )
        lookups.append(select(literal(index).label("i"), one.c.x))
    rows = await rows_of(session, union_all(*lookups))
    return {wanted[int(i)]: float(x) for i, x in rows}


def _summary(histogram: _Histogram, value: Any) -> Summary:
    """Count, mean, median and p90, interpolated as percentile_cont interpolates."""
    n = histogram.n

    def percentile(fraction: float) -> float:
        position = fraction * (n - 1)
        low = math.floor(position)
        weight = position - low
        upper = value(low + 1) * weight if low + 1 < n else 0.0
        return value(low) * (1 - weight) + upper

    return Summary(n, histogram.total / n, *(percentile(f) for f in FRACTIONS))

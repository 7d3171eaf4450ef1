"""Count, mean, median and p90 from running totals kept in buckets (storage.rollup_models:
time in stage's, first response's), answering what storage.percentiles answers from the
history.

A percentile needs the values next to its rank, p·(n−1): the buckets (a few hundred rows
per map, whatever the history's length) say how many values lie below each bucket, so
each rank is an offset into one bucket's items, read in value order from their index:
at most four values per summary, all in one statement. Then the same linear
interpolation as `percentile_cont` (storage.percentiles)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Select, Table, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.kpi_scope import rows_of
from storage.percentiles import FRACTIONS, Summary

K = TypeVar("K", bound=Hashable)
# (what is summarized, a bucket) → its items' values there, in value order, as column `x`
Lookup = Callable[[K, int], Select[Any]]


@dataclass
class Histogram:
    """One summary's buckets in order, each with how many values it holds, and their sum."""

    buckets: list[tuple[int, int]] = field(default_factory=list)  # (bucket, values in it)
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


async def histograms(
    session: AsyncSession,
    buckets: Table,
    where: Sequence[ColumnElement[bool]],
    keys: Sequence[str],
) -> dict[tuple[str, ...], Histogram]:
    """The histograms in `buckets` (a table of n and total per bucket) of the rows
    `where` keeps, one per value of its columns `keys`, their buckets in order."""
    count, total = func.sum(buckets.c.n), func.sum(buckets.c.total)
    grouped = [*(buckets.c[key] for key in keys), buckets.c.bucket]
    query = select(*grouped, count, total).where(*where).group_by(*grouped).having(count > 0)
    found: dict[tuple[str, ...], Histogram] = defaultdict(Histogram)
    for row in await rows_of(session, query.order_by(*grouped)):
        histogram = found[tuple(str(value) for value in row[: len(keys)])]
        histogram.buckets.append((int(row[len(keys)]), int(row[len(keys) + 1])))
        histogram.total += float(row[len(keys) + 2])
    return dict(found)


async def summaries(
    session: AsyncSession, histograms: dict[K, Histogram], lookup: Lookup[K]
) -> dict[K, Summary]:
    """Each histogram's summary, its percentiles' values read through `lookup`."""
    wanted = [(key, rank) for key, found in histograms.items() for rank in _ranks(found.n)]
    values = await _values(session, histograms, wanted, lookup)
    return {
        key: _summary(found, partial(_value_of, values, key)) for key, found in histograms.items()
    }


def _value_of(values: dict[tuple[K, int], float], key: K, rank: int) -> float:
    return values[(key, rank)]


def _ranks(n: int) -> list[int]:
    """The ranks the percentiles interpolate between: ⌊p·(n−1)⌋ and the one after it."""
    lows = {math.floor(fraction * (n - 1)) for fraction in FRACTIONS}
    return sorted({rank for low in lows for rank in (low, low + 1) if rank < n})


async def _values(
    session: AsyncSession,
    histograms: dict[K, Histogram],
    wanted: list[tuple[K, int]],
    lookup: Lookup[K],
) -> dict[tuple[K, int], float]:
    """The value of each wanted rank: an offset into its bucket's items, in value order."""
    if not wanted:
        return {}
    ranked = []
    for index, (key, rank) in enumerate(wanted):
        bucket, offset = histograms[key].place(rank)
        one = lookup(key, bucket).limit(1).offset(offset).subquery(f"rank_{index}")
        ranked.append(select(literal(index).label("i"), one.c.x))
    rows = await rows_of(session, union_all(*ranked))
    return {wanted[int(i)]: float(x) for i, x in rows}


def _summary(histogram: Histogram, value: Callable[[int], float]) -> Summary:
    """Count, mean, median and p90, interpolated as percentile_cont interpolates."""
    n = histogram.n

    def percentile(fraction: float) -> float:
        position = fraction * (n - 1)
        low = math.floor(position)
        weight = position - low
        upper = value(low + 1) * weight if low + 1 < n else 0.0
        return value(low) * (1 - weight) + upper

    return Summary(n, histogram.total / n, *(percentile(f) for f in FRACTIONS))

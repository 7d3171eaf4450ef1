"""Count, mean, median and 90th percentile of a column of numbers, per group, in SQL.

PostgreSQL has `percentile_cont(p) WITHIN GROUP (ORDER BY x)`; SQLite has no percentile
aggregate in the builds Python ships. The portable fallback ranks the values of each group
with window functions (`ROW_NUMBER`, `COUNT` over the group) and keeps, per percentile, the
two neighbours of the position p·(n−1), interpolated linearly: exactly what
`percentile_cont` computes. Only one row per group comes back to Python either way.
Both paths run on PostgreSQL too (`force_window=True`), so a test can check they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, case, cast, func, literal, select
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.sql_time import floor_int

MEDIAN, P90 = 0.5, 0.9


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    p90: float | None


EMPTY = Summary(count=0, mean=None, median=None, p90=None)


async def summarize(
    session: AsyncSession,
    samples: Subquery,
    *,
    groups: Sequence[str] = (),
    force_window: bool = False,
) -> dict[tuple[Any, ...], Summary]:
    """`samples` has the columns named in `groups` and a numeric column `x` (NULLs are
    left out). Returns one Summary per group key (the empty tuple when `groups` is empty)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    query = (
        _percentile_cont(samples, groups)
        if postgres and not force_window
        else _windowed(samples, groups)
    )
    connection = await session.connection()
    rows = (await connection.execute(query)).all()
    found: dict[tuple[Any, ...], Summary] = {}
    for row in rows:
        key = tuple(row[: len(groups)])
        count, mean, median, p90 = row[len(groups) :]
        if count:
            found[key] = Summary(int(count), _float(mean), _float(median), _float(p90))
    return found


def _percentile_cont(samples: Subquery, groups: Sequence[str]) -> Any:
    x = samples.c.x
    keys = [samples.c[name] for name in groups]
    return (
        select(
            *keys,
            func.count(x),
            func.avg(x),
            func.percentile_cont(MEDIAN).within_group(x),
            func.percentile_cont(P90).within_group(x),
        )
        .where(x.is_not(None))
        .group_by(*keys)
    )


def _windowed(samples: Subquery, groups: Sequence[str]) -> Any:
    keys = [samples.c[name] for name in groups]
    ranked = (
        select(
            *keys,
            samples.c.x,
            (func.row_number().over(partition_by=keys or None, order_by=samples.c.x) - 1).label(
                "i"
            ),
            func.count().over(partition_by=keys or None).label("n"),
        )
        .where(samples.c.x.is_not(None))
        .subquery("ranked")
    )
    ranked_keys = [ranked.c[name] for name in groups]
    return select(
        *ranked_keys,
        func.count(),
        func.avg(ranked.c.x),
        _interpolated(ranked, MEDIAN),
        _interpolated(ranked, P90),
    ).group_by(*ranked_keys)


def _interpolated(ranked: Subquery, fraction: float) -> ColumnElement[Any]:
    """Σ over the group of the two neighbours of position p·(n−1), weighted linearly."""
    position = literal(fraction, Float()) * cast(ranked.c.n - 1, Float())
    low = floor_int(position)
    weight = position - low
    return func.sum(
        case(
            (ranked.c.i == low, ranked.c.x * (1 - weight)),
            (ranked.c.i == low + 1, ranked.c.x * weight),
            else_=0.0,
        )
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]

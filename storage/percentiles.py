"""Count, mean, median and 90th percentile of columns of numbers, per group, in SQL.

PostgreSQL has `percentile_cont(p) WITHIN GROUP (ORDER BY x)`; SQLite has no percentile
aggregate in the builds Python ships. The portable fallback ranks each value column within
its group with window functions (`ROW_NUMBER`, and `COUNT`/`AVG` over the group), keeps
only the rows next to a percentile's position p·(n−1) (four per group and column; SQLite
has no hash aggregation, so grouping every row would cost one more full sort) and
interpolates linearly between them: exactly what `percentile_cont` computes. Only one row
per group comes back to Python either way. Both paths run on PostgreSQL too
(`force_window=True`), so a test can check that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.sql_time import floor_int

MEDIAN, P90 = 0.5, 0.9
FRACTIONS = (MEDIAN, P90)


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    p90: float | None


EMPTY = Summary(count=0, mean=None, median=None, p90=None)
Summaries = dict[tuple[Any, ...], Summary]


async def summarize(
    session: AsyncSession,
    samples: Subquery,
    *,
    groups: Sequence[str] = (),
    force_window: bool = False,
) -> Summaries:
    """`samples` has the columns named in `groups` and a numeric column `x` (NULLs are
    left out). Returns one Summary per group key (the empty tuple when `groups` is empty)."""
    found = await summarize_columns(
        session, samples, groups=groups, values=("x",), force_window=force_window
    )
    return found["x"]


async def summarize_columns(
    session: AsyncSession,
    samples: Subquery,
    *,
    groups: Sequence[str] = (),
    values: Sequence[str],
    force_window: bool = False,
) -> dict[str, Summaries]:
    """Like `summarize`, for several value columns at once: value name → group → Summary.
    Rows with a NULL in any value column are left out of all of them."""
    postgres = session.get_bind().dialect.name == "postgresql"
    build = _percentile_cont if postgres and not force_window else _windowed
    connection = await session.connection()
    rows = (await connection.execute(build(samples, groups, values))).all()
    found: dict[str, Summaries] = {name: {} for name in values}
    for row in rows:
        key = tuple(row[: len(groups)])
        for index, name in enumerate(values):
            start = len(groups) + 4 * index
            count, mean, median, p90 = row[start : start + 4]
            if count:
                found[name][key] = Summary(int(count), _float(mean), _float(median), _float(p90))
    return found


def _present(samples: Subquery, values: Sequence[str]) -> ColumnElement[bool]:
    return and_(*(samples.c[name].is_not(None) for name in values))


def _percentile_cont(samples: Subquery, groups: Sequence[str], values: Sequence[str]) -> Any:
    keys = [samples.c[name] for name in groups]
    aggregates: list[Any] = []
    for name in values:
        x = samples.c[name]
        aggregates += [func.count(x), func.avg(x)]
        aggregates += [func.percentile_cont(p).within_group(x) for p in FRACTIONS]
    return select(*keys, *aggregates).where(_present(samples, values)).group_by(*keys)


def _windowed(samples: Subquery, groups: Sequence[str], values: Sequence[str]) -> Any:
    keys = [samples.c[name] for name in groups]
    group = keys or None
    columns: list[Any] = [func.count().over(partition_by=group).label("n")]
    for name in values:
        x = samples.c[name]
        rank = func.row_number().over(partition_by=group, order_by=x) - 1
        mean = func.avg(x).over(partition_by=group)
        columns += [x, rank.label(f"i_{name}"), mean.label(f"mean_{name}")]
    ranked = select(*keys, *columns).where(_present(samples, values)).subquery("ranked")
    near = or_(*(_near_a_percentile(ranked, name) for name in values))
    ranked_keys = [ranked.c[name] for name in groups]
    aggregates: list[Any] = []
    for name in values:
        aggregates += [func.max(ranked.c.n), func.max(ranked.c[f"mean_{name}"])]
        aggregates += [_interpolated(ranked, name, p) for p in FRACTIONS]
    return select(*ranked_keys, *aggregates).where(near).group_by(*ranked_keys)


def _low(ranked: Subquery, fraction: float) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The rank just below p·(n−1), and how far past it the position lies (0 ≤ w < 1)."""
    position = literal(fraction, Float()) * cast(ranked.c.n - 1, Float())
    low = floor_int(position)
    return low, position - low


def _near_a_percentile(ranked: Subquery, name: str) -> ColumnElement[bool]:
    rank = ranked.c[f"i_{name}"]
    lows = [_low(ranked, fraction)[0] for fraction in FRACTIONS]
    return or_(*(rank == low for low in lows), *(rank == low + 1 for low in lows))


def _interpolated(ranked: Subquery, name: str, fraction: float) -> ColumnElement[Any]:
    """Σ over the kept rows of the two neighbours of position p·(n−1), weighted linearly."""
    low, weight = _low(ranked, fraction)
    x, rank = ranked.c[name], ranked.c[f"i_{name}"]
    return func.sum(case((rank == low, x * (1 - weight)), (rank == low + 1, x * weight), else_=0.0))


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]

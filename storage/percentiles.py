"""Count, mean, median and 90th percentile of columns of numbers, per group, in SQL.

PostgreSQL has `percentile_cont(p) WITHIN GROUP (ORDER BY x)`; SQLite has no percentile
aggregate in the builds Python ships. The portable fallback finds the values next to each
percentile's position p·(n−1) without ranking every row (window functions over every row
cost SQLite about a second for 300,000 values and two columns): it counts the values per
bucket (`BUCKETS_PER_UNIT` buckets per unit of the value, so a sort of the rows but no
window over them), adds the counts up bucket by bucket, ranks only the values of the few
buckets that hold a position, and interpolates linearly between the two neighbours:
exactly what `percentile_cont` computes. Only one row per group and column comes back to
Python either way. Both paths run on PostgreSQL too (`force_window=True`), so a test can
check that they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    Float,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.sql import ColumnElement, Subquery
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.sql_time import floor_int

MEDIAN, P90 = 0.5, 0.9
FRACTIONS = (MEDIAN, P90)
# Buckets per unit of the value (six hours, for days): the buckets that hold a percentile's
# rank should hold few values, and the buckets should be few next to the values (measured
# on 300,000 stays: 2 to 8 per day did best, 96 cost a fifth more).
BUCKETS_PER_UNIT = 4


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
    Rows with a NULL in any value column are left out of all of them. Group keys are never
    NULL (a row whose key is NULL is left out on SQLite)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    connection = await session.connection()
    found: dict[str, Summaries] = {name: {} for name in values}
    if postgres and not force_window:
        rows = (await connection.execute(_percentile_cont(samples, groups, values))).all()
        for row in rows:
            key = tuple(row[: len(groups)])
            for index, name in enumerate(values):
                start = len(groups) + 4 * index
                _keep(found[name], key, row[start : start + 4])
        return found
    for row in (await connection.execute(_bucketed(samples, groups, values))).all():
        _keep(found[row[0]], tuple(row[1 : 1 + len(groups)]), row[1 + len(groups) :])
    return found


def summary_columns(samples: Any, *, postgres: bool, force_window: bool = False) -> Select[Any]:
    """The statement `summarize` runs for a column `x` without groups, for a caller that
    reads it beside other rows of its own: one row whose last four columns are n, mean,
    median and p90 (n is 0 or NULL when there is no value)."""
    if postgres and not force_window:
        return _percentile_cont(samples, (), ("x",))
    return select(*list(_bucketed(samples, (), ("x",)).subquery("x_summary").c)[-4:])


def summary_from(numbers: Sequence[Any]) -> Summary:
    """A Summary from (n, mean, median, p90) as `summary_columns` gives them."""
    found: Summaries = {}
    _keep(found, (), numbers)
    return found.get((), EMPTY)


def _keep(summaries: Summaries, key: tuple[Any, ...], numbers: Sequence[Any]) -> None:
    count, mean, median, p90 = numbers
    if count:
        summaries[key] = Summary(int(count), _float(mean), _float(median), _float(p90))


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


def _bucketed(samples: Subquery, groups: Sequence[str], values: Sequence[str]) -> Any:
    """One row per value column and group: (value name, *group keys, n, mean, median, p90).

    The values are counted per bucket of every column at once (one sort of the rows; the
    columns of a KPI move together, so this joint histogram stays small) and each column's
    histogram is added up from it."""
    columns = [samples.c[name] for name in (*groups, *values)]
    present = _materialized(select(*columns).where(_present(samples, values)).cte("present"))
    keys = [present.c[key] for key in groups]
    buckets = [_bucket(present.c[name]).label(f"b_{name}") for name in values]
    totals = [func.sum(present.c[name]).label(f"total_{name}") for name in values]
    joint = _materialized(
        select(*keys, *buckets, func.count().label("k"), *totals)
        .group_by(*keys, *buckets)
        .cte("joint")
    )
    return union_all(*(_summary(present, joint, groups, name) for name in values))


def _bucket(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return floor_int(value * BUCKETS_PER_UNIT)


def _summary(present: CTE, joint: CTE, groups: Sequence[str], name: str) -> Select[Any]:
    """Column `name`'s row per group, from the values of the buckets that hold a rank."""
    wanted = _wanted_buckets(joint, groups, name)
    ranked = _ranked(present, wanted, groups, name)
    keys = [ranked.c[key] for key in groups]
    n = func.max(ranked.c.n)
    return select(
        literal(name, String()).label("value"),
        *keys,
        n,
        func.max(ranked.c.total) / n,
        *(_interpolated(ranked, name, p) for p in FRACTIONS),
    ).group_by(*keys)


def _wanted_buckets(joint: CTE, groups: Sequence[str], name: str) -> CTE:
    """The buckets that hold one of the ranks the percentiles need, each with how many
    values of its group lie below it, and the group's count (`n`) and sum (`total`)."""
    keys = [joint.c[key] for key in groups]
    histogram = (
        select(
            *keys,
            joint.c[f"b_{name}"].label("b"),
            func.sum(joint.c.k).label("k"),
            func.sum(joint.c[f"total_{name}"]).label("total"),
        )
        .group_by(*keys, joint.c[f"b_{name}"])
        .subquery(f"histogram_{name}")
    )
    h_keys = [histogram.c[key] for key in groups]
    group = h_keys or None
    upwards = func.sum(histogram.c.k).over(partition_by=group, order_by=histogram.c.b)
    counted = select(
        *h_keys,
        histogram.c.b,
        histogram.c.k,
        (upwards - histogram.c.k).label("below"),
        cast(func.sum(histogram.c.k).over(partition_by=group), Integer()).label("n"),
        func.sum(cast(histogram.c.total, Float())).over(partition_by=group).label("total"),
    ).subquery(f"counted_{name}")
    holds = [
        and_(counted.c.below <= rank, rank < counted.c.below + counted.c.k)
        for rank in _ranks_needed(counted.c.n)
    ]
    c_keys = [counted.c[key] for key in groups]
    return _materialized(
        select(*c_keys, counted.c.b, counted.c.below, counted.c.n, counted.c.total)
        .where(or_(*holds))
        .cte(f"wanted_{name}")
    )


def _ranked(present: CTE, wanted: CTE, groups: Sequence[str], name: str) -> Subquery:
    """The values in the wanted buckets, each with its rank in its group (`i_<name>`):
    the values below its bucket plus its rank within the bucket."""
    keys, bucket = [present.c[key] for key in groups], _bucket(present.c[name])
    w_keys = [wanted.c[key] for key in groups]
    near = _materialized(
        select(*keys, present.c[name].label("x"), bucket.label("b"))
        .where(tuple_(*keys, bucket).in_(select(*w_keys, wanted.c.b)))
        .cte(f"near_{name}")
    )
    n_keys = [near.c[key] for key in groups]
    same_bucket = and_(
        *(n_key == w_key for n_key, w_key in zip(n_keys, w_keys, strict=True)),
        near.c.b == wanted.c.b,
    )
    within = func.row_number().over(partition_by=[*n_keys, near.c.b], order_by=near.c.x)
    return (
        select(
            *n_keys,
            near.c.x.label(name),
            (wanted.c.below + within - 1).label(f"i_{name}"),
            wanted.c.n,
            wanted.c.total,
        )
        .select_from(near.join(wanted, same_bucket))
        .subquery(f"ranked_{name}")
    )


def _materialized(cte: CTE) -> CTE:
    """Computed once: SQLite would otherwise inline it where it is read, and pick a plan
    that reads the value rows once per wanted bucket."""
    return cte.prefix_with("MATERIALIZED")


def _ranks_needed(n: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    lows = [floor_int(literal(fraction, Float()) * cast(n - 1, Float())) for fraction in FRACTIONS]
    return [*lows, *(low + 1 for low in lows)]


def _low(ranked: Subquery, fraction: float) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The rank just below p·(n−1), and how far past it the position lies (0 ≤ w < 1)."""
    position = literal(fraction, Float()) * cast(ranked.c.n - 1, Float())
    low = floor_int(position)
    return low, position - low


def _interpolated(ranked: Subquery, name: str, fraction: float) -> ColumnElement[Any]:
    """Σ over the kept rows of the two neighbours of position p·(n−1), weighted linearly."""
    low, weight = _low(ranked, fraction)
    x, rank = ranked.c[name], ranked.c[f"i_{name}"]
    return func.sum(case((rank == low, x * (1 - weight)), (rank == low + 1, x * weight), else_=0.0))


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]

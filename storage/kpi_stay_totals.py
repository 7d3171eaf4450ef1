"""All-time time in stage from the running totals (storage.rollup_models: an item per
deal and stage, and buckets of them), answering what storage.kpi_stays answers from the
history: per stage and variant (cumulative, latest) the count, mean, median and p90 of
the deals' days, found in the buckets (storage.bucket_ranks)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.bucket_ranks import Histogram, summaries
from storage.kpi_scope import KpiScope, rows_of
from storage.kpi_totals import in_scope
from storage.percentiles import Summary

ITEMS: Table = SQLModel.metadata.tables["kpi_stay_item"]
BUCKETS: Table = SQLModel.metadata.tables["kpi_stay_bucket"]


async def stays_from_totals(
    session: AsyncSession, *, scope: KpiScope
) -> dict[tuple[str, str], Summary]:
    def lookup(key: tuple[str, str], bucket: int) -> Select[Any]:
        variant, stage = key
        value = ITEMS.c[variant]
        return (
            select(value.label("x"))
            .where(
                *in_scope(ITEMS, scope),
                ITEMS.c.stage == stage,
                ITEMS.c[f"{variant}_bucket"] == bucket,
            )
            .order_by(value)
        )

    return await summaries(session, await _histograms(session, scope), lookup)


async def _histograms(session: AsyncSession, scope: KpiScope) -> dict[tuple[str, str], Histogram]:
    count, total = func.sum(BUCKETS.c.n), func.sum(BUCKETS.c.total)
    query = (
        select(BUCKETS.c.variant, BUCKETS.c.stage, BUCKETS.c.bucket, count, total)
        .where(*in_scope(BUCKETS, scope))
        .group_by(BUCKETS.c.variant, BUCKETS.c.stage, BUCKETS.c.bucket)
        .having(count > 0)
        .order_by(BUCKETS.c.variant, BUCKETS.c.stage, BUCKETS.c.bucket)
    )
    found: dict[tuple[str, str], Histogram] = defaultdict(Histogram)
    for variant, stage, bucket, n, summed in await rows_of(session, query):
        histogram = found[(str(variant), str(stage))]
        histogram.buckets.append((int(bucket), int(n)))
        histogram.total += float(summed)
    return dict(found)

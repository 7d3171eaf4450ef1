"""All-time time in stage from the running totals (storage.rollup_models: an item per
deal and stage, and buckets of them), answering what storage.kpi_stays answers from the
history: per stage and variant (cumulative, latest) the count, mean, median and p90 of
the deals' days, found in the buckets (storage.bucket_ranks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table, select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.bucket_ranks import histograms, summaries
from storage.kpi_scope import KpiScope
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

    found = await histograms(session, BUCKETS, in_scope(BUCKETS, scope), ("variant", "stage"))
    return await summaries(session, {(k[0], k[1]): h for k, h in found.items()}, lookup)

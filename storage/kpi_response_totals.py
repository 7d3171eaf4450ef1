"""All-time first response from the running totals (storage.rollup_models: an item per
deal with a response, and buckets of them), answering what
storage.kpi_events.first_response answers from the history: the count, mean, median and
p90 of the hours from each deal's creation to its first response, found in the buckets
(storage.bucket_ranks)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table, select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import storage.tables  # noqa: F401  (registers every table)
from storage.bucket_ranks import histograms, summaries
from storage.kpi_scope import KpiScope
from storage.kpi_totals import in_scope
from storage.percentiles import EMPTY, Summary

ITEMS: Table = SQLModel.metadata.tables["kpi_response_item"]
BUCKETS: Table = SQLModel.metadata.tables["kpi_response_bucket"]


async def response_from_totals(session: AsyncSession, *, scope: KpiScope) -> Summary:
    def lookup(_key: tuple[()], bucket: int) -> Select[Any]:
        conditions = (*in_scope(ITEMS, scope), ITEMS.c.bucket == bucket)
        return select(ITEMS.c.hours.label("x")).where(*conditions).order_by(ITEMS.c.hours)

    found = await histograms(session, BUCKETS, in_scope(BUCKETS, scope), ())
    if not found:
        return EMPTY
    return (await summaries(session, {(): found[()]}, lookup))[()]

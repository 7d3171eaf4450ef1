"""A deal held by a write transaction (storage.deal_store.DealStore.lock): every change to
a deal is written through one of these.

The deal is held from its read to the commit: a row lock on PostgreSQL (SELECT … FOR
UPDATE), the database's write lock on SQLite (the write session's BEGIN IMMEDIATE). Its
row is written only at the version it was read at, and each write takes the next one
(`save`): should a lock ever be missing, a write that lost the race is refused instead of
overwriting a newer change. Another deal the change must write (the deal a channel was
bound to before) is locked first, the same way, and saved the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from storage import deal_queries, deal_writes, webhook_queries
from storage.models import Deal, ExitTick
from storage.name_keys import name_key
from storage.webhook_models import OutboundEvent


class LockedDeal:
    def __init__(self, session: AsyncSession, deal: Deal, ticks: list[ExitTick]) -> None:
        # The transaction, for the change's other reads in it (who may change the deal).
        self.session = session
        self.deal = deal  # in no session: a rollback leaves it (and the ticks) readable
        self.ticks = ticks  # of the stage the deal was in when locked
        self._held = {self._id(deal)}

    async def save(self, deal: Deal, values: Mapping[str, object]) -> bool:
        """Write `values` on `deal` (this one, or another this transaction locked) if its
        version is the one it was read at; then the object has them and the next version.
        False, writing nothing, when its version moved on."""
        deal_id = self._id(deal)
        assert deal_id in self._held, "a deal is written only while this transaction holds it"
        if "name" in values:  # a new name is found by its folded key (storage.name_keys)
            values = {**values, "name_key": name_key(str(values["name"]))}
        saved = await deal_writes.save_deal(
            self.session, deal_id=deal_id, expected_version=deal.version, values=values
        )
        if saved:
            for key, value in values.items():
                setattr(deal, key, value)
            deal.version += 1
        return saved

    async def lock_bound_to(self, channel_id: str) -> Deal | None:
        """The deal bound to the channel, held by this transaction too (None: none is)."""
        bound = await deal_queries.deal_bound_to(
            self.session, team_id=self.deal.team_id, channel_id=channel_id, locked=True
        )
        if bound is not None:
            self._held.add(self._id(bound))
        return bound

    async def add_events(self, events: Sequence[Mapping[str, object]]) -> None:
        """Insert the deal's events (column values), in one statement."""
        await deal_writes.add_events(self.session, events)

    async def add_outbound(self, events: Sequence[OutboundEvent]) -> None:
        """Put stage events in the outbox of the endpoints that want them, in this
        transaction: they go out exactly when the change is committed (docs/webhooks.md)."""
        await webhook_queries.add_outbound(self.session, events)

    async def add_ticks(self, ticks: Sequence[ExitTick]) -> None:
        await deal_writes.add_ticks(self.session, ticks)

    async def remove_ticks(self, stage: str, items: Sequence[str]) -> None:
        """Untick `items` of the deal's `stage`."""
        deal_id = self._id(self.deal)
        await deal_writes.remove_ticks(self.session, deal_id=deal_id, stage=stage, items=items)

    async def validate_tick(self, stage: str, item: str, *, by: str, at: dt.datetime) -> None:
        """Mark the tick of `item` validated by `by`."""
        deal_id = self._id(self.deal)
        await deal_writes.validate_tick(
            self.session, deal_id=deal_id, stage=stage, item=item, by=by, at=at
        )

    async def current_ticks(self) -> list[ExitTick]:
        """The ticks of the stage the deal is in now, as this transaction wrote them."""
        deal_id = self._id(self.deal)
        return await deal_queries.ticks_for(self.session, deal_id=deal_id, stage=self.deal.stage)

    async def rollback(self) -> None:
        """Undo what this transaction wrote; it writes nothing more."""
        await self.session.rollback()

    @staticmethod
    def _id(deal: Deal) -> int:
        assert deal.id is not None, "a stored deal has an id"
        return deal.id

"""The one way the app reads and writes deals.

It finds a deal (by number, by the start of its name, the channel's bound deal, the
user's last deal), reads what a card needs, creates a deal, and holds one for a change
(`lock`, then `LockedDeal.save` at the version it was read at). It also keeps each user's
last deal, written behind (storage.last_deals).

Which engine a read runs on is decided here and nowhere else (storage.database): a few
indexed look-ups of a row or two, made while a user waits, are quick reads (on SQLite,
on the event loop's thread); a read whose cost grows with the workspace (a name's prefix
may match much of it, and a name no deal has is matched against hundreds of names) is a
plain read, on aiosqlite's thread; a change runs in a write transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from storage import branches, deal_queries, migration_batch, queries, webhook_queries
from storage.database import Database
from storage.deal_moves import DealMove, MigratingDeal
from storage.last_deals import LastDeals, Pointer, UserKey
from storage.locked_deal import LockedDeal
from storage.models import Deal, DealEvent, ExitTick
from storage.name_keys import name_key
from storage.webhook_models import OutboundEvent

# Deal ids are a 32-bit integer column on PostgreSQL: a bigger number is no deal, and
# must not reach a query (asyncpg refuses it as out of range).
MAX_DEAL_ID = 2**31 - 1

# Writes a batch's moves in its transaction (storage.migration_batch.write_moves), and the
# stage events they make into the webhook outbox (storage.webhook_queries.add_outbound).
MoveWriter = Callable[[Sequence[DealMove], Sequence[OutboundEvent]], Awaitable[None]]
LostMigrationRace = migration_batch.LostMigrationRace


@dataclass(frozen=True, slots=True)
class DealAndTicks:
    """A deal and the exit ticks of the stage it is in: what its card shows."""

    deal: Deal
    ticks: list[ExitTick]
    # A deal in a side stage: where it left the main path (None: not recorded), read in
    # the same session; `left_asked` is False for a deal on the main path.
    left: str | None = None
    left_asked: bool = False


@dataclass(frozen=True, slots=True)
class NameMatches:
    """The deals whose name starts with a prefix, open ones first, then the most recently
    active (at most ten); when there is none, the workspace's most recently active names
    (at most 500), to suggest one from.

    `named`: the deal the prefix names, if it names one: the only match, or the only
    match whose whole name it is. `card`: that deal with what its card needs, when asked
    for (`by_name(card_named_by=…)`)."""

    deals: list[Deal]
    recent_names: list[str]
    named: Deal | None = None
    card: DealAndTicks | None = None


def _named(deals: Sequence[Deal], key: str) -> Deal | None:
    """The deal a prefix (its key) names: the only match, or the only one it names whole
    ("acme" names Acme beside Acme Corp)."""
    whole = [deal for deal in deals if deal.name_key == key]
    if len(whole) == 1:
        return whole[0]
    return deals[0] if len(deals) == 1 else None


class DealStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._last_deals = LastDeals(db)

    # -- finding ---------------------------------------------------------------------

    async def by_id(self, team_id: str, deal_id: int) -> Deal | None:
        if deal_id > MAX_DEAL_ID:
            return None
        async with self.db.quick_read() as session:
            return await deal_queries.deal_by_id(session, team_id=team_id, deal_id=deal_id)

    async def bound_to(self, team_id: str, channel_id: str) -> Deal | None:
        """The deal bound to the channel (a deal room), if any."""
        async with self.db.quick_read() as session:
            return await deal_queries.deal_bound_to(session, team_id=team_id, channel_id=channel_id)

    async def current(self, team_id: str, user_id: str, channel_id: str | None) -> Deal | None:
        """The deal bound to the channel, else the user's last deal, if any: in one read."""
        # Asked before the read: a batch landing during it would leave memory without the
        # read having seen it (LastDeals.known).
        held, last_deal_id = self._last_deals.known((team_id, user_id))
        async with self.db.quick_read() as session:
            if channel_id:
                bound = await deal_queries.deal_bound_to(
                    session, team_id=team_id, channel_id=channel_id
                )
                if bound:
                    return bound
            if not held:
                last_deal_id = await deal_queries.last_deal_id(
                    session, team_id=team_id, user_id=user_id
                )
            if last_deal_id is None:
                return None
            return await deal_queries.deal_by_id(session, team_id=team_id, deal_id=last_deal_id)

    async def by_name(
        self,
        team_id: str,
        prefix: str,
        *,
        suggest: bool = True,
        card_named_by: str | None = None,
    ) -> NameMatches:
        """`suggest=False`: no recent names to suggest from when nothing matches (a probe
        of free text for a deal's name, where no match is the usual answer).

        `card_named_by`: the user who named the deal, when its card is wanted: the deal
        named comes with its card's read, in the same session, and becomes their default
        deal (as `for_card` does for a number).

        A prefix that matches a few deals (the usual case: people type a name) is answered
        by a quick read of at most eleven rows of the name index; only one that matches
        more, or none when names are wanted to suggest from, takes the plain read."""
        key = name_key(prefix)
        known = self._last_deals.known((team_id, card_named_by)) if card_named_by else (False, None)
        async with self.db.quick_read() as session:
            few = await deal_queries.few_by_name_prefix(
                session, team_id=team_id, prefix=prefix, user_id=card_named_by
            )
            if few is not None and (few.deals or not suggest):
                named = _named(few.deals, key)
                card = None
                if named is not None and named.id is not None and card_named_by:
                    read = (named, few.ticks[named.id], few.last_deal_id)
                    card = await self._card(session, read, card_named_by, known)
                return NameMatches(few.deals, [], named=named, card=card)
        async with self.db.read() as session:
            deals = await deal_queries.deals_by_name_prefix(session, team_id=team_id, prefix=prefix)
            wanted = suggest and not deals
            names = await deal_queries.all_deal_names(session, team_id=team_id) if wanted else []
        return NameMatches(list(deals), recent_names=list(names), named=_named(deals, key))

    async def for_card(
        self, team_id: str, deal_id: int, *, named_by: str | None = None
    ) -> DealAndTicks | None:
        """The deal and its current ticks, in one statement. `named_by`: the user who named
        the deal, whose default deal it becomes; their stored last deal comes in the same
        statement, and an unchanged one is not written again."""
        if deal_id > MAX_DEAL_ID:
            return None
        # Asked before the read (see `current`).
        known = self._last_deals.known((team_id, named_by)) if named_by else (False, None)
        async with self.db.quick_read() as session:
            found = await deal_queries.deal_for_card(
                session, team_id=team_id, deal_id=deal_id, user_id=named_by
            )
            return None if found is None else await self._card(session, found, named_by, known)

    async def _card(
        self,
        session: AsyncSession,
        read: tuple[Deal, list[ExitTick], int | None],
        named_by: str | None,
        known: tuple[bool, Pointer],
    ) -> DealAndTicks:
        """A card from its read (the deal, its ticks, `named_by`'s stored last deal), with
        where a deal in a side stage left the main path, read in `session`. `named_by`'s
        default deal becomes this one unless it is already (`known`: what this process held
        for them before the read, if anything; else what is stored counts)."""
        deal, ticks, stored = read
        assert deal.id is not None
        deal_id = deal.id
        aside = branches.in_side_stage(deal.status)
        left = (
            await branches.stage_left(session, deal_id=deal_id, side_stage=deal.stage)
            if aside
            else None
        )
        held, latest = known
        if named_by and (latest if held else stored) != deal_id:
            self._last_deals.remember((deal.team_id, named_by), deal_id)
        return DealAndTicks(deal, ticks, left=left, left_asked=aside)

    async def stage_left(self, deal: Deal) -> str | None:
        """The main-path stage a deal in a side stage left to get there (storage.branches)."""
        assert deal.id is not None
        async with self.db.quick_read() as session:
            return await branches.stage_left(session, deal_id=deal.id, side_stage=deal.stage)

    async def ticks(self, deal: Deal) -> list[ExitTick]:
        """The exit ticks of the stage the deal is in."""
        assert deal.id is not None
        async with self.db.quick_read() as session:
            return await deal_queries.ticks_for(session, deal_id=deal.id, stage=deal.stage)

    async def ticks_of(self, deals: Sequence[Deal]) -> dict[int, list[ExitTick]]:
        """The exit ticks of the stage each deal is in, by deal id, in one statement."""
        async with self.db.read() as session:
            return await deal_queries.ticks_for_deals(session, deals=deals)

    async def history(self, team_id: str, deal_id: int) -> Sequence[DealEvent]:
        """The deal's events, oldest first (at most 200)."""
        async with self.db.read() as session:
            return await deal_queries.history(session, team_id=team_id, deal_id=deal_id)

    # -- changing --------------------------------------------------------------------

    async def create(self, deal: Deal, created: DealEvent, people: Iterable[str]) -> Deal:
        """Insert the deal, then its first event (whose deal id is set here), and make
        `people` people of the workspace, in one transaction; the deal, with its id."""
        async with self.db.write() as session:
            session.add(deal)
            await session.flush()
            created.deal_id = deal.id
            session.add(created)
            for user_id in people:
                await queries.upsert_person(
                    session, team_id=deal.team_id, user_id=user_id, values={}
                )
        return deal

    @asynccontextmanager
    async def lock(self, team_id: str, deal_id: int) -> AsyncIterator[LockedDeal | None]:
        """A write transaction holding the deal (None: no such deal), committed when the
        block ends, rolled back if it raises (see LockedDeal)."""
        async with self.db.write() as session:
            found = None
            if deal_id <= MAX_DEAL_ID:
                found = await deal_queries.locked_deal_with_ticks(
                    session, team_id=team_id, deal_id=deal_id
                )
            yield LockedDeal(session, *found) if found else None

    # -- moving open deals onto another map version (storage.migration_batch) ----------

    async def migrating(
        self, *, map_id: str, version: int, after_id: int, limit: int
    ) -> list[MigratingDeal]:
        """A page of the open deals on a map version, read without a lock (a dry run)."""
        async with self.db.read() as session:
            return await migration_batch.open_deals_on(
                session, map_id=map_id, version=version, after_id=after_id, limit=limit
            )

    @asynccontextmanager
    async def migration_batch(
        self, *, map_id: str, version: int, after_id: int, limit: int
    ) -> AsyncIterator[tuple[list[MigratingDeal], MoveWriter]]:
        """A write transaction holding a page of the open deals on a map version, and the
        writer of their moves; committed when the block ends, rolled back if it raises."""
        async with self.db.write() as session:
            found = await migration_batch.open_deals_on(
                session, map_id=map_id, version=version, after_id=after_id, limit=limit, locked=True
            )

            async def write(moves: Sequence[DealMove], outbound: Sequence[OutboundEvent]) -> None:
                await migration_batch.write_moves(session, moves)
                await webhook_queries.add_outbound(session, outbound)

            yield found, write

    async def open_stages_on(self, *, map_id: str, version: int) -> dict[str, int]:
        """Open deals per stage on a map version, every workspace's."""
        async with self.db.read() as session:
            return await migration_batch.open_stages_on(session, map_id=map_id, version=version)

    async def count_migrated(self, *, map_id: str, from_version: int, to_version: int) -> int:
        async with self.db.read() as session:
            return await migration_batch.count_migrated(
                session, map_id=map_id, from_version=from_version, to_version=to_version
            )

    # -- each user's last deal -------------------------------------------------------

    def remember(self, who: UserKey, deal_id: Pointer) -> None:
        """Make `deal_id` `who`'s last deal: seen by this process at once, written behind."""
        self._last_deals.remember(who, deal_id)

    def known(self, who: UserKey) -> tuple[bool, Pointer]:
        """(True, the deal) when this process holds an update not written yet."""
        return self._last_deals.known(who)

    async def flush(self) -> None:
        """Write the last deals held now (tests that read the table; a clean stop)."""
        await self._last_deals.flush()

    async def close(self) -> None:
        """Write what is held, then stop the writer (at shutdown)."""
        await self._last_deals.close()

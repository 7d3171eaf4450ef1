"""The one way a deal changes: find it, lock it, check who acts and that it has not moved,
apply the change and its events, commit.

The reference is resolved first, in its own read, so the stage the user saw is known (a
click, a `SeenDeal`, names both the deal and the stage its card showed, so it needs no
such read); the change then runs in a write transaction holding the deal (row lock on
PostgreSQL, the write lock on SQLite). If the deal left that stage meanwhile, the answer
is `Stale`: "this deal just moved; here is where it is now", never a second move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import may_change
from bot.core.context import Actor, Services
from bot.core.outcomes import DealCard, Failure, NotAllowed, NotFound, Outcome, Stale
from bot.core.refs import DealRef, SeenDeal
from bot.deals.approval_notes import notes_in
from bot.deals.cards import LeftAt, build_card
from bot.deals.lookup import find_deal, no_such_deal
from bot.deals.stage_events import outbound_of_change
from flows.i18n import _
from flows.machine import Flow
from storage.branches import stage_left
from storage.deal_store import LockedDeal
from storage.models import Deal, EventKind, ExitTick

Permission = Callable[[AsyncSession, Services, Actor, Deal], Awaitable[NotAllowed | None]]


@dataclass(slots=True)
class Change:
    """What a change callback gets: the locked deal (in no session: write through `held`)
    and the ticks of the stage it was in, read under the lock (a change that writes
    ticks keeps them current)."""

    held: LockedDeal
    services: Services
    actor: Actor
    deal: Deal
    flow: Flow
    ticks: list[ExitTick]
    pending_events: list[dict[str, object]] = field(default_factory=list)

    def event(self, kind: EventKind, *, at: dt.datetime | None = None, **fields: object) -> None:
        """Record an event of the deal, at `at` (default: now). The change's events are
        written together, in one statement, by `save` (or when the change is done)."""
        self.pending_events.append(
            {
                "team_id": self.deal.team_id,
                "deal_id": self.deal.id,
                "map_id": self.deal.map_id,
                "kind": kind.value,
                "actor_id": self.actor.user_id,
                "at": at or self.services.clock(),
                **fields,
            }
        )

    async def write_events(self) -> None:
        """Write the events so far, and the stage events among them into the webhook
        outbox, in this transaction (bot.deals.stage_events)."""
        if self.pending_events:
            await self.held.add_events(self.pending_events)
            outbound = outbound_of_change(self.deal, self.flow, self.pending_events)
            if outbound:
                await self.held.add_outbound(outbound)
            self.pending_events.clear()

    async def save(self, **values: object) -> None:
        """Write the events so far and `values` on the deal, if its version is unchanged;
        update the snapshot too.

        The lock already serializes writers; the version check keeps a lost race from
        ever overwriting a newer change should the lock be missing (raises LostRace).
        """
        await self.write_events()
        now = self.services.clock()
        values = {"updated_at": now, "last_activity_at": now, **values}
        if not await self.held.save(self.deal, values):
            raise LostRace

    async def card(self) -> DealCard:
        """The deal's card as this change leaves it (its current stage's ticks read in the
        change's transaction)."""
        ticks = await self.held.current_ticks()
        left = None
        if not self.flow.stage(self.deal.stage).is_open:
            await self.write_events()  # a branch's own event says where the deal left
            assert self.deal.id is not None
            side = self.deal.stage
            left = LeftAt(
                await stage_left(self.held.session, deal_id=self.deal.id, side_stage=side)
            )
        now = self.services.clock()
        notes = await notes_in(self.held.session, self.deal, self.flow.stage(self.deal.stage))
        return build_card(
            deal=self.deal, ticks=ticks, flow=self.flow, now=now, left=left, approvals=notes
        )


class LostRace(Exception):
    """The deal's version changed under us."""


ChangeFn = Callable[[Change], Awaitable[Outcome]]


@dataclass(frozen=True, slots=True)
class _Target:
    deal_id: int
    stage: str  # the stage the user acted on
    missing: Failure  # what to say if the deal is not there under the lock


@dataclass(frozen=True, slots=True)
class _MapNeeded:
    map_id: str
    version: int


async def change_deal(
    services: Services,
    actor: Actor,
    ref: DealRef,
    apply: ChangeFn,
    *,
    permission: Permission = may_change,
) -> Outcome:
    target = await _target(services, actor, ref)
    if isinstance(target, Failure):
        return target
    outcome = await _locked_change(services, actor, target, apply, permission)
    if isinstance(outcome, _MapNeeded):
        # Load the deal's map outside the lock. A version not in memory yet (a deal of an
        # older map, after a restart) is read from the database on a second connection;
        # with the row lock held, that read could wait for pooled connections held by the
        # requests queued behind this very lock, and all of them would stall until the pool
        # timed out. Then the change runs again, from the top.
        await services.catalog.flow(services.db, map_id=outcome.map_id, version=outcome.version)
        outcome = await _locked_change(services, actor, target, apply, permission)
    assert not isinstance(outcome, _MapNeeded), "a map version loaded a moment ago is gone"
    if not isinstance(outcome, Failure):
        services.touch(actor, target.deal_id)  # committed: it is the user's deal now
    return outcome


async def _target(services: Services, actor: Actor, ref: DealRef) -> _Target | Failure:
    if isinstance(ref, SeenDeal):
        # A click names the deal and the stage its card showed: no read before the lock
        # (the store finds no deal past the id range, and answers `missing`).
        return _Target(ref.deal_id, ref.stage, no_such_deal(ref.deal_id))
    found = await find_deal(services, actor, ref)
    if isinstance(found, Failure):
        return found
    assert found.id is not None
    # Loaded here, before the lock, so the change itself never has to (see change_deal).
    await services.catalog.flow(services.db, map_id=found.map_id, version=found.map_version)
    missing = NotFound(_("that deal no longer exists"), _("use /deal list"))  # deleted since
    return _Target(found.id, found.stage, missing)


async def _locked_change(
    services: Services, actor: Actor, target: _Target, apply: ChangeFn, permission: Permission
) -> Outcome | _MapNeeded:
    async with services.deals.lock(actor.team_id, target.deal_id) as held:
        if held is None:
            return target.missing
        deal, ticks = held.deal, held.ticks  # a rollback (see LostRace) leaves them readable
        flow = services.catalog.loaded_flow(map_id=deal.map_id, version=deal.map_version)
        if flow is None:
            return _MapNeeded(deal.map_id, deal.map_version)  # the transaction ends unused
        denied = await permission(held.session, services, actor, deal)
        if denied:
            return denied
        if deal.stage != target.stage:
            return _stale(services, deal, ticks, flow)
        change = Change(held, services, actor, deal, flow, ticks)
        try:
            outcome = await apply(change)
        except LostRace:
            await held.rollback()
            return _stale(services, deal, ticks, flow)
        if isinstance(outcome, Failure):
            await held.rollback()  # a refused change writes nothing, not even a half
        else:
            await change.write_events()  # any recorded after the last save
        return outcome


def _stale(services: Services, deal: Deal, ticks: list[ExitTick], flow: Flow) -> Stale:
    card = build_card(deal=deal, ticks=ticks, flow=flow, now=services.clock())
    return Stale(
        _("{name} just moved to {stage}; here is where it is now").format(
            name=deal.name, stage=card.stage.name
        ),
        _("look at the card and try again if it still applies"),
        card=card,
    )

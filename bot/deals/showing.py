"""Showing a deal's card, and its history."""

from __future__ import annotations

from bot.core.access import may_change, may_override
from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Outcome
from bot.core.refs import DealRef
from bot.deals.lookup import card_of, find_deal
from bot.deals.outcomes import DealHistory, HistoryEntry, Shown
from flows.schema import ProcessMap
from storage.models import DealEvent, EventKind


async def show_deal(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    # Naming a deal makes it the default for the next command (card_of; written behind:
    # a show stays a read, with no write transaction and no write lock on SQLite).
    found = await card_of(services, actor, ref)
    if isinstance(found, Failure):
        return found
    return Shown(card=found)


async def card_to_change(
    services: Services, actor: Actor, ref: DealRef, *, override: bool = False
) -> Outcome:
    """The card a form about a change is built on, or why the actor may not make that
    change: refused at the click, before a form opens, never after it is filled in."""
    found = await card_of(services, actor, ref)
    if isinstance(found, Failure):
        return found
    may = may_override if override else may_change
    async with services.db.read() as session:
        denied = await may(session, services, actor, found)
    return denied or Shown(card=found)


async def deal_history(services: Services, actor: Actor, ref: DealRef) -> Outcome:
    found = await find_deal(services, actor, ref)
    if isinstance(found, Failure):
        return found
    assert found.id is not None
    events = await services.deals.history(actor.team_id, found.id)
    process_map = await services.catalog.get(
        services.db, map_id=found.map_id, version=found.map_version
    )
    return DealHistory(
        deal_id=found.id, name=found.name, entries=[_entry(process_map, e) for e in events]
    )


def _entry(process_map: ProcessMap, event: DealEvent) -> HistoryEntry:
    def name(stage_id: str | None) -> str | None:
        return (
            process_map.stage(stage_id).name
            if stage_id and process_map.has_stage(stage_id)
            else stage_id
        )

    return HistoryEntry(
        event=event,
        from_name=name(event.from_stage),
        to_name=name(event.to_stage),
        item_text=_item_texts(process_map, event),
    )


def _item_texts(process_map: ProcessMap, event: DealEvent) -> str | None:
    """The exit item an event is about, or for an override the items it skipped, as the
    map words them (ids only where the map no longer has the item)."""
    ids = [event.item_id] if event.item_id else []
    if event.kind == EventKind.OVERRIDDEN and event.value:
        ids = event.value.split(",")
    if not ids or not event.from_stage or not process_map.has_stage(event.from_stage):
        return None
    stage = process_map.stage(event.from_stage)
    return "; ".join(found.text if (found := stage.item(i)) else i for i in ids)

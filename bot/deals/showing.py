"""Showing a deal's card, and its history (each event worded by the map version the deal
was on when it happened: a migrated deal's earlier events by the version it left)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.access import may_change, may_override
from bot.core.context import Actor, Services
from bot.core.outcomes import Failure, Outcome
from bot.core.refs import DealRef
from bot.deals.lookup import card_of, find_deal
from bot.deals.migration_plan import TickNote
from bot.deals.outcomes import DealHistory, HistoryEntry, Migration, Shown
from flows.schema import ProcessMap, Stage
from storage.deal_moves import parse_version_pair
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
    current = await services.catalog.get(
        services.db, map_id=found.map_id, version=found.map_version
    )
    maps = await _maps_of(services, found.map_id, events, current)
    return DealHistory(deal_id=found.id, name=found.name, entries=_entries(events, maps, current))


async def _maps_of(
    services: Services, map_id: str, events: Sequence[DealEvent], current: ProcessMap
) -> dict[int, ProcessMap]:
    """Every version of the map the deal has been on (a migrated deal's events before its
    move are worded by the version it was on then)."""
    maps = {current.version: current}
    for event in events:
        pair = parse_version_pair(event.value) if event.kind == EventKind.MIGRATED else None
        for version in pair or ():
            stored = await services.catalog.stored(services.db, map_id=map_id, version=version)
            maps[version] = stored or current
    return maps


def _entries(
    events: Sequence[DealEvent], maps: dict[int, ProcessMap], current: ProcessMap
) -> list[HistoryEntry]:
    migrations = [
        pair
        for event in events
        if event.kind == EventKind.MIGRATED and (pair := parse_version_pair(event.value))
    ]
    process_map = maps[migrations[0][0]] if migrations else current
    entries = []
    for event in events:
        pair = parse_version_pair(event.value) if event.kind == EventKind.MIGRATED else None
        if pair is None:
            entries.append(_entry(process_map, event))
            continue
        entries.append(_migrated(maps[pair[0]], maps[pair[1]], event))
        process_map = maps[pair[1]]
    return entries


def _migrated(old: ProcessMap, new: ProcessMap, event: DealEvent) -> HistoryEntry:
    note = TickNote.from_json(event.reason)
    stage_id = event.to_stage or event.from_stage or ""
    stage = new.stage(stage_id) if new.has_stage(stage_id) else None
    old_stage = old.stage(event.from_stage) if event.from_stage and old.has_stage(event.from_stage) else None  # fmt: skip

    def texts(ids: list[str], where: Stage | None) -> list[str]:
        return [found.text if where and (found := where.item(i)) else i for i in ids]

    return HistoryEntry(
        event=event,
        from_name=_stage_name(old, event.from_stage),
        to_name=_stage_name(new, event.to_stage),
        item_text=None,
        migration=Migration(
            from_version=old.version,
            to_version=new.version,
            carried=len(note.carried),
            opened=texts(note.opened, stage),
            dropped=texts(note.dropped, old_stage),
            reset=texts(note.reset, stage),
        ),
    )


def _stage_name(process_map: ProcessMap, stage_id: str | None) -> str | None:
    if stage_id and process_map.has_stage(stage_id):
        return process_map.stage(stage_id).name
    return stage_id


def _entry(process_map: ProcessMap, event: DealEvent) -> HistoryEntry:
    return HistoryEntry(
        event=event,
        from_name=_stage_name(process_map, event.from_stage),
        to_name=_stage_name(process_map, event.to_stage),
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

"""Gathering a digest: what moved in its window, what is stuck or idle now, what buyers
objected to, and the funnel. Reads only; the same window always gives the same movement,
so a digest recovered after a crash says what the lost attempt would have said."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from bot.core.context import Services
from bot.core.outcomes import SLIPPING_PUSHES
from bot.core.scope import Scope, ScopeKind
from bot.core.teams import owners_in
from bot.core.workspace_settings import workspace_map
from bot.deals.cards import whole_days
from bot.deals.feedback import Status
from bot.deals.feedback_owners import feedback_lines
from bot.digests.content import (
    FEEDBACK_LINES,
    Awaiting,
    DealLine,
    Deviation,
    Digest,
    Flagged,
    Movement,
    ObjectionCount,
    OpenFeedback,
    Slipping,
    WaitingHandoff,
)
from bot.digests.schedule import zone
from bot.reporting.deviations import deviations_between
from bot.reporting.funnel import funnel_numbers
from flows.machine import is_recorded
from flows.schema import ProcessMap, Stage
from storage import digest_queries, feedback_queries
from storage.digest_models import DigestSubscription
from storage.kpi_deviations import GateDeviation, GateDeviations
from storage.kpi_scope import Window
from storage.models import Deal, DealEvent, EventKind, ExitTick

TOP_OBJECTIONS = 5
MAX_OPEN_DEALS = 2000


async def compose_digest(
    services: Services,
    *,
    subscription: DigestSubscription,
    window_start: dt.datetime,
    window_end: dt.datetime,
) -> Digest:
    kind = ScopeKind(subscription.scope)
    team_id, user_id = subscription.team_id, subscription.scope_user_id
    scope, now = Scope.of(kind, user_id), services.clock()
    async with services.db.read() as session:
        owners = await owners_in(session, team_id=team_id, scope=scope)
        events = await digest_queries.events_between(
            session, team_id=team_id, owner_ids=owners, start=window_start, end=window_end
        )
        deals = await digest_queries.open_deals(
            session, team_id=team_id, owner_ids=owners, limit=MAX_OPEN_DEALS
        )
    maps = await _maps(services, [deal for _event, deal in events] + list(deals))
    window = Window(window_start, window_end)
    deviations = await _deviations(services, team_id, owners, window, maps)
    today = now.astimezone(zone(subscription.tz)).date()
    digest = Digest(
        scope=kind,
        scope_user_id=user_id,
        frequency=subscription.frequency,
        tz=subscription.tz or "UTC",
        window_start=window_start,
        window_end=window_end,
        funnel=await funnel_numbers(services, team_id=team_id, scope=scope, today=today),
        overridden=deviations.overrides,
        skipped=deviations.skips,
        feedback=await _feedback(services, team_id, owners, window_end),
    )
    _sort_events(digest, events, maps)
    await _list_deviations(services, digest, deviations)
    _flag_deals(digest, deals, maps, now=now)
    digest.awaiting.extend(await _awaiting(services, deals, maps, now=now))
    return digest


async def _feedback(
    services: Services, team_id: str, authors: tuple[str, ...] | None, before: dt.datetime
) -> OpenFeedback:
    """Open feedback given by the people in scope (everyone's for the whole workspace)."""
    async with services.db.read() as session:
        rows, total = await feedback_queries.newest(
            session, team_id=team_id, status=Status.OPEN, limit=FEEDBACK_LINES,
            authors=authors, before=before,
        )  # fmt: skip
    return OpenFeedback(await feedback_lines(services, team_id, rows), total)


async def _deviations(
    services: Services,
    team_id: str,
    owners: tuple[str, ...] | None,
    window: Window,
    maps: dict[tuple[str, int], ProcessMap],
) -> GateDeviations:
    """Counted by the query /deal stats runs, over every map the digest's deals follow."""
    map_ids = {map_id for map_id, _version in maps} | {(await workspace_map(services, team_id)).id}
    return await deviations_between(
        services, team_id=team_id, owner_ids=owners, window=window, map_ids=map_ids
    )


async def _maps(services: Services, deals: Sequence[Deal]) -> dict[tuple[str, int], ProcessMap]:
    keys = {(deal.map_id, deal.map_version) for deal in deals}
    return {
        key: await services.catalog.get(services.db, map_id=key[0], version=key[1]) for key in keys
    }


def _line(deal: Deal, process_map: ProcessMap) -> DealLine:
    assert deal.id is not None
    return DealLine(
        deal_id=deal.id,
        name=deal.name,
        owner_id=deal.owner_id,
        stage_name=_stage_name(process_map, deal.stage) or deal.stage,
        amount=deal.amount,
        currency=deal.currency,
        expected_close=deal.expected_close,
    )


def _stage_name(process_map: ProcessMap, stage_id: str | None) -> str | None:
    if stage_id and process_map.has_stage(stage_id):
        return process_map.stage(stage_id).name
    return stage_id


def _sort_events(
    digest: Digest,
    events: Sequence[tuple[DealEvent, Deal]],
    maps: dict[tuple[str, int], ProcessMap],
) -> None:
    objections: Counter[str] = Counter()
    for event, deal in events:
        process_map = maps[(deal.map_id, deal.map_version)]
        if event.kind == EventKind.OBJECTION:
            objections[_objection_text(process_map, event)] += 1
            continue
        _sort_move(digest, event, _line(deal, process_map), process_map)
    digest.objections.extend(
        ObjectionCount(text=text, count=count)
        for text, count in objections.most_common(TOP_OBJECTIONS)
    )


def _sort_move(digest: Digest, event: DealEvent, line: DealLine, process_map: ProcessMap) -> None:
    source = _stage_name(process_map, event.from_stage)
    dest = _stage_name(process_map, event.to_stage)
    move = Movement(deal=line, from_stage=source, to_stage=dest, reason=event.reason)
    if event.kind == EventKind.CREATED:
        digest.new.append(move)
    elif event.kind in (EventKind.ADVANCED, EventKind.OVERRIDDEN):
        won = bool(event.to_stage) and process_map.won_stage.id == event.to_stage
        (digest.won if won else digest.advanced).append(move)
    elif event.kind == EventKind.BRANCHED:
        (digest.parked if event.action == "nurture" else digest.lost).append(move)
    elif event.kind == EventKind.REOPENED:
        digest.reopened.append(move)


async def _list_deviations(services: Services, digest: Digest, found: GateDeviations) -> None:
    """The newest deviations of each kind, overrides first, each kind oldest first as the
    digest reads; the tallies count them all."""
    for deviation in [*reversed(found.recent_overrides), *reversed(found.recent_skips)]:
        key = (deviation.map_id, deviation.map_version)
        process_map = await services.catalog.get(services.db, map_id=key[0], version=key[1])
        digest.deviations.append(_deviation(deviation, process_map))


def _deviation(found: GateDeviation, process_map: ProcessMap) -> Deviation:
    line = DealLine(
        deal_id=found.deal_id,
        name=found.deal_name,
        owner_id=found.owner_id,
        stage_name=_stage_name(process_map, found.deal_stage) or found.deal_stage,
        amount=found.amount,
        currency=found.currency,
    )
    return Deviation(
        deal=line,
        kind=found.kind,
        actor_id=found.actor_id,
        from_stage=_stage_name(process_map, found.from_stage),
        to_stage=_stage_name(process_map, found.to_stage),
        reason=found.reason,
        open_items=len(found.open_items),
        gates=found.gates,
        left_stage=_stage_name(process_map, found.origin) if found.reopened else None,
    )


def _objection_text(process_map: ProcessMap, event: DealEvent) -> str:
    """Objections that match a playbook entry count together under its wording."""
    for stage in process_map.stages:
        for entry in stage.playbook:
            if entry.id == event.value:
                return entry.objection
    return (event.reason or "").strip()


def _flag_deals(
    digest: Digest,
    deals: Sequence[Deal],
    maps: dict[tuple[str, int], ProcessMap],
    *,
    now: dt.datetime,
) -> None:
    """Stuck and idle as the stage card counts them (bot.deals.cards.build_card), slipping
    as it flags it (DealCard.slipping), and handoffs as it shows them waiting."""
    for deal in deals:
        process_map = maps[(deal.map_id, deal.map_version)]
        if not process_map.has_stage(deal.stage):
            continue
        stage = process_map.stage(deal.stage)
        in_stage = whole_days(deal.stage_entered_at, now)
        idle = whole_days(deal.last_activity_at, now)
        if stage.target_days is not None and in_stage > stage.target_days:
            digest.stuck.append(Flagged(_line(deal, process_map), in_stage, stage.target_days))
        if stage.rot_days is not None and idle >= stage.rot_days:
            digest.idle.append(Flagged(_line(deal, process_map), idle, stage.rot_days))
        if deal.close_pushes >= SLIPPING_PUSHES:
            digest.slipping.append(Slipping(_line(deal, process_map), deal.close_pushes))
        if deal.handoff == "waiting":  # handed to the stage's team, nobody accepted it yet
            hours = int((now - deal.stage_entered_at).total_seconds() // 3600)
            digest.handoffs.append(WaitingHandoff(_line(deal, process_map), stage.owner, hours))
    digest.stuck.sort(key=lambda flagged: flagged.limit - flagged.days)
    digest.idle.sort(key=lambda flagged: flagged.limit - flagged.days)
    digest.slipping.sort(key=lambda slipping: -slipping.pushes)


async def _awaiting(
    services: Services,
    deals: Sequence[Deal],
    maps: dict[tuple[str, int], ProcessMap],
    *,
    now: dt.datetime,
) -> list[Awaiting]:
    """Items ticked on the open deals that wait for a manager's validation."""
    validated = {
        deal.id: stage
        for deal in deals
        if (stage := _current_stage(maps[(deal.map_id, deal.map_version)], deal)) is not None
        and any(item.validate_by is not None for item in stage.exit)
    }
    if not validated:
        return []
    item_ids = {item.id for stage in validated.values() for item in stage.exit if item.validate_by}
    async with services.db.read() as session:
        ticks = await digest_queries.unvalidated_ticks(
            session, deal_ids=[i for i in validated if i is not None], item_ids=sorted(item_ids)
        )
    by_id = {deal.id: deal for deal in deals}
    return [
        _awaiting_line(by_id[tick.deal_id], validated[tick.deal_id], tick, maps, now)
        for tick in ticks
        if tick.stage == validated[tick.deal_id].id and _validates(validated[tick.deal_id], tick)
    ]


def _current_stage(process_map: ProcessMap, deal: Deal) -> Stage | None:
    return process_map.stage(deal.stage) if process_map.has_stage(deal.stage) else None


def _validates(stage: Stage, tick: ExitTick) -> bool:
    """A tick that waits for validation, as the card shows it: with its evidence."""
    item = stage.item(tick.item_id)
    ticked, evidence = frozenset({tick.item_id}), {tick.item_id: tick.evidence or ""}
    return item is not None and item.validate_by is not None and is_recorded(item, ticked, evidence)


def _awaiting_line(
    deal: Deal,
    stage: Stage,
    tick: ExitTick,
    maps: dict[tuple[str, int], ProcessMap],
    now: dt.datetime,
) -> Awaiting:
    item = stage.item(tick.item_id)
    assert item is not None  # _validates kept only the stage's own items
    return Awaiting(
        deal=_line(deal, maps[(deal.map_id, deal.map_version)]),
        number=stage.exit.index(item) + 1,
        item=item.text,
        ticked_by=tick.ticked_by,
        days=whole_days(tick.ticked_at, now),
    )

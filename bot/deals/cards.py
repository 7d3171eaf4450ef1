"""Building the card and list row of a deal from its row, its ticks and its flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.outcomes import ApprovalNote, DealCard, DealRow, TickInfo
from flows.machine import Flow, Move, Transition, is_recorded
from flows.schema import ExitItem, ProcessMap, Stage
from storage.models import Deal, DealStatus, ExitTick


@dataclass(frozen=True, slots=True)
class LeftAt:
    """Where a deal in a side stage left the main path (None: its history does not say)."""

    stage: str | None


def reopen_moves(
    process_map: ProcessMap, options: list[Transition], left: str | None
) -> list[Transition]:
    """The reopen moves that land no later on the main path than the stage the deal left:
    a later one would walk around gates it never passed (bot.deals.reopening). With no
    record of where it left (imported straight into a side stage), the earliest only."""
    position = {stage.id: n for n, stage in enumerate(process_map.open_stages)}
    last = len(position)
    if left is None or left not in position:
        return sorted(options, key=lambda t: position.get(t.dest, last))[:1]
    return [t for t in options if position.get(t.dest, last) <= position[left]]


def _moves(flow: Flow, stage_id: str, left: LeftAt | None) -> list[Transition]:
    moves = flow.available(stage_id)
    if left is None:  # not looked up: what the map allows (lists and rows show no moves)
        return moves
    reopen = [t for t in moves if t.move is Move.REOPEN]
    allowed = reopen_moves(flow.map, reopen, left.stage)
    return [t for t in moves if t.move is not Move.REOPEN or t in allowed]


def whole_days(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, (end - start).days)


def build_card(
    *,
    deal: Deal,
    ticks: Sequence[ExitTick],
    flow: Flow,
    now: dt.datetime,
    left: LeftAt | None = None,
    approvals: Mapping[str, ApprovalNote] | None = None,
) -> DealCard:
    """`left`: where a side stage's deal left the main path (only the reopens allowed,
    bot.deals.reopening); `approvals`: see DealCard."""
    assert deal.id is not None
    stage = flow.stage(deal.stage)
    ticked = _recorded_ticks(stage, ticks)
    return DealCard(
        deal_id=deal.id,
        name=deal.name,
        company=deal.company,
        amount=deal.amount,
        currency=deal.currency,
        owner_id=deal.owner_id,
        status=DealStatus(deal.status),  # a plain str when the row was read back from the database
        stage=stage,
        process_map=flow.map,
        ticked=ticked,
        missing=_missing(flow, stage, ticked),
        moves=_moves(flow, stage.id, left),
        **_clocks(deal, stage, now),
        version=deal.version,
        channel_id=deal.channel_id,
        nurture_until=deal.nurture_until,
        is_practice=deal.is_practice,
        expected_close=deal.expected_close,
        close_pushes=deal.close_pushes,
        approvals={i: note for i, note in (approvals or {}).items() if i not in ticked},
        handoff=deal.handoff,
        held_by=deal.held_by,
    )


def _clocks(deal: Deal, stage: Stage, now: dt.datetime) -> dict[str, Any]:
    """Days in the stage and since the last activity, and whether either is over its limit."""
    days_in_stage = whole_days(deal.stage_entered_at, now)
    idle_days = whole_days(deal.last_activity_at, now)
    return {
        "days_in_stage": days_in_stage,
        "idle_days": idle_days,
        "stuck": stage.target_days is not None and days_in_stage > stage.target_days,
        "idle": stage.rot_days is not None and idle_days >= stage.rot_days,
    }


def _missing(flow: Flow, stage: Stage, ticked: dict[str, TickInfo]) -> list[ExitItem]:
    """What the gate still lacks, judged on what the card shows ticked."""
    evidence = {item_id: info.evidence or "" for item_id, info in ticked.items()}
    validated = frozenset(i for i, info in ticked.items() if info.validated_by)
    return flow.missing_items(stage.id, frozenset(ticked), evidence, validated)


def _recorded_ticks(stage: Stage, ticks: Sequence[ExitTick]) -> dict[str, TickInfo]:
    """The ticks a card shows ticked: with their evidence where the item asks for some
    (done, or waiting for validation, which the card says). A tick without its value is
    not shown: a card shows a box ticked only when the gate can count it."""
    recorded = frozenset(t.item_id for t in ticks)
    evidence = {t.item_id: t.evidence or "" for t in ticks}
    return {
        t.item_id: TickInfo(
            by=t.ticked_by, at=t.ticked_at, evidence=t.evidence, validated_by=t.validated_by
        )
        for t in ticks
        if (item := stage.item(t.item_id)) is None or is_recorded(item, recorded, evidence)
    }


def build_row(*, deal: Deal, ticks: Sequence[ExitTick], flow: Flow, now: dt.datetime) -> DealRow:
    card = build_card(deal=deal, ticks=ticks, flow=flow, now=now)
    return DealRow(
        deal_id=card.deal_id,
        name=card.name,
        owner_id=card.owner_id,
        stage_id=card.stage.id,
        stage_name=card.stage.name,
        amount=card.amount,
        currency=card.currency,
        days_in_stage=card.days_in_stage,
        open_items=len(card.missing),
        stuck=card.stuck,
        idle=card.idle,
        status=card.status,
        expected_close=card.expected_close,
    )

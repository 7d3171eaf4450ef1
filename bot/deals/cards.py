"""Building the card and list row of a deal from its row, its ticks and its flow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.outcomes import DealCard, DealRow, TickInfo
from flows.machine import Flow
from storage.models import Deal, DealStatus, ExitTick


def whole_days(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, (end - start).days)


def build_card(*, deal: Deal, ticks: Sequence[ExitTick], flow: Flow, now: dt.datetime) -> DealCard:
    assert deal.id is not None
    stage = flow.stage(deal.stage)
    ticked = {
        t.item_id: TickInfo(by=t.ticked_by, at=t.ticked_at, evidence=t.evidence) for t in ticks
    }
    evidence = {item_id: info.evidence or "" for item_id, info in ticked.items()}
    days_in_stage = whole_days(deal.stage_entered_at, now)
    idle_days = whole_days(deal.last_activity_at, now)
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
        missing=flow.missing_items(stage.id, frozenset(ticked), evidence),
        moves=flow.available(stage.id),
        days_in_stage=days_in_stage,
        idle_days=idle_days,
        stuck=stage.target_days is not None and days_in_stage > stage.target_days,
        idle=stage.rot_days is not None and idle_days >= stage.rot_days,
        version=deal.version,
        channel_id=deal.channel_id,
        nurture_until=deal.nurture_until,
        is_practice=deal.is_practice,
    )


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
    )

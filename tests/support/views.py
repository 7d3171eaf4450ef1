"""Builders for the view tests: real maps, deals and ticks in memory (no database), and a
check of everything Slack would refuse (bot.slack_standin.block_kit_limits) plus our own limits.
Their own tests are tests/views/test_views_support.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from slack_sdk.models.views import View

from bot.core.deal_status import status_for
from bot.core.outcomes import DealCard, DealRow
from bot.deals.cards import build_card, build_row
from bot.slack_standin.block_kit_limits import message_violations, view_violations
from bot.views import limits
from bot.views.message import Message
from flows.loader import load_shipped, shipped_map_ids
from flows.machine import flow_for
from storage.models import Deal, ExitTick
from storage.name_keys import name_key
from tests.support.evidence import recorded_value

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
OWNER = "U0REP0001"


def every_stage() -> Iterator[tuple[str, str]]:
    """(map id, stage id) for every stage of every shipped map."""
    for map_id in shipped_map_ids():
        for stage in load_shipped(map_id).stages:
            yield map_id, stage.id


def make_deal(
    *,
    map_id: str = "default",
    stage: str = "discovery",
    deal_id: int = 42,
    name: str = "Acme Corp",
    amount: float | None = 50_000.0,
    currency: str = "USD",
    company: str | None = None,
    days_in_stage: int = 3,
    idle_days: int = 1,
    nurture_until: dt.date | None = None,
    owner: str = OWNER,
) -> Deal:
    process_map = load_shipped(map_id)
    return Deal(
        id=deal_id,
        team_id="T1",
        name=name,
        name_key=name_key(name),
        company=company,
        amount=amount,
        currency=currency,
        owner_id=owner,
        created_by=owner,
        map_id=map_id,
        map_version=process_map.version,
        stage=stage,
        status=status_for(process_map, process_map.stage(stage)),
        nurture_until=nurture_until,
        stage_entered_at=NOW - dt.timedelta(days=days_in_stage),
        last_activity_at=NOW - dt.timedelta(days=idle_days),
    )


def make_ticks(deal: Deal, ticked: Iterable[str], evidence: dict[str, str]) -> list[ExitTick]:
    assert deal.id is not None
    return [
        ExitTick(
            team_id=deal.team_id,
            deal_id=deal.id,
            stage=deal.stage,
            item_id=item_id,
            ticked_by=deal.owner_id,
            ticked_at=NOW,
            evidence=evidence.get(item_id),
        )
        for item_id in ticked
    ]


def make_card(
    *, ticked: Iterable[str] = (), evidence: dict[str, str] | None = None, **deal: Any
) -> DealCard:
    row = make_deal(**deal)
    process_map = load_shipped(row.map_id)
    ticks = make_ticks(row, ticked, evidence or {})
    return build_card(deal=row, ticks=ticks, flow=flow_for(process_map), now=NOW)


def done_card(**deal: Any) -> DealCard:
    """Every exit item of the stage ticked, with evidence where asked (a value its type
    accepts, kept as the bot keeps it)."""
    row = make_deal(**deal)
    stage = load_shipped(row.map_id).stage(row.stage)
    evidence = {item.id: recorded_value(item.evidence) for item in stage.exit if item.evidence}
    return make_card(ticked=[item.id for item in stage.exit], evidence=evidence, **deal)


def make_row(**deal: Any) -> DealRow:
    row = make_deal(**deal)
    return build_row(deal=row, ticks=[], flow=flow_for(load_shipped(row.map_id)), now=NOW)


# -- what Slack would refuse ----------------------------------------------------------------


def message_problems(message: Message) -> list[str]:
    payload = message.to_dict()
    found = [str(v) for v in message_violations(payload, method="chat.postMessage")]
    if not message.text.strip():
        found.append("empty fallback text")
    return found + _menu_value_problems(payload["blocks"])


def view_problems(view: View, *, kind: str = "modal") -> list[str]:
    payload = view.to_dict()
    found = view_violations(payload, method="views.open", expected_types=(kind,))
    return [str(v) for v in found] + _menu_value_problems(payload.get("blocks", []))


def _menu_value_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Our own, stricter limit on overflow values (Slack's is 150)."""
    return [
        f"overflow value over {limits.MENU_VALUE}: {option['value']!r}"
        for element in _elements(blocks)
        if element.get("type") == "overflow"
        for option in element.get("options", [])
        if len(option["value"]) > limits.MENU_VALUE
    ]


def _elements(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield from block.get("elements", []) if block["type"] == "actions" else []
        if "accessory" in block:
            yield block["accessory"]
        if "element" in block:
            yield block["element"]


def elements_of(message: Message) -> list[dict[str, Any]]:
    return list(_elements(message.to_dict()["blocks"]))


def block_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text a block shows (section text and fields, context elements, headers)."""
    texts = []
    for block in blocks:
        for item in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                texts.append(item["text"])
    return texts

"""Which of a deal's events go out to webhooks, and what each says (docs/webhooks.md).

A stage event is a deal entering another stage: advanced (an advance, or an override
past the gate), won (entering the map's won stage, however), lost, disqualified,
nurtured, reopened, and migrated (moved to another stage id by `stagecoach maps
migrate`). Ticks, notes and edits are not stage events. Each becomes an `OutboundEvent`,
written to the outbox in the change's own transaction (storage.webhook_queries), with
its JSON body fixed then: a delivery retried an hour later says what happened then.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum

from flows.machine import Flow
from flows.schema import Branch
from storage.deal_moves import DealMove
from storage.models import Deal, EventKind
from storage.webhook_models import OutboundEvent

PAYLOAD_VERSION = 1


class StageEvent(StrEnum):
    ADVANCED = "advanced"
    WON = "won"
    LOST = "lost"
    DISQUALIFIED = "disqualified"
    NURTURED = "nurtured"
    REOPENED = "reopened"
    MIGRATED = "migrated"


_MOVES = {EventKind.ADVANCED.value, EventKind.OVERRIDDEN.value, EventKind.BRANCHED.value, EventKind.REOPENED.value}  # fmt: skip
_BRANCHES = {
    Branch.LOSE.value: StageEvent.LOST,
    Branch.DISQUALIFY.value: StageEvent.DISQUALIFIED,
    Branch.NURTURE.value: StageEvent.NURTURED,
}


def stage_event_of(flow: Flow, event: Mapping[str, object]) -> StageEvent | None:
    """The stage event a deal event is, if it is one."""
    kind = str(event["kind"])
    if kind not in _MOVES:
        return None
    if event.get("to_stage") == flow.map.won_stage.id:
        return StageEvent.WON
    if kind == EventKind.BRANCHED.value:
        return _BRANCHES.get(str(event.get("action")))
    return StageEvent.REOPENED if kind == EventKind.REOPENED.value else StageEvent.ADVANCED


def outbound_of_change(
    deal: Deal, flow: Flow, events: Sequence[Mapping[str, object]]
) -> list[OutboundEvent]:
    """The stage events among a change's events, `deal` as the change saved it."""
    found = []
    for event in events:
        kind = stage_event_of(flow, event)
        if kind is not None:
            found.append(_outbound(deal, kind, event))
    return found


def _outbound(deal: Deal, kind: StageEvent, event: Mapping[str, object]) -> OutboundEvent:
    assert deal.id is not None
    at = event["at"]
    assert hasattr(at, "isoformat")
    overridden = event["kind"] == EventKind.OVERRIDDEN.value
    body = {
        "deal": {
            "id": deal.id,
            "name": deal.name,
            "amount": deal.amount,
            "currency": deal.currency,
            "owner_id": deal.owner_id,
            "stage": deal.stage,
            "status": str(deal.status),
            "map_id": deal.map_id,
            "map_version": deal.map_version,
        },
        "from_stage": event.get("from_stage"),
        "to_stage": event.get("to_stage"),
        "actor_id": event.get("actor_id"),
        "reason": event.get("reason"),
        "gate": "overridden" if overridden else "passed",
    }
    return _event(deal.team_id, deal.id, kind, at.isoformat(), body, at)  # type: ignore[arg-type]


def outbound_of_moves(moves: Sequence[DealMove]) -> list[OutboundEvent]:
    """The stage events of a map migration's batch: each deal moved to another stage id
    (one whose stage keeps its id did not change stage)."""
    return [
        _event(
            move.team_id,
            move.deal_id,
            StageEvent.MIGRATED,
            move.at.isoformat(),
            {
                "deal": {
                    "id": move.deal_id,
                    "stage": move.stage,
                    "map_id": move.map_id,
                    "map_version": move.to_version,
                },  # fmt: skip
                "from_stage": move.from_stage,
                "to_stage": move.to_stage,
                "actor_id": move.actor_id,
                "reason": None,
                "gate": None,
            },
            move.at,
        )
        for move in moves
        if move.to_stage is not None
    ]


def _event(
    team_id: str, deal_id: int, kind: StageEvent, when: str, body: dict[str, object], at: object
) -> OutboundEvent:
    event_id = uuid.uuid4().hex
    head = {"id": event_id, "type": f"deal.{kind.value}", "version": PAYLOAD_VERSION}
    payload = json.dumps({**head, "occurred_at": when, "team_id": team_id, **body})
    return OutboundEvent(team_id, deal_id, event_id, kind.value, payload, at)  # type: ignore[arg-type]

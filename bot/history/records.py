"""What an imported deal is written as: its row and its back-dated events, the events the
app itself would have written (bot.history.importing says which, and why)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.core.deal_status import status_for
from bot.history.mapping import Mappings
from bot.history.rows import HistoryRow
from flows.caseless import caseless
from flows.schema import BRANCH_TARGET_KIND, ProcessMap, Stage, StageKind
from storage.models import EventKind

MAX_NAME = 120
_BRANCH_OF_KIND = {kind: branch.value for branch, kind in BRANCH_TARGET_KIND.items()}


@dataclass(slots=True)
class DealPlan:
    """One CRM deal's rows, in time order."""

    external_id: str
    rows: list[HistoryRow]


def deal_row(team_id: str, process_map: ProcessMap, plan: DealPlan) -> dict[str, Any]:
    first, last = plan.rows[0], plan.rows[-1]
    name = _last(plan, "name") or plan.external_id
    owner = _last(plan, "owner")
    amount = _amount(plan)
    currency = _last(plan, "currency") or process_map.currency
    stage = process_map.stage(last.stage)
    return {
        "team_id": team_id,
        "name": name[:MAX_NAME],
        "amount": amount.value if amount else None,
        "currency": currency,
        "owner_id": owner,
        "created_by": owner,
        "map_id": process_map.id,
        "map_version": process_map.version,
        "stage": stage.id,
        "status": status_for(process_map, stage).value,
        "version": 1,
        "is_practice": False,
        "external_id": plan.external_id,
        "created_at": first.at,
        "updated_at": last.at,
        "stage_entered_at": last.at,
        "last_activity_at": last.at,
    }


def _last(plan: DealPlan, name: str) -> Any:
    return next((getattr(row, name) for row in reversed(plan.rows) if getattr(row, name)), None)


def _amount(plan: DealPlan) -> Any:
    return next((row.amount for row in reversed(plan.rows) if row.amount), None)


def event_rows(
    team_id: str, process_map: ProcessMap, plan: DealPlan, mappings: Mappings
) -> list[dict[str, Any]]:
    """The deal's events, without its id (known once it is inserted)."""
    owner = _last(plan, "owner")
    stages = {stage.id: stage for stage in process_map.stages}  # looked up twice a row
    events = []
    previous: str | None = None
    entered: dt.datetime | None = None  # when the deal entered `previous`
    for row in plan.rows:
        kind, action = _move(stages, previous, row.stage)
        value, reason = _why(process_map, row, action, mappings)
        if kind is EventKind.CREATED:
            amount = _amount(plan)
            value = str(amount.value) if amount else None
        events.append(
            {
                "team_id": team_id,
                "map_id": process_map.id,
                "kind": kind.value,
                "actor_id": owner,
                "at": row.at,
                "from_stage": previous,
                "to_stage": row.stage,
                "item_id": None,
                "action": action,
                "reason": reason,
                "value": value,
                # the stay this row ends began at the row before (None on the first)
                "stay_started_at": entered,
            }
        )
        previous, entered = row.stage, row.at
    return events


def _move(
    stages: dict[str, Stage], previous: str | None, stage_id: str
) -> tuple[EventKind, str | None]:
    stage = stages[stage_id]
    if previous is None:
        return EventKind.CREATED, None
    if stage.kind is not StageKind.OPEN:
        return EventKind.BRANCHED, _BRANCH_OF_KIND[stage.kind]
    if not stages[previous].is_open:
        return EventKind.REOPENED, "reopen"
    return EventKind.ADVANCED, "advance"


def _why(
    process_map: ProcessMap, row: HistoryRow, action: str | None, mappings: Mappings
) -> tuple[str | None, str | None]:
    """(value, reason) of the event: a loss's value is the reason the KPIs group it under."""
    if action != "lose" or not row.reason:
        return None, row.reason
    return lost_reason_value(row.reason, process_map, mappings)[:500], row.reason


def lost_reason_value(reason: str, process_map: ProcessMap, mappings: Mappings) -> str:
    """The map's spelling of one of its reasons, the reason the file maps it to, else the
    reason verbatim: never a guess from its first words."""
    folded = caseless(" ".join(reason.split()))
    for known in process_map.lost_reasons:
        if caseless(" ".join(known.split())) == folded:
            return known
    return mappings.mapped_reason(reason) or reason

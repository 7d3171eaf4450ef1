"""Importing a CRM's stage history: deals and their back-dated events.

Rows are checked one by one (bot.history.rows), grouped by deal and put in time order;
a deal's first row is its creation and each later row a move, recorded as the event the
app itself would have written: `advanced` along the main path (backward moves too: the
KPIs tell them apart by position), `branched` into lost / disqualified / nurture (with the
reason; a lost reason that matches one of the map's is stored as that reason), `reopened`
out of them. The deal's stage, status and `stage_entered_at` come from its last row, its
name, owner and amount from its last row that has them.

Idempotent: a deal is keyed by (workspace, CRM deal id) in `Deal.external_id`, and a deal
already imported is left exactly as it is, so importing the same file again changes
nothing. Ids written by `stagecoach export` for deals made in stagecoach
(`stagecoach-<id>`) name those deals, so exporting and re-importing changes nothing either.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from bot.core.context import Services
from bot.core.deal_status import status_for
from bot.core.values import ChosenReason, match_lost_reason
from bot.history.rows import HistoryRow, Rejected, read_rows
from flows.i18n import _
from flows.schema import BRANCH_TARGET_KIND, ProcessMap, StageKind
from storage import history_store
from storage.models import EventKind

BATCH_DEALS = 500
NATIVE_ID = re.compile(r"^stagecoach-(\d{1,12})$")
MAX_NAME = 120
Progress = Callable[[int, int], None]
_BRANCH_OF_KIND = {kind: branch.value for branch, kind in BRANCH_TARGET_KIND.items()}


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int  # data rows read (blank lines aside)
    deals_created: int
    events_created: int
    deals_unchanged: int  # already in the database: left as they are
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(slots=True)
class _DealPlan:
    external_id: str
    rows: list[HistoryRow]


async def import_history(
    services: Services,
    *,
    team_id: str,
    lines: Iterable[str],
    process_map: ProcessMap,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the CSV text `lines`; raises HistoryFormatError when it has no usable header."""
    rows, rejected = read_rows(lines, process_map=process_map, now=services.clock())
    read = len(rows) + len(rejected)
    plans, refused = _plan(rows)
    rejected = sorted([*rejected, *refused], key=lambda item: item.line)
    created = events = unchanged = 0
    for start in range(0, len(plans), BATCH_DEALS):
        batch = plans[start : start + BATCH_DEALS]
        made, written = await _write(services, team_id, process_map, batch)
        created, events, unchanged = created + made, events + written, unchanged + len(batch) - made
        if progress:
            progress(start + len(batch), len(plans))
    return ImportReport(
        rows=read,
        deals_created=created,
        events_created=events,
        deals_unchanged=unchanged,
        rejected=rejected,
    )


# -- grouping and ordering ------------------------------------------------------------------------


def _plan(rows: list[HistoryRow]) -> tuple[list[_DealPlan], list[Rejected]]:
    plans: list[_DealPlan] = []
    refused: list[Rejected] = []
    ordered = sorted(rows, key=lambda row: (row.deal_id, row.at, row.line))
    for deal_id, group in groupby(ordered, key=lambda row: row.deal_id):
        kept, dropped = _sequence(list(group))
        refused += dropped
        if kept and not any(row.owner for row in kept):
            refused += [_refuse(row, _("no row of deal {id} names its owner")) for row in kept]
        elif kept:
            plans.append(_DealPlan(external_id=deal_id, rows=kept))
    return plans, refused


def _sequence(rows: list[HistoryRow]) -> tuple[list[HistoryRow], list[Rejected]]:
    """Drop duplicate rows and re-entries of the stage the deal is already in."""
    kept: list[HistoryRow] = []
    dropped: list[Rejected] = []
    seen: dict[tuple[str, dt.datetime], int] = {}
    for row in rows:
        first = seen.setdefault((row.stage, row.at), row.line)
        if first != row.line:
            dropped.append(_refuse(row, _("duplicate of line {line}").format(line=first)))
        elif kept and kept[-1].stage == row.stage:
            message = _("deal {id} is already in {stage} since line {line}").format(
                id="{id}", stage=row.stage, line=kept[-1].line
            )
            dropped.append(_refuse(row, message))
        else:
            kept.append(row)
    return kept, dropped


def _refuse(row: HistoryRow, message: str) -> Rejected:
    return Rejected(line=row.line, deal_id=row.deal_id, problem=message.format(id=row.deal_id))


# -- writing ----------------------------------------------------------------------------------------


async def _write(
    services: Services, team_id: str, process_map: ProcessMap, batch: list[_DealPlan]
) -> tuple[int, int]:
    """Insert the batch's new deals and their events; (deals made, events written)."""
    async with services.db.write() as session:
        present = await _present(session, team_id, [plan.external_id for plan in batch])
        fresh = [plan for plan in batch if plan.external_id not in present]
        ids = await history_store.insert_deals(
            session, [_deal_row(team_id, process_map, plan) for plan in fresh]
        )
        events = [
            event
            for plan in fresh
            for event in _event_rows(team_id, process_map, plan, ids[plan.external_id])
        ]
        await history_store.insert_events(session, events)
    return len(fresh), len(events)


async def _present(session: Any, team_id: str, external_ids: list[str]) -> set[str]:
    present = await history_store.known_external_ids(
        session, team_id=team_id, external_ids=external_ids
    )
    native = {int(m.group(1)): key for key in external_ids if (m := NATIVE_ID.match(key))}
    found = await history_store.known_native_ids(session, team_id=team_id, deal_ids=list(native))
    return present | {native[deal_id] for deal_id in found}


def _deal_row(team_id: str, process_map: ProcessMap, plan: _DealPlan) -> dict[str, Any]:
    first, last = plan.rows[0], plan.rows[-1]
    name = _last(plan, "name") or plan.external_id
    owner = _last(plan, "owner")
    amount = next((row.amount for row in reversed(plan.rows) if row.amount), None)
    currency = _last(plan, "currency") or process_map.currency
    stage = process_map.stage(last.stage)
    return {
        "team_id": team_id,
        "name": name[:MAX_NAME],
        "name_key": name[:MAX_NAME].lower(),
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


def _last(plan: _DealPlan, name: str) -> Any:
    return next((getattr(row, name) for row in reversed(plan.rows) if getattr(row, name)), None)


def _event_rows(
    team_id: str, process_map: ProcessMap, plan: _DealPlan, deal_id: int
) -> list[dict[str, Any]]:
    owner = _last(plan, "owner")
    events = []
    previous: str | None = None
    entered: dt.datetime | None = None  # when the deal entered `previous`
    for row in plan.rows:
        kind, action = _move(process_map, previous, row.stage)
        value, reason = _why(process_map, row, action)
        if kind is EventKind.CREATED:
            amount = next((r.amount for r in reversed(plan.rows) if r.amount), None)
            value = str(amount.value) if amount else None
        events.append(
            {
                "team_id": team_id,
                "deal_id": deal_id,
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
    process_map: ProcessMap, previous: str | None, stage_id: str
) -> tuple[EventKind, str | None]:
    stage = process_map.stage(stage_id)
    if previous is None:
        return EventKind.CREATED, None
    if stage.kind is not StageKind.OPEN:
        return EventKind.BRANCHED, _BRANCH_OF_KIND[stage.kind]
    if not process_map.stage(previous).is_open:
        return EventKind.REOPENED, "reopen"
    return EventKind.ADVANCED, "advance"


def _why(
    process_map: ProcessMap, row: HistoryRow, action: str | None
) -> tuple[str | None, str | None]:
    """(value, reason) of the event: a loss keeps the map's reason as its value."""
    if action != "lose" or not row.reason:
        return None, row.reason
    chosen = match_lost_reason(row.reason, process_map.lost_reasons)
    value = chosen.reason if isinstance(chosen, ChosenReason) else row.reason
    return value[:500], row.reason

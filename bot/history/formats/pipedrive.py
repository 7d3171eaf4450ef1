"""Pipedrive: the deals export (one row per deal) plus the deals' flow, the stage changes the
API's `/deals/{id}/flow` lists (`item_id`, `field_key`, `old_value`, `new_value`, `log_time`,
as a CSV; other fields' changes are skipped).

A deal enters its first stage when it was created: the old value of its first stage change,
or its current stage if it never moved. Won and lost are a status in Pipedrive, not a stage:
a `status` change to won or lost is an entry into the CRM stage "won" / "lost" (map them in
the stage file like any stage), and one back to open re-enters the stage the deal was in.
The deal's lost reason goes on its last loss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.history.formats.table import Table, get, read_table, require_all
from bot.history.rows import SourceRow

FLOW_COLUMNS = ("item_id", "field_key", "new_value", "log_time")
STAGE_FIELD, STATUS_FIELD = "stage_id", "status"
CLOSED = ("won", "lost")


@dataclass(frozen=True, slots=True)
class _Deal:
    line: int
    created: str
    stage: str
    name: str
    owner: str
    amount: str
    currency: str
    reason: str


@dataclass(frozen=True, slots=True)
class _Change:
    line: int
    field: str
    old: str
    new: str
    at: str


def read(deals: Iterable[str], flow: Iterable[str], *, files: tuple[str, str]) -> list[SourceRow]:
    deals_file, flow_file = files
    known = _deals(read_table(deals_file, deals))
    changes = _changes(read_table(flow_file, flow))
    rows: list[SourceRow] = []
    for deal_id, deal in known.items():
        rows += _entries(deal_id, deal, changes.get(deal_id, []), files)
    for deal_id in sorted(set(changes) - set(known)):  # reported: the deals file lacks them
        first = changes[deal_id][0]
        rows.append(SourceRow(file=flow_file, line=first.line, deal_id=deal_id, stage=first.new, entered_at=first.at, reason_column="Deal - Lost reason"))  # fmt: skip
    return rows


def _entries(
    deal_id: str, deal: _Deal, changes: list[_Change], files: tuple[str, str]
) -> list[SourceRow]:
    deals_file, flow_file = files
    moves = [change for change in changes if change.field == STAGE_FIELD]
    first_stage = moves[0].old if moves and moves[0].old else deal.stage
    base = SourceRow(
        file=deals_file,
        line=deal.line,
        deal_id=deal_id,
        stage=first_stage,
        entered_at=deal.created,
        name=deal.name,
        owner=deal.owner,
        amount=deal.amount,
        currency=deal.currency,
        reason_column="Deal - Lost reason",
    )
    rows = [base]
    stage = first_stage
    for change in changes:
        entered = _entered(change, stage)
        if change.field == STAGE_FIELD:
            stage = change.new
        if entered is not None:
            rows.append(replace(base, file=flow_file, line=change.line, stage=entered, entered_at=change.at))  # fmt: skip
    losses = [index for index, row in enumerate(rows) if row.stage == "lost"]
    if losses:
        rows[losses[-1]] = replace(rows[losses[-1]], reason=deal.reason)
    return rows


def _entered(change: _Change, stage: str) -> str | None:
    """The CRM stage a change puts the deal in, if it is a stage entry."""
    if change.field == STAGE_FIELD:
        return change.new
    if change.field == STATUS_FIELD and change.new in CLOSED:
        return change.new
    if change.field == STATUS_FIELD and change.new == "open" and change.old in CLOSED:
        return stage
    return None


def _deals(table: Table) -> dict[str, _Deal]:
    deal_id = table.column("Deal - ID", "id")
    created = table.column("Deal - Deal created", "add_time")
    stage = table.column("Deal - Stage", "stage_id")
    name = table.column("Deal - Title", "title", required=False)
    owner = table.column("Deal - Owner", "owner_name", "user_id", required=False)
    amount = table.column("Deal - Value", "value", required=False)
    currency = table.column("Deal - Currency", "currency", required=False)
    reason = table.column("Deal - Lost reason", "lost_reason", required=False)
    return {
        get(fields, deal_id): _Deal(
            line=line,
            created=get(fields, created),
            stage=get(fields, stage),
            name=get(fields, name),
            owner=get(fields, owner),
            amount=get(fields, amount),
            currency=get(fields, currency),
            reason=get(fields, reason),
        )
        for line, fields in table.records
    }


def _changes(table: Table) -> dict[str, list[_Change]]:
    require_all(table, FLOW_COLUMNS, ",".join((*FLOW_COLUMNS, "old_value")))
    old = table.column("old_value", required=False)
    found: dict[str, list[_Change]] = {}
    for line, fields in sorted(table.records, key=lambda r: (r[1]["log_time"], r[0])):
        if fields["field_key"] in (STAGE_FIELD, STATUS_FIELD):
            change = _Change(line, fields["field_key"], get(fields, old), fields["new_value"], fields["log_time"])  # fmt: skip
            found.setdefault(fields["item_id"], []).append(change)
    return found

"""HubSpot's deal export: one row per deal, with a date for each stage it entered.

The export from the deals view names those columns `Date entered "<stage label>
(<pipeline>)"`; an export of the API's properties names them `hs_v2_date_entered_<stage id>`
(older portals: `hs_date_entered_<stage id>`). Each filled one is a stage entry, keyed for
the stage map by what the column names (label with pipeline, label alone, or stage id).
The deal's closed-lost reason belongs to where it ended, so it goes on its latest entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.history.formats.table import Table, get, read_table
from bot.history.rows import HistoryFormatError, SourceRow
from flows.i18n import _

_UI_STAGE = re.compile(r'^Date entered "(?P<stage>.+)"$')
_API_STAGE = re.compile(r"^hs_(?:v2_)?date_entered_(?P<stage>.+)$")


def read(lines: Iterable[str], *, file: str) -> Iterator[SourceRow]:
    """The rows as they are read; a bad header raises HistoryFormatError at once."""
    table = read_table(file, lines)
    columns = _Columns(
        stages=_stage_columns(table),
        deal_id=table.column("Record ID", "Deal ID", "hs_object_id"),
        name=table.column("Deal Name", "dealname", required=False),
        owner=table.column("Deal owner", "Deal Owner", "hubspot_owner_id", required=False),
        amount=table.column("Amount", "amount", required=False),
        currency=table.column("Currency", "deal_currency_code", required=False),
        reason=table.column("Closed Lost Reason", "closed_lost_reason", required=False),
    )
    return (row for line, fields in table.records for row in _entries(line, fields, columns, file))


@dataclass(frozen=True, slots=True)
class _Columns:
    stages: list[tuple[str, str]]
    deal_id: str | None
    name: str | None
    owner: str | None
    amount: str | None
    currency: str | None
    reason: str | None


def _entries(line: int, fields: dict[str, str], columns: _Columns, file: str) -> list[SourceRow]:
    """The stage entries of one line (one deal), in time order."""
    entries = sorted(
        (at, stage) for column, stage in columns.stages if (at := fields.get(column, ""))
    )
    if not entries:  # still reported by line: a deal with no stage dates is a bad row
        entries = [("", _("(no 'Date entered' value)"))]
    return [
        SourceRow(
            file=file,
            line=line,
            deal_id=get(fields, columns.deal_id),
            stage=stage,
            entered_at=at,
            name=get(fields, columns.name),
            owner=get(fields, columns.owner),
            amount=get(fields, columns.amount),
            currency=get(fields, columns.currency),
            reason=get(fields, columns.reason) if position == len(entries) - 1 else "",
            reason_column=columns.reason or "Closed Lost Reason",
        )
        for position, (at, stage) in enumerate(entries)
    ]


def _stage_columns(table: Table) -> list[tuple[str, str]]:
    """(column, stage it names) for every date-entered column of the header."""
    found = []
    for column in table.header:
        match = _UI_STAGE.match(column) or _API_STAGE.match(column)
        if match:
            found.append((column, match["stage"]))
    if not found:
        raise HistoryFormatError(
            _(
                "{file} line 1: no stage dates; a HubSpot deal export needs the columns "
                "'Date entered \"<stage> (<pipeline>)\"' (or hs_v2_date_entered_<stage id>)"
            ).format(file=table.file)
        )
    return found

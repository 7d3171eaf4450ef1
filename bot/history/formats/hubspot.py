"""HubSpot's deal export: one row per deal, with a date for each stage it entered.

The export from the deals view names those columns `Date entered "<stage label>
(<pipeline>)"`; an export of the API's properties names them `hs_v2_date_entered_<stage id>`
(older portals: `hs_date_entered_<stage id>`). Each filled one is a stage entry, keyed for
the stage map by what the column names (label with pipeline, label alone, or stage id).
The deal's closed-lost reason belongs to where it ended, so it goes on its latest entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.history.formats.table import Table, get, read_table
from bot.history.rows import HistoryFormatError, SourceRow
from flows.i18n import _

_UI_STAGE = re.compile(r'^Date entered "(?P<stage>.+)"$')
_API_STAGE = re.compile(r"^hs_(?:v2_)?date_entered_(?P<stage>.+)$")


def read(lines: Iterable[str], *, file: str) -> list[SourceRow]:
    table = read_table(file, lines)
    stage_columns = _stage_columns(table)
    deal_id = table.column("Record ID", "Deal ID", "hs_object_id")
    name = table.column("Deal Name", "dealname", required=False)
    owner = table.column("Deal owner", "Deal Owner", "hubspot_owner_id", required=False)
    amount = table.column("Amount", "amount", required=False)
    currency = table.column("Currency", "deal_currency_code", required=False)
    reason = table.column("Closed Lost Reason", "closed_lost_reason", required=False)
    rows: list[SourceRow] = []
    for line, fields in table.records:
        entries = sorted(
            (at, stage) for column, stage in stage_columns if (at := fields.get(column, ""))
        )
        if not entries:  # still reported by line: a deal with no stage dates is a bad row
            entries = [("", _("(no 'Date entered' value)"))]
        for position, (at, stage) in enumerate(entries):
            last = position == len(entries) - 1
            rows.append(
                SourceRow(
                    file=file,
                    line=line,
                    deal_id=get(fields, deal_id),
                    stage=stage,
                    entered_at=at,
                    name=get(fields, name),
                    owner=get(fields, owner),
                    amount=get(fields, amount),
                    currency=get(fields, currency),
                    reason=get(fields, reason) if last else "",
                    reason_column=reason or "Closed Lost Reason",
                )
            )
    return rows


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

"""Salesforce: `OpportunityHistory` (a row each time an opportunity's stage, amount,
probability or close date changed) joined with an `Opportunity` export for names and owners.

A history row whose stage is the one before it only changed the amount or the dates: it is
no stage entry, but its amount is the deal's latest. The loss reason is no standard field;
the adapter reads `Loss_Reason__c` (or `Reason_Lost__c`) from the Opportunity export when it
has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.history.formats.table import get, read_table, require_all
from bot.history.rows import SourceRow

HISTORY_COLUMNS = ("OpportunityId", "StageName", "CreatedDate")


def read(
    history: Iterable[str], opportunities: Iterable[str], *, files: tuple[str, str]
) -> list[SourceRow]:
    history_file, opportunity_file = files
    deals = _opportunities(opportunity_file, opportunities)
    table = read_table(history_file, history)
    require_all(table, HISTORY_COLUMNS, ",".join(HISTORY_COLUMNS))
    amount = table.column("Amount", required=False)
    currency = table.column("CurrencyIsoCode", required=False)
    ordered = sorted(
        table.records, key=lambda r: (r[1]["OpportunityId"], r[1]["CreatedDate"], r[0])
    )
    rows: list[SourceRow] = []
    for line, fields in ordered:
        deal = deals.get(fields["OpportunityId"], _Opportunity())
        row = SourceRow(
            file=history_file,
            line=line,
            deal_id=fields["OpportunityId"],
            stage=fields["StageName"],
            entered_at=fields["CreatedDate"],
            name=deal.name,
            owner=deal.owner,
            amount=get(fields, amount) or deal.amount,
            currency=get(fields, currency) or deal.currency,
            reason_column=deal.reason_column,
        )
        previous = rows[-1] if rows else None
        if previous and previous.deal_id == row.deal_id and previous.stage == row.stage:
            rows[-1] = replace(previous, amount=row.amount or previous.amount)
        else:
            rows.append(row)
    return _reason_on_last_entry(rows, deals)


def _reason_on_last_entry(rows: list[SourceRow], deals: dict[str, _Opportunity]) -> list[SourceRow]:
    """The loss reason is where the opportunity ended: its latest stage entry."""
    last = {row.deal_id: index for index, row in enumerate(rows)}
    for deal_id, index in last.items():
        reason = deals.get(deal_id, _Opportunity()).reason
        rows[index] = replace(rows[index], reason=reason)
    return rows


@dataclass(frozen=True, slots=True)
class _Opportunity:
    name: str = ""
    owner: str = ""
    amount: str = ""
    currency: str = ""
    reason: str = ""
    reason_column: str = "Loss_Reason__c"


def _opportunities(file: str, lines: Iterable[str]) -> dict[str, _Opportunity]:
    table = read_table(file, lines)
    opportunity_id = table.column("Id")
    name = table.column("Name")
    owner = table.column("OwnerId", "Owner.Email", "Owner Email")
    amount = table.column("Amount", required=False)
    currency = table.column("CurrencyIsoCode", required=False)
    reason = table.column("Loss_Reason__c", "Reason_Lost__c", required=False)
    return {
        get(fields, opportunity_id): _Opportunity(
            name=get(fields, name),
            owner=get(fields, owner),
            amount=get(fields, amount),
            currency=get(fields, currency),
            reason=get(fields, reason),
            reason_column=f"{file} {reason or 'Loss_Reason__c'}",
        )
        for _line, fields in table.records
    }

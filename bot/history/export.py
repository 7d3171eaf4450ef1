"""Exporting a workspace's deals and stage history as CSV.

`deals.csv` has one row per deal (practice deals left out); `events.csv` one row per stage
entry in the import format (bot.history.rows.COLUMNS), so exporting and importing again
round-trips: a deal made in stagecoach is exported as `stagecoach-<id>`, which the
importer recognises, and an imported deal keeps its CRM id.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.context import Services
from bot.history.rows import COLUMNS
from storage import history_store

DEAL_COLUMNS = (
    "deal_id",
    "deal_name",
    "owner",
    "amount",
    "currency",
    "stage",
    "status",
    "map_id",
    "map_version",
    "created_at",
    "stage_entered_at",
    "last_activity_at",
)
DEALS_FILE, EVENTS_FILE = "deals.csv", "events.csv"


@dataclass(frozen=True, slots=True)
class ExportReport:
    deals: int
    events: int
    deals_file: Path
    events_file: Path


async def export_history(services: Services, *, team_id: str, out_dir: Path) -> ExportReport:
    out_dir.mkdir(parents=True, exist_ok=True)
    deals_file, events_file = out_dir / DEALS_FILE, out_dir / EVENTS_FILE
    async with services.db.read() as session:
        await history_store.begin_snapshot(session)
        deals = await _write_csv(
            deals_file, DEAL_COLUMNS, history_store.deals_of(session, team_id=team_id), _deal_row
        )
        entries = history_store.stage_entries_of(session, team_id=team_id)
        events = await _write_csv(events_file, COLUMNS, entries, _entry_row)
    return ExportReport(deals, events, deals_file, events_file)


async def _write_csv(
    path: Path,
    header: Sequence[str],
    rows: AsyncIterator[dict[str, Any]],
    to_columns: Callable[[dict[str, Any]], list[str]],
) -> int:
    """Stream `rows` into a CSV file under `header`; how many rows it has."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        async for row in rows:
            writer.writerow(to_columns(row))
            count += 1
    return count


def deal_key(*, external_id: str | None, deal_id: int) -> str:
    """The deal's id in the files: its CRM id, else `stagecoach-<id>`."""
    return external_id or f"stagecoach-{deal_id}"


def _deal_row(deal: dict[str, Any]) -> list[str]:
    return [
        *_deal_columns(deal, id_field="id"),
        deal["stage"],
        deal["status"],
        deal["map_id"],
        str(deal["map_version"]),
        _time(deal["created_at"]),
        _time(deal["stage_entered_at"]),
        _time(deal["last_activity_at"]),
    ]


def _entry_row(entry: dict[str, Any]) -> list[str]:
    return [
        *_deal_columns(entry, id_field="deal_id"),
        entry["to_stage"],
        _time(entry["at"]),
        entry["reason"] or "",
    ]


def _deal_columns(row: dict[str, Any], *, id_field: str) -> list[str]:
    """The columns both files start with: the deal's key, name, owner, amount, currency."""
    return [
        deal_key(external_id=row["external_id"], deal_id=row[id_field]),
        row["name"],
        row["owner_id"],
        amount_text(row["amount"]),
        row["currency"],
    ]


def amount_text(amount: float | None) -> str:
    """50000.0 → "50000", 1234.5 → "1234.5": what the importer reads back exactly."""
    if amount is None:
        return ""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()

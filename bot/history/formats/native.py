"""stagecoach's own format: one row per stage entry (bot.history.rows.COLUMNS)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from bot.history.formats.table import Table, read_table, require_all
from bot.history.rows import COLUMNS, REQUIRED, SourceRow


def read(lines: Iterable[str], *, file: str = "") -> Iterator[SourceRow]:
    """The rows as they are read; a bad header raises HistoryFormatError at once."""
    table = read_table(file, lines)
    require_all(table, REQUIRED, ",".join(COLUMNS))
    return _rows(table, file)


def _rows(table: Table, file: str) -> Iterator[SourceRow]:
    for line, fields in table.records:
        yield SourceRow(
            file=file,
            line=line,
            deal_id=fields.get("deal_id", ""),
            stage=fields.get("stage", ""),
            entered_at=fields.get("entered_at", ""),
            name=fields.get("deal_name", ""),
            owner=fields.get("owner", ""),
            amount=fields.get("amount", ""),
            currency=fields.get("currency", ""),
            reason=fields.get("reason", ""),
        )

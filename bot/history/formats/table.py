"""Reading a CSV export into (line number, fields by column name), and finding the columns a
format needs among the names vendors give them. The header is read at once (a missing
column stops the file before any row is read); the rows as they are iterated, so a file is
never held in memory whole."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bot.history.rows import HistoryFormatError
from flows.i18n import _


@dataclass(frozen=True, slots=True)
class Table:
    file: str
    header: list[str]
    records: Iterator[tuple[int, dict[str, str]]]  # read as they are iterated, once

    def column(self, *names: str, required: bool = True) -> str | None:
        """The first of `names` the header has (vendors name a column differently in the UI
        export and the API); a missing required column stops the whole file."""
        for name in names:
            if name in self.header:
                return name
        if required:
            raise HistoryFormatError(
                _("{file} line 1: no column {names}; the header has: {header}").format(
                    file=self.file,
                    names=_(" or ").join(f"'{name}'" for name in names),
                    header=", ".join(self.header) or _("nothing"),
                )
            )
        return None


def read_table(file: str, lines: Iterable[str]) -> Table:
    reader = csv.DictReader(iter(lines))
    header = [str(name).strip() for name in reader.fieldnames or []]
    if not header:
        raise HistoryFormatError(_("{file} line 1: the file is empty").format(file=file))
    return Table(file=file, header=header, records=_records(reader))


def _records(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str]]]:
    for fields in reader:
        cleaned = {key.strip(): (value or "").strip() for key, value in fields.items() if key}
        if any(cleaned.values()):  # blank lines are not rows
            yield reader.line_num, cleaned


def get(fields: dict[str, str], column: str | None) -> str:
    return fields.get(column, "") if column else ""


def require_all(table: Table, columns: Sequence[str], hint: str) -> None:
    missing = [column for column in columns if column not in table.header]
    if missing:
        raise HistoryFormatError(
            _("{file} line 1: the header must name the columns {hint}; missing: {missing}").format(
                file=table.file, hint=hint, missing=", ".join(missing)
            )
        )

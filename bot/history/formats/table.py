"""Reading a CSV export into (line number, fields by column name), and finding the columns a
format needs among the names vendors give them. The header is read at once (a missing
column stops the file before any row is read); the rows as they are iterated, so a file is
never held in memory whole."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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
    reader = csv.reader(iter(lines))
    first = next(reader, [])
    header = [name.strip() for name in first]
    if not header:
        raise HistoryFormatError(_("{file} line 1: the file is empty").format(file=file))
    return Table(file=file, header=header, records=_records(reader, first))


def _records(reader: Any, first: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each line's fields by stripped column name, as csv.DictReader gives them (a field
    past the header's is dropped, one the line lacks is empty), without its per-row dict
    building twice: millions of rows are read one by one."""
    named = [(index, name.strip()) for index, name in enumerate(first) if name]
    for fields in reader:
        width = len(fields)
        cleaned = {name: fields[index].strip() if index < width else "" for index, name in named}
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

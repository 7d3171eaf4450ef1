"""An import's rows grouped by deal, in bounded memory: an external merge sort on disk.

Rows may come in any order (a CRM export sorted by date mixes every deal's rows), and the
importer needs each deal's rows together. Up to `chunk_rows` rows are sorted in memory;
past that, each sorted chunk goes to a temporary file and the files are merged
(heapq.merge), so memory holds one chunk and a few hundred rows per file, whatever the size
of the import (docs/imports.md, "At scale"). Every row is read when the groups are entered,
before the first deal is returned: a file that cannot be read to its end (a missing column,
bytes that are not UTF-8) stops the import before anything is written.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from itertools import groupby, islice
from operator import attrgetter
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bot.history.rows import SourceRow

CHUNK_ROWS = 200_000  # rows sorted in memory at once (about 100 MB)
PICKLED_ROWS = 200  # rows written (and read back) together in a chunk's file
Reading = Callable[[int], None]  # told how many rows have been read so far
_FIELDS = tuple(field.name for field in fields(SourceRow))


def deal_key(row: SourceRow) -> str:
    return row.deal_id.strip()


class DealGroups:
    """`with DealGroups(rows) as groups: for rows in groups: …`: each deal's rows in file
    order, deal after deal; a row without a deal id comes alone. `groups.rows` counts them."""

    def __init__(
        self,
        rows: Iterable[SourceRow],
        *,
        chunk_rows: int = CHUNK_ROWS,
        reading: Reading | None = None,
    ) -> None:
        self._source = rows
        self._chunk_rows = chunk_rows
        self._reading = reading
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._runs: list[Path] = []
        self._last: list[SourceRow] = []  # the last chunk, kept in memory
        self.rows = 0

    def __enter__(self) -> DealGroups:
        try:
            self._read_all()
        except BaseException:  # a file that cannot be read: its chunks go too
            self.__exit__(None, None, None)
            raise
        return self

    def _read_all(self) -> None:
        source = iter(self._source)
        while chunk := list(islice(source, self._chunk_rows)):
            self.rows += len(chunk)
            chunk.sort(key=deal_key)  # stable: a deal's rows stay in file order
            if self._last:
                self._runs.append(self._spill(self._last))
            self._last = chunk
            if self._reading:
                self._reading(self.rows)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._folder is not None:
            self._folder.cleanup()

    def __iter__(self) -> Iterator[list[SourceRow]]:
        streams = [_read_run(path) for path in self._runs]
        merged = heapq.merge(*streams, iter(self._last), key=deal_key)  # stable across runs
        for key, rows in groupby(merged, key=deal_key):
            if key:
                yield list(rows)
            else:
                yield from ([row] for row in rows)

    def _spill(self, chunk: list[SourceRow]) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="stagecoach-import-")
        path = Path(self._folder.name) / f"{len(self._runs)}.run"
        with path.open("wb") as stream:
            for start in range(0, len(chunk), PICKLED_ROWS):
                part = [_fields(row) for row in chunk[start : start + PICKLED_ROWS]]
                pickle.dump(part, stream, protocol=pickle.HIGHEST_PROTOCOL)
        return path


_fields: Callable[[SourceRow], tuple[Any, ...]] = attrgetter(*_FIELDS)  # a row's fields, in order


def _read_run(path: Path) -> Iterator[SourceRow]:
    with path.open("rb") as stream:
        while part := _next_part(stream):
            yield from (SourceRow(*fields) for fields in part)


def _next_part(stream: IO[bytes]) -> list[tuple[Any, ...]]:
    try:
        part: list[tuple[Any, ...]] = pickle.load(stream)
    except EOFError:
        return []
    return part

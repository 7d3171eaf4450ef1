"""What `stagecoach import` reads: the export's files for its format, and the mapping files.
The mapping files are read (and checked) first, and every export file opened, so a missing
file or a bad mapping line stops the import with one line and changes nothing. The export's
files are read line by line as the import goes (never whole: docs/imports.md, "At scale"),
and all of them before anything is written (bot.history.grouping), so bytes that are not
UTF-8 stop the import with nothing written too."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from bot.cli.workspace import CliError
from bot.history.formats import hubspot, native, pipedrive, salesforce
from bot.history.mapping import (
    Mappings,
    check_default_owner,
    read_owners,
    read_reasons,
    read_stages,
)
from bot.history.rows import SourceRow
from bot.views.counts import counted
from flows.i18n import N_, _
from flows.schema import ProcessMap

FORMATS = ("native", "hubspot", "salesforce", "pipedrive")
# the files each format reads, as --help and errors name them (English: translated there)
FILES_OF = {
    "native": (N_("FILE.csv"),),
    "hubspot": (N_("the deal export"),),
    "salesforce": (N_("OpportunityHistory.csv"), N_("Opportunity.csv")),
    "pipedrive": (N_("the deals export"), N_("the deal flow")),
}


@dataclass(frozen=True, slots=True)
class _Text:
    name: str
    lines: list[str]


@dataclass(frozen=True, slots=True)
class _File:
    """An export file, read line by line each time `lines` is iterated."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def lines(self) -> Iterator[str]:
        try:  # Excel writes a byte-order mark; newline="": csv reads the line ends itself
            with self.path.open(encoding="utf-8-sig", newline="") as stream:
                yield from stream
        except (OSError, UnicodeDecodeError) as exc:
            raise _unreadable(self.path, exc) from exc


@dataclass(frozen=True, slots=True)
class ImportSources:
    files: list[_File]
    stages: _Text | None = None
    reasons: _Text | None = None
    owners: _Text | None = None

    @classmethod
    def read(cls, args: argparse.Namespace) -> ImportSources:
        wanted = FILES_OF[args.format]
        if len(args.files) != len(wanted):
            raise CliError(
                _("--format {format} takes {count}: {files}").format(
                    format=args.format,
                    count=counted(len(wanted), "{count} file", "{count} files"),
                    files=", ".join(_(name) for name in wanted),
                )
            )
        return cls(
            files=[_opened(path) for path in args.files],
            stages=_read(args.stages) if args.stages else None,
            reasons=_read(args.reasons) if args.reasons else None,
            owners=_read(args.owners) if args.owners else None,
        )

    def mappings(self, process_map: ProcessMap, *, default_owner: str | None) -> Mappings:
        """Raises MappingError naming the file and line of the first mistake."""
        stages = self.stages
        return Mappings(
            stages=read_stages(stages.name, stages.lines, process_map) if stages else None,
            stages_file=stages.name if stages else "",
            reasons=read_reasons(self.reasons.name, self.reasons.lines, process_map)
            if self.reasons
            else {},
            owners=read_owners(self.owners.name, self.owners.lines) if self.owners else {},
            default_owner=check_default_owner(default_owner),
        )

    def rows(self, format_name: str) -> Iterable[SourceRow]:
        """The stage entries the files state; raises HistoryFormatError for a bad header."""
        first = self.files[0]
        if format_name == "hubspot":
            return hubspot.read(first.lines, file=first.name)
        if format_name == "salesforce":
            second = self.files[1]
            return salesforce.read(first.lines, second.lines, files=(first.name, second.name))
        if format_name == "pipedrive":
            second = self.files[1]
            return pipedrive.read(first.lines, second.lines, files=(first.name, second.name))
        return native.read(first.lines, file=first.name)


def _read(path: Path) -> _Text:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from exc
    return _Text(name=path.name, lines=text.splitlines(keepends=True))


def _opened(path: Path) -> _File:
    """The file, once it is known to open (read later, line by line)."""
    try:
        path.open("rb").close()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    return _File(path)


def _unreadable(path: Path, why: Exception) -> CliError:
    return CliError(_("cannot read {file}: {why}").format(file=path, why=why))


class ProgressBar:
    """A bar (rich) on a terminal; plain count lines otherwise (logs, pipes), at most one a
    tenth of the way and one at the end. Called with (rows done, rows in all), the total
    None while the rows are still being read (and counted)."""

    def __init__(self, stream: TextIO, *, label: str, reading: str) -> None:
        self.stream = stream
        self.labels = (reading, label)
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.tenths = -1  # the last tenth of the total a plain line was written for
        if stream.isatty():
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=stream),
                transient=False,
            )

    def __enter__(self) -> ProgressBar:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, done: int, total: int | None) -> None:
        label = self.labels[total is not None]
        if self.bar is not None:
            if self.task is None or self.bar.tasks[-1].description != label:
                self.task = self.bar.add_task(label, total=total)  # a bar for each phase
            self.bar.update(self.task, completed=done, total=total)
        elif total is None:
            print(f"{label}: {done}", file=self.stream, flush=True)
        elif (tenths := 10 * done // max(total, 1)) > self.tenths:
            self.tenths = tenths
            print(f"{label}: {done}/{total}", file=self.stream, flush=True)

"""What `stagecoach import` reads before it touches the database: the export's files for its
format, and the mapping files. Every file is read (and every mapping checked) first, so a
missing file or a bad mapping line stops the import with one line and changes nothing."""

from __future__ import annotations

import argparse
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
class ImportSources:
    files: list[_Text]
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
            files=[_read(path) for path in args.files],
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

    def rows(self, format_name: str) -> list[SourceRow]:
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
        raise CliError(_("cannot read {file}: {why}").format(file=path, why=exc)) from exc
    return _Text(name=path.name, lines=text.splitlines(keepends=True))


class ProgressBar:
    """A bar (rich) on a terminal; plain count lines otherwise (logs, pipes)."""

    def __init__(self, stream: TextIO, *, label: str) -> None:
        self.stream = stream
        self.label = label
        self.bar: Progress | None = None
        self.task: TaskID | None = None
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

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            print(f"{self.label}: {done}/{total}", file=self.stream, flush=True)
            return
        if self.task is None:
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done, total=total)

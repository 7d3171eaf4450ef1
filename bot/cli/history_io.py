"""`stagecoach import FILE.csv` and `stagecoach export`: a CRM's stage history in, the
workspace's deals and history out (the logic is in bot.history.importing / bot.history.export).

import exits 0 when every row was imported (or already was), 1 when some rows were
rejected (the good ones are imported all the same), 2 for a file it cannot read at all.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.workspace import FAILED, OK, USAGE, CliError, fail, team_id_for, with_services
from bot.core.context import Services
from bot.history.export import ExportReport, export_history
from bot.history.importing import ImportReport, import_history
from bot.history.rows import COLUMNS, HistoryFormatError
from flows.i18n import _

BAR_WIDTH = 30
MAX_REPORTED = 200  # rejected rows listed one by one; the rest are counted


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    importing = subparsers.add_parser(
        "import",
        help=_("import a CRM's stage history from CSV (idempotent)"),
        description=_("One row per stage entry, with the header {columns}.").format(
            columns=",".join(COLUMNS)
        ),
    )
    importing.add_argument("file", type=Path, metavar="FILE.csv")
    importing.add_argument(
        "--map", help=_("the map the stages belong to (default: STAGECOACH_MAP)")
    )
    importing.add_argument("--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)"))  # fmt: skip
    importing.set_defaults(handler=run_import)
    exporting = subparsers.add_parser(
        "export", help=_("write deals.csv and events.csv (the import format)")
    )
    exporting.add_argument("--out", type=Path, default=Path("."), help=_("folder (default: here)"))
    exporting.add_argument("--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)"))  # fmt: skip
    exporting.set_defaults(handler=run_export)


def run_import(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")  # Excel writes a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        return fail(CliError(_("cannot read {file}: {why}").format(file=args.file, why=exc)))

    async def action(services: Services) -> ImportReport:
        team_id = await team_id_for(services, args.team_id)
        return await import_history(
            services,
            team_id=team_id,
            lines=text.splitlines(keepends=True),
            process_map=services.catalog.current,
            progress=ProgressLine(sys.stderr, label=_("importing deals")),
        )

    try:
        report = asyncio.run(with_services(action, map_ref=args.map))
    except HistoryFormatError as exc:
        return fail(CliError(f"{args.file}: {exc}", code=USAGE))
    except CliError as error:
        return fail(error)
    print_import_report(report, stream=sys.stdout)
    return FAILED if report.rejected else OK


def run_export(args: argparse.Namespace) -> int:
    async def action(services: Services) -> ExportReport:
        team_id = await team_id_for(services, args.team_id)
        return await export_history(services, team_id=team_id, out_dir=args.out)

    try:
        report = asyncio.run(with_services(action))
    except OSError as exc:
        return fail(CliError(_("cannot write to {folder}: {why}").format(folder=args.out, why=exc), code=FAILED))  # fmt: skip
    except CliError as error:
        return fail(error)
    print(
        _("wrote {deals} deals to {deals_file} and {events} stage entries to {events_file}").format(
            deals=report.deals,
            deals_file=report.deals_file,
            events=report.events,
            events_file=report.events_file,
        )
    )
    return OK


def print_import_report(report: ImportReport, *, stream: TextIO) -> None:
    print(
        _(
            "read {rows} rows: {created} deals imported with {events} events; "
            "{unchanged} already imported, left as they were; {rejected} rows rejected"
        ).format(
            rows=report.rows,
            created=report.deals_created,
            events=report.events_created,
            unchanged=report.deals_unchanged,
            rejected=len(report.rejected),
        ),
        file=stream,
    )
    for item in report.rejected[:MAX_REPORTED]:
        deal = _(" (deal {id})").format(id=item.deal_id) if item.deal_id else ""
        print(_("  line {line}{deal}: {problem}").format(line=item.line, deal=deal, problem=item.problem), file=stream)  # fmt: skip
    if len(report.rejected) > MAX_REPORTED:
        more = len(report.rejected) - MAX_REPORTED
        print(_("  … and {count} more").format(count=more), file=stream)


class ProgressLine:
    """A progress bar redrawn in place on a terminal; plain count lines otherwise (logs)."""

    def __init__(self, stream: TextIO, *, label: str) -> None:
        self.stream = stream
        self.label = label
        self.tty = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.tty:
            print(f"{self.label}: {done}/{total}", file=self.stream, flush=True)
            return
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}{end}")
        self.stream.flush()

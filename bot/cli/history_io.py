"""`stagecoach import FILE.csv …` and `stagecoach export`: a CRM's stage history in, the
workspace's deals and history out (the logic is in bot.history.importing / bot.history.export).

import exits 0 when every deal was imported (or already was), 1 when some rows were
rejected (their deals are not imported; the others are) or a deal changed in stagecoach since
its import was left, 2 for a file or mapping it cannot use at all (nothing is written).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.import_sources import FORMATS, ImportSources, ProgressBar
from bot.cli.workspace import FAILED, OK, USAGE, CliError, fail, team_id_for, with_services
from bot.core.context import Services
from bot.core.workspace_settings import workspace_map
from bot.history.export import ExportReport, export_history
from bot.history.importing import ImportReport, import_history
from bot.history.mapping import MappingError
from bot.history.rows import COLUMNS, HistoryFormatError
from flows.i18n import _

MAX_REPORTED = 200  # rejected rows listed one by one; the rest are counted


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    importing = subparsers.add_parser(
        "import",
        help=_("import a CRM's stage history (native CSV, HubSpot, Salesforce, Pipedrive)"),
        description=_(
            "native: one row per stage entry, with the header {columns}. hubspot: the deal "
            "export. salesforce: OpportunityHistory.csv Opportunity.csv. pipedrive: deals.csv "
            "flow.csv. See docs/imports.md."
        ).format(columns=",".join(COLUMNS)),
    )
    importing.add_argument("files", type=Path, nargs="+", metavar="FILE.csv")
    importing.add_argument("--format", choices=FORMATS, default="native", help=_("the export's format (default: native)"))  # fmt: skip
    importing.add_argument("--stages", type=Path, help=_("CSV crm_stage,stage: the CRM's stages → the map's stage ids"))  # fmt: skip
    importing.add_argument("--reasons", type=Path, help=_("CSV imported_reason,reason: imported loss reasons → the map's"))  # fmt: skip
    importing.add_argument("--owners", type=Path, help=_("CSV crm_owner,slack_user: CRM owners → Slack user ids"))  # fmt: skip
    importing.add_argument("--default-owner", help=_("the Slack user who owns deals whose CRM owner is not mapped"))  # fmt: skip
    importing.add_argument("--dry-run", action="store_true", help=_("say what would change; write nothing"))  # fmt: skip
    importing.add_argument(
        "--map",
        help=_("the map the stages belong to (default: the workspace's, else STAGECOACH_MAP)"),
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
        sources = ImportSources.read(args)
    except CliError as error:
        return fail(error)

    async def action(services: Services) -> ImportReport:
        team_id = await team_id_for(services, args.team_id)
        # --map as given, else the workspace's map (/deal settings map), else STAGECOACH_MAP
        given = services.catalog.current if args.map else None
        process_map = given or await workspace_map(services, team_id)
        mappings = sources.mappings(process_map, default_owner=args.default_owner)
        rows = sources.rows(args.format)
        bar = ProgressBar(sys.stderr, label=_("importing rows"), reading=_("reading rows"))
        with bar as progress:
            return await import_history(
                services,
                team_id=team_id,
                rows=rows,
                process_map=process_map,
                mappings=mappings,
                dry_run=args.dry_run,
                progress=progress,
            )

    try:
        report = asyncio.run(with_services(action, map_ref=args.map))
    except (HistoryFormatError, MappingError) as exc:
        return fail(CliError(str(exc), code=USAGE))
    except CliError as error:
        return fail(error)
    print_import_report(report, stream=sys.stdout)
    return FAILED if report.rejected_count or report.kept_changed else OK


def run_export(args: argparse.Namespace) -> int:
    if str(args.out) == "-":  # two files cannot share standard output
        why = _("export writes two files, deals.csv and events.csv, so --out takes a folder")
        return fail(CliError(f"{why}; {_('e.g. --out exports/')}", code=USAGE))

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
    if report.dry_run:
        print(_("dry run: nothing was written; importing would do this:"), file=stream)
    print(
        _(
            "read {rows} rows: {created} deals imported with {events} events; "
            "{replaced} replaced by the file's newer history; "
            "{unchanged} already imported, left as they were; {rejected} rows rejected"
        ).format(
            rows=report.rows,
            created=report.deals_created,
            events=report.events_created,
            replaced=report.deals_replaced,
            unchanged=report.deals_unchanged,
            rejected=report.rejected_count,
        ),
        file=stream,
    )
    for key in report.kept_changed:
        print(_("  deal {id}: changed in stagecoach since its import; left as it is").format(id=key), file=stream)  # fmt: skip
    for treatment in report.reasons:
        how = (
            _("mapped to '{reason}'").format(reason=treatment.mapped_to)
            if treatment.mapped_to
            else _("kept verbatim")
        )
        print(_("  reason '{reason}' ({deals} deals): {how}").format(reason=treatment.reason, deals=treatment.deals, how=how), file=stream)  # fmt: skip
    if report.default_owned:
        print(_("  owners not mapped, given to --default-owner: {owners}").format(owners=", ".join(report.default_owned)), file=stream)  # fmt: skip
    for item in report.rejected[:MAX_REPORTED]:
        deal = _(" (deal {id})").format(id=item.deal_id) if item.deal_id else ""
        where = f"{item.file} " if item.file else ""
        print(_("  {where}line {line}{deal}: {problem}").format(where=where, line=item.line, deal=deal, problem=item.problem), file=stream)  # fmt: skip
    if report.rejected_count > MAX_REPORTED:
        more = report.rejected_count - MAX_REPORTED
        print(_("  … and {count} more").format(count=more), file=stream)

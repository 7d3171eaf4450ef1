"""`stagecoach feedback export [--out FILE|-] [--status open|done|all]`: the workspace's
feedback on the map as CSV, one row per entry, oldest first, for the map's owners to read
beside a proposed new version of the map (docs/living-map.md)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.cli.people_names import display_names
from bot.cli.workspace import FAILED, OK, CliError, fail, team_id_for, with_services
from bot.core.context import Services
from bot.deals.feedback import FeedbackLine, Status
from bot.deals.feedback_owners import every_feedback
from flows.i18n import _

COLUMNS = (
    "number",
    "status",
    "given_at",
    "author_id",
    "author",
    "map_id",
    "map_version",
    "stage_id",
    "stage",
    "stage_from",
    "deal_id",
    "deal",
    "text",
    "done_at",
    "done_by",
    "done_note",
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    feedback = subparsers.add_parser("feedback", help=_("feedback on the map (/deal feedback)"))
    actions = feedback.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help=_("write the feedback as CSV, oldest first"),
        description=_("One row per entry: {columns}.").format(columns=",".join(COLUMNS)),
    )
    export.add_argument("--out", default="-", help=_("a CSV file, or - for stdout (default: -)"))
    export.add_argument(
        "--status",
        choices=[status.value for status in Status],
        default=Status.ALL.value,
        help=_("open, done or all (default: all)"),
    )
    export.add_argument("--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)"))  # fmt: skip
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    async def action(services: Services) -> tuple[list[FeedbackLine], dict[str, str]]:
        team_id = await team_id_for(services, args.team_id)
        lines = await every_feedback(services, team_id=team_id, status=Status(args.status))
        return lines, await display_names(services, team_id)

    try:
        lines, names = asyncio.run(with_services(action))
    except CliError as error:
        return fail(error)
    if args.out == "-":
        write_csv(lines, names, sys.stdout)
        return OK
    try:
        with Path(args.out).open("w", encoding="utf-8", newline="") as stream:
            write_csv(lines, names, stream)
    except OSError as exc:
        message = _("cannot write {file}: {why}").format(file=args.out, why=exc.strerror or exc)
        return fail(CliError(message, code=FAILED))
    print(_("wrote {count} entries to {file}").format(count=len(lines), file=args.out))
    return OK


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(…)" in
# a piece of feedback would be a link in the owner's sheet); a leading apostrophe makes
# it text, and spreadsheets hide the apostrophe (OWASP's advice on CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value: str) -> str:
    """Text people typed, made safe to open in a spreadsheet; everything else as typed."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_csv(lines: Sequence[FeedbackLine], names: dict[str, str], stream: TextIO) -> None:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(_row(line, names))


def _row(line: FeedbackLine, names: dict[str, str]) -> list[object]:
    entry = line.entry
    return [
        entry.number,
        "open" if entry.is_open else "done",
        entry.given_at.isoformat(),
        entry.author_id,
        as_text_cell(names.get(entry.author_id, "")),
        entry.map_id,
        entry.map_version,
        entry.stage_id or "",
        as_text_cell(line.stage_name or ""),
        entry.stage_source.value if entry.stage_source else "",
        entry.deal_id or "",
        as_text_cell(line.deal_name or ""),
        as_text_cell(entry.text),
        entry.done_at.isoformat() if entry.done_at else "",
        entry.done_by or "",
        as_text_cell(entry.done_note or ""),
    ]

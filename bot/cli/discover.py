"""`stagecoach discover`: what deals actually did on a map (text or JSON), and with
`--propose` the map edits that follow from it, each with its reason, written to a new file
for a person to review (`-o`). Nothing is applied. docs/discovery.md explains the report."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from bot.cli.people_names import display_names, with_names
from bot.cli.stats import scope_words
from bot.cli.workspace import OK, USAGE, CliError, fail, scope_of, team_id_for, with_services
from bot.core.context import Services
from bot.core.outcomes import Failure
from bot.core.scope import SCOPE_EXAMPLES
from bot.reporting.discovery.json_form import report_json
from bot.reporting.discovery.map_edits import ProposedMap
from bot.reporting.discovery.measure import discover
from bot.reporting.discovery.proposing import proposed_map
from bot.reporting.discovery.report import DiscoveryReport
from bot.reporting.discovery.thresholds import MIN_SAMPLE, SIGNIFICANT
from bot.reporting.periods import PERIOD_EXAMPLES
from bot.views.discovery import report_text
from bot.views.discovery_changes import change_words, changes_text
from flows.i18n import _


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "discover",
        help=_("what deals actually did on the map, and the map edits that follow from it"),
        description=_(
            "From the event history (the app's own and imported CRM history): the real flow\n"
            "between stages, time in stage against target, overridden gates, checklist\n"
            "patterns and where won and lost deals differ. With --propose, a new version of\n"
            "the map file with one reason per change; nothing is applied."
        ),
        epilog=_(
            "Every figure states its sample; a finding needs at least {minimum} cases, and\n"
            "won and lost deals are compared from {minimum} of each (Fisher's exact test,\n"
            "shown below p = {p}). docs/discovery.md explains each rule and threshold."
        ).format(minimum=MIN_SAMPLE, p=SIGNIFICANT),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _options(parser)
    parser.set_defaults(handler=run_discover)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--map", help=_("the map's id (default: the scope's, else the current)"))
    parser.add_argument(
        "--period",
        default="all",
        help=_("{examples} (default: all)").format(examples=PERIOD_EXAMPLES),
    )
    parser.add_argument(
        "--scope",
        default="all",
        help=_("{examples} (default: all)").format(examples=SCOPE_EXAMPLES),
    )
    parser.add_argument(
        "--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)")
    )
    parser.add_argument("--json", action="store_true", help=_("the report as JSON"))
    parser.add_argument(
        "--propose", action="store_true", help=_("propose map edits, each with its reason")
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_("write the proposed map to this new file (implies --propose)"),
    )


def run_discover(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    if output is not None and output.exists():
        return fail(
            CliError(
                _("{file} exists; name a new file (a proposal never overwrites a map)").format(
                    file=output
                )
            )
        )
    propose = args.propose or output is not None
    try:
        report, proposed, names = asyncio.run(with_services(lambda s: _run(s, args, propose)))
    except CliError as error:
        return fail(error)
    if output is not None and proposed is not None and proposed.changes:
        output.write_text(proposed.text, encoding="utf-8")
    print(_render(report, proposed, args=args, names=names), end="")
    return OK


async def _run(
    services: Services, args: argparse.Namespace, propose: bool
) -> tuple[DiscoveryReport, ProposedMap | None, dict[str, str]]:
    team_id = await team_id_for(services, args.team_id)
    scope = await scope_of(services, team_id, args.scope)
    report = await discover(
        services,
        team_id=team_id,
        scope=scope,
        title=scope_words(scope),
        period=args.period,
        map_id=args.map,
    )
    _refuse(report)
    assert isinstance(report, DiscoveryReport)
    proposed: ProposedMap | None = None
    if propose:
        name = Path(args.output).name if args.output else f"{report.map.id}.yml"
        made = await proposed_map(services, report, team_id=team_id, name=name)
        _refuse(made)
        assert isinstance(made, ProposedMap)
        proposed = made
    return report, proposed, await display_names(services, team_id)


def _refuse(found: object) -> None:
    if isinstance(found, Failure):
        raise CliError(f"{found.message}; {found.hint}", code=USAGE)


def _render(
    report: DiscoveryReport,
    proposed: ProposedMap | None,
    *,
    args: argparse.Namespace,
    names: dict[str, str],
) -> str:
    if args.json:
        shown: dict[str, Any] = report_json(report)
        if proposed is not None:
            shown["proposals"] = [
                _change_json(report, edited.change) for edited in proposed.changes
            ]
        return json.dumps(shown, indent=2, ensure_ascii=False) + "\n"
    text = report_text(report)
    if proposed is not None:
        written = args.output if proposed.changes and args.output else None
        text += "\n" + changes_text(report.map, proposed, written_to=written)
    return with_names(text, names)


def _change_json(report: DiscoveryReport, change: Any) -> dict[str, Any]:
    summary, reason = change_words(report.map, change)
    return {
        "kind": change.kind.value,
        "stage": change.stage,
        "value": change.value,
        "summary": summary,
        "reason": reason,
        "related_feedback": list(change.related_feedback),
    }

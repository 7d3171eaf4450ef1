"""`stagecoach maps actual -o FILE.png`: what deals actually did on a map, as the picture
`/deal map actual` posts (flows/diagram_actual.py) and its short text on stdout.

Every failure is one line on stderr and an exit code: 2 for a usage mistake (a bad period
or scope, an output that is not a .png), 1 for what cannot be done (no database, a map no
deal follows, nothing moved in the period: no picture is written then).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.people_names import display_names, with_names
from bot.cli.stats import scope_words
from bot.cli.workspace import (
    FAILED,
    OK,
    USAGE,
    CliError,
    fail,
    scope_of,
    team_id_for,
    with_services,
)
from bot.core.context import Services
from bot.core.outcomes import Failure, Outcome
from bot.core.scope import SCOPE_EXAMPLES
from bot.reporting.flow_report import actual_flow_for
from bot.reporting.outcomes import ActualFlowReport
from bot.reporting.periods import PERIOD_EXAMPLES
from bot.slack.pictures import actual_flow_png
from bot.views.actual_flow import actual_flow_message
from bot.views.text import render_text
from flows.i18n import _


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "actual",
        help=_("draw what deals actually did on a map: moves by volume, off-map moves, overstays"),
        description=_(
            "The real flow between stages, measured from the event history (imported and the "
            "app's own), drawn on the map: edges as wide as their traffic, moves the map lacks "
            "in purple, stages coloured by how often their stays ran past target_days."
        ),
    )
    parser.add_argument("--map", metavar="ID", help=_("a map deals follow (default: STAGECOACH_MAP's)"))  # fmt: skip
    parser.add_argument("--period", default="all", help=_("{examples} (default: all)").format(examples=PERIOD_EXAMPLES))  # fmt: skip
    parser.add_argument("--scope", default="all", help=_("{examples} (default: all)").format(examples=SCOPE_EXAMPLES))  # fmt: skip
    parser.add_argument("--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)"))  # fmt: skip
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png", help=_("where to write the picture"))  # fmt: skip
    parser.set_defaults(handler=run_actual)


def run_actual(args: argparse.Namespace) -> int:
    output = Path(args.output)
    if output.suffix.lower() != ".png":
        return fail(CliError(_("the picture is a PNG: write -o FILE.png, not {file}").format(file=output)))  # fmt: skip

    async def run(services: Services) -> tuple[Outcome, dict[str, str]]:
        team_id = await team_id_for(services, args.team_id)
        scope = await scope_of(services, team_id, args.scope)
        names = await display_names(services, team_id)
        outcome = await actual_flow_for(
            services,
            team_id=team_id,
            scope=scope,
            title=with_names(scope_words(scope), names),
            period=args.period,
            map_id=args.map,
            default_period="all",
        )
        return outcome, names

    try:
        outcome, names = asyncio.run(with_services(run))
    except CliError as error:
        return fail(error)
    if isinstance(outcome, Failure):
        code = USAGE if getattr(outcome, "field", None) == "period" else FAILED
        return fail(CliError(f"{outcome.message}; {outcome.hint}", code=code))
    assert isinstance(outcome, ActualFlowReport)
    text = with_names(render_text(actual_flow_message(outcome, picture_note=False).blocks), names)
    if outcome.flow.moves == 0:
        said = _(
            "no deal moved between stages of map {map} in {period} ({scope}): not enough "
            "data to draw the actual flow; try --period all. Nothing written"
        ).format(map=outcome.process_map.id, period=outcome.period.label, scope=outcome.scope_title)
        return fail(CliError(said, code=FAILED))
    return _write(output, actual_flow_png(outcome), text)


def _write(path: Path, png: bytes, text: str) -> int:
    try:
        path.write_bytes(png)
    except OSError as exc:
        reason = exc.strerror or exc
        return fail(CliError(_("cannot write {file}: {reason}").format(file=path, reason=reason), code=FAILED))  # fmt: skip
    print(text)
    print(_("wrote {file} ({size} bytes)").format(file=path, size=len(png)))
    return OK

"""`stagecoach digest preview [SCOPE] [--weekly] [--chart out.png]`: what a digest
subscription would post now, printed as terminal text, its funnel chart written to the
file `--chart` names. Reads the database only: no Slack token, nothing posted."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli.people_names import display_names, with_names
from bot.cli.workspace import OK, USAGE, CliError, fail, scope_of, team_id_for, with_services
from bot.core.context import Services
from bot.core.outcomes import Failure, Outcome
from bot.digests.content import DigestPreview
from bot.digests.preview import preview_for_scope
from bot.reporting.charts import funnel_chart_png
from bot.views.digest import chart_title
from bot.views.digest_preview import preview_message
from bot.views.text import render_text
from flows.i18n import _


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scope",
        nargs="?",
        default="all",
        help=_("all, team:maria or owner:ana (a name or a Slack id; default: all)"),
    )
    parser.add_argument("--weekly", action="store_true", help=_("a weekly digest (default: daily)"))
    parser.add_argument("--chart", type=Path, help=_("write the funnel chart (PNG) to this file"))
    parser.add_argument(
        "--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    frequency = "weekly" if args.weekly else "daily"

    async def previewed(services: Services) -> tuple[Outcome, dict[str, str]]:
        team_id = await team_id_for(services, args.team_id)
        scope = await scope_of(services, team_id, args.scope)
        outcome = await preview_for_scope(
            services, team_id=team_id, scope=scope, frequency=frequency
        )
        return outcome, await display_names(services, team_id)

    try:
        outcome, names = asyncio.run(with_services(previewed))
        if isinstance(outcome, Failure):
            raise CliError(f"{outcome.message}; {outcome.hint}", code=USAGE)
        assert isinstance(outcome, DigestPreview)
        written = _write_chart(outcome, args.chart)
    except CliError as error:
        return fail(error)
    text = render_text(preview_message(outcome, chart_in_dm=False).blocks)
    print(with_names(text, names))
    if written:
        print(written)
    return OK


def _write_chart(preview: DigestPreview, path: Path | None) -> str | None:
    """Write the chart where `--chart` says: the line saying so, None without --chart."""
    if path is None:
        return None
    digest = preview.digest
    if digest.funnel is None:
        return _("No funnel chart: this digest has no funnel; {path} was not written.").format(
            path=path
        )
    try:
        path.write_bytes(funnel_chart_png(digest.funnel, title=chart_title(digest)))
    except OSError as exc:
        raise CliError(
            _("cannot write the chart to {path}: {error}").format(
                path=path, error=exc.strerror or exc
            )
        ) from exc
    return _("Funnel chart written to {path}").format(path=path)

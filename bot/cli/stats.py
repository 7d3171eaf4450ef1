"""`stagecoach stats` and `stagecoach plan`: the KPIs and the reverse funnel of a scope,
as text (what `/deal stats` shows) or JSON (`stats --json`: the stable shape that
tests/reporting/test_json_shape.py pins).
This module also registers the history commands (`import`, `export`, bot.cli.history_io):
together they are the reporting group of the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable
from functools import partial
from typing import Protocol

from bot.cli import history_io
from bot.cli.people_names import display_names, with_names
from bot.cli.workspace import OK, USAGE, CliError, fail, scope_of, team_id_for, with_services
from bot.core.context import Services
from bot.core.outcomes import Failure, Outcome
from bot.core.scope import SCOPE_EXAMPLES, Scope, ScopeKind
from bot.reporting import stats as reports
from bot.reporting.kpi_json import stats_json
from bot.reporting.minimums import minimums_text
from bot.reporting.outcomes import PlanReport, StatsReport
from bot.reporting.periods import PERIOD_EXAMPLES
from bot.reporting.plan import plan_json
from bot.views.outcomes import outcome_message
from bot.views.text import render_text
from flows.i18n import _


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _register_stats(subparsers)
    _register_plan(subparsers)
    history_io.register(subparsers)


def _register_stats(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "stats",
        help=_("KPIs of a scope and period: conversion, time in stage, cycle, win rate…"),
        description=_("KPIs computed from the event history (practice deals never count)."),
        epilog=_(
            "Conversion counts decided entries only (moved on or left); entries still in a\n"
            "stage are shown beside it. Money is per currency unless\n"
            "STAGECOACH_REPORTING_CURRENCY and STAGECOACH_FX_RATES are set.\n"
            "Minimum samples (below them a KPI says what it lacks):\n{minimums}"
        ).format(minimums=minimums_text()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _scope_options(parser)
    parser.add_argument(
        "--period",
        default="all",
        help=_("{examples} (default: all)").format(examples=PERIOD_EXAMPLES),
    )
    parser.add_argument("--json", action="store_true", help=_("the documented JSON shape"))
    parser.set_defaults(handler=run_stats)


def _register_plan(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "plan",
        help=_("reverse funnel: deals needed per stage and period to make a quota"),
        description=_("From a quota back to how many deals must enter each stage per period."),
    )
    parser.add_argument("quota", help=_("the quota for the period, e.g. 1.2m, $500k, 90000"))
    parser.add_argument(
        "--period", default="quarter", help=_("month, quarter or year (default: quarter)")
    )
    _scope_options(parser)
    parser.add_argument("--json", action="store_true", help=_("print the plan as JSON"))
    parser.set_defaults(handler=run_plan)


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scope",
        default="all",
        help=_("{examples} (default: all)").format(examples=SCOPE_EXAMPLES),
    )
    parser.add_argument(
        "--team-id", help=_("the Slack workspace (default: STAGECOACH_TEAM_ID, else the only one)")
    )


def run_stats(args: argparse.Namespace) -> int:
    return _report(args, partial(reports.stats_for, period=args.period, default_period="all"))


def run_plan(args: argparse.Namespace) -> int:
    return _report(args, partial(reports.plan_for, quota=args.quota, period=args.period))


class ReportAction(Protocol):
    """A report of `scope` in the `team_id` workspace, headed `title`."""

    def __call__(
        self, services: Services, *, team_id: str, scope: Scope, title: str
    ) -> Awaitable[Outcome]: ...


def scope_words(scope: Scope) -> str:
    """The scope as a title says it ("everyone", "the team of U1"); `scope.label` is what
    --scope takes, and stays the JSON's."""
    if scope.kind is ScopeKind.TEAM:
        return _("the team of @{manager}").format(manager=scope.user_id)
    if scope.kind is ScopeKind.OWNER:
        return _("the deals of @{owner}").format(owner=scope.user_id)
    if scope.kind is ScopeKind.MAP:
        return _("everyone on map {map}").format(map=scope.map_id)
    return _("everyone")


def _report(args: argparse.Namespace, action: ReportAction) -> int:
    """Run a report of the --scope in the --team-id workspace and print it."""

    async def run(services: Services) -> tuple[Outcome, dict[str, str]]:
        team_id = await team_id_for(services, args.team_id)
        scope = await scope_of(services, team_id, args.scope)
        outcome = await action(services, team_id=team_id, scope=scope, title=scope_words(scope))
        return outcome, await display_names(services, team_id)

    try:
        outcome, names = asyncio.run(with_services(run))
    except CliError as error:
        return fail(error)
    if isinstance(outcome, Failure):
        return fail(CliError(f"{outcome.message}; {outcome.hint}", code=USAGE))
    print(_render(outcome, as_json=args.json, names=names))
    return OK


def _render(outcome: Outcome, *, as_json: bool, names: dict[str, str]) -> str:
    """The documented JSON (ids as they are), or terminal text: the message Slack gets
    without its markup, people by name."""
    if as_json and isinstance(outcome, StatsReport):
        return json.dumps(stats_json(outcome.stats), indent=2, ensure_ascii=False)
    if as_json and isinstance(outcome, PlanReport):
        return json.dumps(plan_json(outcome.plan), indent=2, ensure_ascii=False)
    return with_names(render_text(outcome_message(outcome).blocks), names)

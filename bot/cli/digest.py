"""`stagecoach digest run [--now]`: one scheduler tick from the command line (for cron);
`stagecoach digest preview [SCOPE]`: the digest a subscription would post, as plain text,
its chart written to a file (no Slack token needed).

It claims work through the database exactly as `stagecoach serve` replicas do, so cron and
running servers may overlap: each digest period and each nudge still goes out once. Whatever
Slack answers, it ends with one line saying what went out and what did not, never a
traceback (a post Slack refused or may have received is logged as one line too), then one
line for each thing not posted: what, to whom, why, and when it is tried again (or that it
never is). Anything due and not posted, including work still waiting for its retry time
from an earlier run, makes the exit status 1, so cron reports an outage.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import sys

from bot.cli import digest_preview as preview
from bot.cli import log_format
from bot.core.boot import StartupError, open_services
from bot.core.settings import Settings, SettingsError
from bot.digests.settings import SchedulerSettings
from bot.digests.unposted import Ending, Unposted, Work, unposted
from bot.slack.oauth import workspace_tokens
from bot.slack.runtime import build_runtime, web_client
from bot.slack.scheduler import Scheduler, TickReport
from bot.views.counts import counted
from flows.i18n import _


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "digest",
        help=_("post the digests and nudges that are due (for cron)"),
        description=_(
            "Digests and stuck-deal nudges. `run` posts what is due now, claimed through the "
            "database like every `stagecoach serve` replica does, so nothing goes out twice."
        ),
    )
    actions = parser.add_subparsers(dest="digest_action", metavar="ACTION", required=True)
    run_parser = actions.add_parser("run", help=_("post the digests and nudges that are due"))
    run_parser.add_argument(
        "--now",
        action="store_true",
        help=_(
            "post every subscription's digest for its current period now, even one "
            "subscribed after that period began (never a second one for a period)"
        ),
    )
    run_parser.set_defaults(handler=run)
    preview_parser = actions.add_parser(
        "preview",
        help=_("print the digest a subscription would post now, without Slack"),
        description=_(
            "The digest a subscription with this scope would post if it fell due now, as "
            "plain text; nothing is posted and no Slack token is needed."
        ),
    )
    preview.register(preview_parser)


def run(args: argparse.Namespace) -> int:
    try:
        log_format.configure(os.environ, default_level="WARNING")
        settings = Settings.from_env(os.environ)
        log_format.hide_settings(settings)
        if settings.bot_token is None and not settings.oauth:
            raise SettingsError(
                _(
                    "SLACK_BOT_TOKEN is not set; digests are posted with it (or, in OAuth "
                    "mode, SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, with each workspace's)"
                )
            )
        schedule = SchedulerSettings.from_env(os.environ)
        report, left = asyncio.run(_run(settings, schedule, now=args.now))
    except (SettingsError, StartupError) as exc:
        print(f"stagecoach: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # the database gone mid-tick, say: one line, not a traceback
        logging.getLogger(__name__).debug("digest run failed", exc_info=True)
        print(_("stagecoach: the digest run stopped: {error}").format(error=exc), file=sys.stderr)
        return 1
    print(summary(report, left))
    for item in left:
        print("  " + unposted_line(item))
    return 1 if report.unfinished or left else 0


def summary(report: TickReport, left: list[Unposted]) -> str:
    # Work that failed this run is waiting too: only what waited from before is added.
    earlier = max(sum(item.ending is Ending.RETRY for item in left) - report.retrying, 0)
    text = _("posted {digests} and {nudges}; {unfinished} not (yet) posted").format(
        digests=counted(report.digests, "{count} digest", "{count} digests"),
        nudges=counted(report.nudges, "{count} nudge", "{count} nudges"),
        unfinished=report.unfinished + earlier,
    )
    details = [
        (earlier, _("{n} still waiting to be tried again after an earlier failure")),
        (report.retrying, _("{n} to be tried again later")),
        (report.refused, _("{n} refused by Slack for good")),
        (report.unknown, _("{n} cut off mid-call, not sent again (Slack may have it)")),
        (report.abandoned, _("{n} left mid-call by a stopped replica, not sent again")),
    ]
    said = [template.format(n=n) for n, template in details if n]
    return f"{text} ({'; '.join(said)})" if said else text


def unposted_line(item: Unposted) -> str:
    what = (
        _("the digest for #{channel} ({period})").format(
            channel=item.recipient, period=item.subject
        )
        if item.kind is Work.DIGEST
        else _("the nudge to @{owner} about deal {deal}").format(
            owner=item.recipient, deal=item.subject
        )
    )
    if item.ending is Ending.RETRY:
        assert item.retry_at is not None
        when = _("tried again from {when} UTC by the next run ({left} left)").format(
            when=f"{item.retry_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}",
            left=counted(item.attempts_left, "{count} attempt", "{count} attempts"),
        )
    elif item.ending is Ending.REFUSED:
        when = _("refused by Slack for good: never tried again")
    else:
        when = _("cut off mid-call, Slack may have it: never sent again")
    return _("not posted: {what}: {error}; {when}").format(
        what=what, error=item.error or _("no error recorded"), when=when
    )


async def _run(
    settings: Settings, schedule: SchedulerSettings, *, now: bool
) -> tuple[TickReport, list[Unposted]]:
    services = await open_services(settings)
    runtime = build_runtime(services, settings, client=web_client(settings))
    tokens = workspace_tokens(runtime)
    try:
        started = services.clock()
        scheduler = Scheduler(services, client=runtime.client, settings=schedule, tokens=tokens)
        report = await scheduler.tick(force=now)
        return report, await unposted(services, since=started)
    finally:
        await services.close()

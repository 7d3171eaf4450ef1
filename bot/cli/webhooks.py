"""`stagecoach webhooks failed | retry | deliver`: the dead letters of the webhook outbox,
sending them again, and a delivery loop of its own (docs/webhooks.md).

`failed` and `retry` read every workspace's outbox unless `--team-id` names one. `deliver`
runs what every `serve` replica runs beside the app, for a deployment that delivers from
separate processes (or once, `--once`, from cron); claims keep them from sending a row
twice at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from bot.cli import log_format
from bot.cli.workspace import FAILED, OK, USAGE, CliError, fail, with_services
from bot.core.context import Services
from bot.core.settings import SettingsError
from bot.slack.webhook_sender import WebhookSender
from bot.webhooks import delivery
from bot.webhooks.settings import DeliverySettings
from flows.i18n import _, ngettext


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("webhooks", help=_("webhook dead letters; deliver the outbox"))
    actions = parser.add_subparsers(dest="webhooks_action", metavar="ACTION", required=True)
    failed = actions.add_parser("failed", help=_("list the dead letters, oldest first"))
    failed.add_argument("--team-id", help=_("one workspace only (default: every one)"))
    failed.set_defaults(handler=run_failed)
    retry = actions.add_parser("retry", help=_("send dead letters again"))
    retry.add_argument("ids", nargs="*", type=_row_id, help=_("dead letter numbers (webhooks failed)"))  # fmt: skip
    retry.add_argument("--all", action="store_true", help=_("every dead letter"))
    retry.add_argument("--team-id", help=_("one workspace only (default: every one)"))
    retry.set_defaults(handler=run_retry)
    deliver = actions.add_parser("deliver", help=_("post the outbox until stopped (serve does this too)"))  # fmt: skip
    deliver.add_argument("--once", action="store_true", help=_("post what is due now, then stop"))
    deliver.set_defaults(handler=run_deliver)


def _row_id(raw: str) -> int:
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(
            _(
                "{raw!r} is not a dead letter number; `stagecoach webhooks failed` lists them"
            ).format(raw=raw)  # fmt: skip
        )
    return int(raw)


def run_failed(args: argparse.Namespace) -> int:
    async def listing(services: Services) -> list[str]:
        letters = await delivery.dead_letters(services, team_id=args.team_id)
        return [_letter_line(letter) for letter in letters]

    try:
        lines = asyncio.run(with_services(listing))
    except CliError as error:
        return fail(error)
    print("\n".join(lines) if lines else _("no dead letters"))
    return OK


def _letter_line(letter: delivery.DeadLetter) -> str:
    row = letter.row
    held = ngettext(" · {n} later event of the deal waits behind it", " · {n} later events of the deal wait behind it", letter.held_back).format(n=letter.held_back) if letter.held_back else ""  # fmt: skip
    when = row.finished_at.strftime("%Y-%m-%d %H:%M") if row.finished_at else "?"
    tries = ngettext("{tries} try", "{tries} tries", row.attempts).format(tries=row.attempts)
    return _("{id}  {team} deal #{deal} {kind} → {url} · {tries}, last: {error} · dead since {when}{held}").format(  # fmt: skip
        id=row.id, team=row.team_id, deal=row.deal_id, kind=row.kind, url=letter.url,
        tries=tries, error=row.last_error or "?", when=when, held=held,
    )  # fmt: skip


def run_retry(args: argparse.Namespace) -> int:
    if args.ids and args.all:
        print(_("stagecoach: give dead letter numbers or --all, not both (--all retries every one)"), file=sys.stderr)  # fmt: skip
        return USAGE
    if not args.ids and not args.all:
        print(_("stagecoach: name the dead letters to retry (numbers from `stagecoach webhooks failed`), or --all"), file=sys.stderr)  # fmt: skip
        return USAGE

    async def requeue(services: Services) -> delivery.Requeued:
        return await delivery.retry(
            services, row_ids=None if args.all else args.ids, team_id=args.team_id
        )

    try:
        done = asyncio.run(with_services(requeue))
    except CliError as error:
        return fail(error)
    if done.unknown:
        print(ngettext("stagecoach: {missing} of those numbers is no dead letter (`stagecoach webhooks failed` lists them); none was queued", "stagecoach: {missing} of those numbers are no dead letters (`stagecoach webhooks failed` lists them); none was queued", done.unknown).format(missing=done.unknown), file=sys.stderr)  # fmt: skip
        return FAILED
    print(ngettext("{count} dead letter queued to be sent again", "{count} dead letters queued to be sent again", done.count).format(count=done.count))  # fmt: skip
    return OK


def run_deliver(args: argparse.Namespace) -> int:
    try:
        log_format.configure(os.environ)
        settings = DeliverySettings.from_env(os.environ)
    except SettingsError as exc:
        print(f"stagecoach: {exc}", file=sys.stderr)
        return USAGE

    async def deliver(services: Services) -> int:
        sender = WebhookSender(services, settings)
        if args.once:
            while await sender.tick():
                pass
            await sender.stop()
            return OK
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        sender.start()
        await stop.wait()
        await sender.stop()
        return OK

    try:
        return asyncio.run(with_services(deliver))
    except CliError as error:
        return fail(error)

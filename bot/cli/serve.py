"""`stagecoach serve`: the Slack app over HTTP (default) or Socket Mode (`--socket`)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.cli import event_loop, log_format
from bot.core.boot import StartupError, open_services
from bot.core.settings import DOCUMENTED, Settings, SettingsError
from bot.digests.settings import SchedulerSettings
from bot.slack.app import build_bolt_app
from bot.slack.http import EVENTS_PATH, build_web_app
from bot.slack.oauth import workspace_tokens
from bot.slack.runtime import Runtime, build_runtime, web_client, web_session
from bot.slack.scheduler import Scheduler
from bot.slack.socket import SocketModeRunner
from flows.i18n import _
from flows.problems import MapError

log = logging.getLogger("stagecoach")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    env_help = "\n".join(f"  {name:<22} {what}" for name, what in DOCUMENTED.items())
    parser = subparsers.add_parser(
        "serve",
        help=_("run the Slack app (HTTP on PORT, or Socket Mode)"),
        description=_("Run the Slack app. Settings come from the environment:") + "\n" + env_help,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--socket", action="store_true", help=_("use Socket Mode (needs SLACK_APP_TOKEN)")
    )
    parser.add_argument("--host", default="0.0.0.0", help=_("address to listen on (HTTP mode)"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        log_format.configure(os.environ)  # JSON lines, or text on a terminal
        settings = Settings.from_env(os.environ)
        log_format.hide_settings(settings)
        settings.require_socket() if args.socket else settings.require_http()
        return event_loop.run(_serve(settings, socket=args.socket, host=args.host))
    except (SettingsError, StartupError) as exc:
        print(f"stagecoach: {exc}", file=sys.stderr)
        return 2
    except MapError as exc:
        print(
            f"stagecoach: STAGECOACH_MAP={os.environ.get('STAGECOACH_MAP', 'default')} has problems:\n{exc}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 0


def _freeze_start_up_objects() -> None:
    """Keep what start-up built (modules, maps, the app) out of the garbage collector's
    full passes. Those passes walked it all, each one stopping every request for about
    80 ms (the p99 under load); frozen, a pass takes a few ms. Nothing frozen is freed,
    which suits objects that live as long as the process."""
    gc.collect()
    gc.freeze()


async def _serve(settings: Settings, *, socket: bool, host: str) -> int:
    schedule = SchedulerSettings.from_env(os.environ)
    services = await open_services(settings)
    http_session = web_session()  # shared by every Web API call and response URL
    runtime = build_runtime(services, settings, client=web_client(settings, session=http_session))
    # Every replica runs the scheduler: digests and nudges are claimed through the
    # database, so each is posted once however many replicas run (bot.digests.claims).
    scheduler = Scheduler(
        services, client=runtime.client, settings=schedule, tokens=workspace_tokens(runtime)
    )
    scheduler.start()
    bolt = build_bolt_app(runtime)
    _freeze_start_up_objects()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    current = services.catalog.current
    try:
        if socket:
            await _serve_socket(bolt, settings, stop)
        else:
            await _serve_http(
                bolt,
                runtime,
                host,
                settings.port,
                stop,
                map_label=f"{current.id} v{current.version}",
            )
    finally:
        await scheduler.stop()
        await runtime.tasks.drain()
        await http_session.close()
        await services.close()
    return 0


async def _serve_http(
    bolt: AsyncApp, runtime: Runtime, host: str, port: int, stop: asyncio.Event, *, map_label: str
) -> None:
    runner = web.AppRunner(build_web_app(bolt, runtime), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("stagecoach listening on http://%s:%s%s (map %s)", host, port, EVENTS_PATH, map_label)
    await stop.wait()
    await runner.cleanup()


async def _serve_socket(bolt: AsyncApp, settings: Settings, stop: asyncio.Event) -> None:
    assert settings.app_token is not None
    runner = SocketModeRunner(bolt, app_token=settings.app_token)
    await runner.start()
    log.info("stagecoach connected in Socket Mode")
    await runner.watch(stop=stop)
    await runner.close()

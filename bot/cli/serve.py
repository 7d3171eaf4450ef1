"""`stagecoach serve`: the Slack app over HTTP (default) or Socket Mode (`--socket`).

Over HTTP it runs `--workers` processes on one port (bot.cli.workers), and stops on SIGTERM
without dropping what is in flight (bot.slack.shutdown); docs/deploying.md has both.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import socket
import sys
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.cli import event_loop, log_format
from bot.cli.workers import MOST_WORKERS, Supervisor, cores, listening_sockets
from bot.core.boot import StartupError, open_services
from bot.core.settings import DOCUMENTED, Settings, SettingsError, documented
from bot.digests.settings import SchedulerSettings
from bot.slack.app import build_bolt_app
from bot.slack.http import DRAINING, EVENTS_PATH, build_web_app
from bot.slack.oauth import workspace_tokens
from bot.slack.runtime import Runtime, build_runtime, web_client, web_session
from bot.slack.scheduler import Scheduler
from bot.slack.shutdown import ShutdownSettings
from bot.slack.socket import SocketModeRunner
from bot.slack.webhook_sender import WebhookSender
from bot.webhooks.settings import DeliverySettings
from flows.i18n import ENGLISH, _, using_locale
from flows.problems import MapError
from storage.urls import async_url, is_sqlite

log = logging.getLogger("stagecoach")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    env_help = "\n".join(f"  {name:<30} {documented(name)}" for name in DOCUMENTED)
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
    parser.add_argument(
        "--workers",
        type=_worker_count,
        default=None,
        help=_(
            "processes answering on the one port (HTTP mode, PostgreSQL), default the number "
            "of CPU cores; SQLite and Socket Mode run one"
        ),
    )
    parser.set_defaults(handler=run)


def _worker_count(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise argparse.ArgumentTypeError(
            _("{raw!r} is not a number of processes; give 1 or more").format(raw=raw)
        )
    return int(raw)


def workers_for(requested: int | None, settings: Settings, *, socket_mode: bool) -> int:
    """How many processes to run: the cores by default where several can share the work;
    one for SQLite and Socket Mode, where asking for more is refused, saying why."""
    sqlite = is_sqlite(async_url(settings.database_url))
    if not socket_mode and not sqlite:
        return requested or min(cores(), MOST_WORKERS)
    if requested is None or requested == 1:
        return 1
    if socket_mode:
        raise SettingsError(
            _("--workers {n}: Socket Mode runs one process; leave --workers out").format(
                n=requested
            )
        )
    raise SettingsError(
        _(
            "--workers {n} needs PostgreSQL: SQLite lets one process write at a time, and one "
            "process already keeps it busy (docs/deploying.md); leave --workers out to run one, "
            "or set DATABASE_URL to a PostgreSQL database"
        ).format(n=requested)
    )


def run(args: argparse.Namespace) -> int:
    try:
        log_format.configure(os.environ)  # JSON lines, or text on a terminal
        settings = Settings.from_env(os.environ)
        log_format.hide_settings(settings)
        settings.require_socket() if args.socket else settings.require_http()
        plan = _Plan(
            settings=settings,
            schedule=SchedulerSettings.from_env(os.environ),
            shutdown=ShutdownSettings.from_env(os.environ),
            webhooks=DeliverySettings.from_env(os.environ),
            host=args.host,
            workers=workers_for(args.workers, settings, socket_mode=args.socket),
        )
        # Slack's side speaks each request's language (bot/slack/user_locales.py), never the
        # host's: what is said outside any request (the install pages) is English.
        with using_locale(ENGLISH):
            if args.socket:
                return event_loop.run(_serve(plan, listener=None))
            return _serve_http_processes(plan)
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


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything read and checked before the first process starts."""

    settings: Settings
    schedule: SchedulerSettings
    shutdown: ShutdownSettings
    webhooks: DeliverySettings
    host: str
    workers: int


def _serve_http_processes(plan: _Plan) -> int:
    listeners = listening_sockets(plan.host, plan.settings.port, plan.workers)
    if plan.workers == 1:
        return event_loop.run(_serve(plan, listener=listeners[0]))
    # Migrate (and register the maps) once, before the workers all try: asyncio's own
    # loop here, which leaves no thread behind to confuse the forked workers.
    asyncio.run(_prepare(plan.settings))
    return Supervisor(lambda listener: _serve_worker(plan, listener), listeners).run()


def _serve_worker(plan: _Plan, listener: socket.socket) -> int:
    """One worker; what stops its start-up (the database went away meanwhile) in one line."""
    try:
        return event_loop.run(_serve(plan, listener=listener))
    except StartupError as exc:
        print(f"stagecoach worker {os.getpid()}: {exc}", file=sys.stderr)
        return 2


async def _prepare(settings: Settings) -> None:
    services = await open_services(settings)
    await services.close()


def _freeze_start_up_objects() -> None:
    """Keep what start-up built (modules, maps, the app) out of the garbage collector's
    full passes. Those passes walked it all, each one stopping every request for about
    80 ms (the p99 under load); frozen, a pass takes a few ms. Nothing frozen is freed,
    which suits objects that live as long as the process."""
    gc.collect()
    gc.freeze()


async def _serve(plan: _Plan, *, listener: socket.socket | None) -> int:
    settings = plan.settings
    services = await open_services(settings, workers=plan.workers)
    http_session = web_session()  # shared by every Web API call and response URL
    runtime = build_runtime(services, settings, client=web_client(settings, session=http_session))
    # Every replica runs the scheduler: digests and nudges are claimed through the
    # database, so each is posted once however many replicas run (bot.digests.claims).
    scheduler = Scheduler(
        services,
        client=runtime.client,
        settings=plan.schedule,
        tokens=workspace_tokens(runtime),
        locales=runtime.locales,  # people's Slack languages, read once for both
    )
    scheduler.start()
    # Webhooks too: each outbox row is claimed through the database (bot.webhooks.delivery).
    sender = WebhookSender(services, plan.webhooks, session=http_session)
    sender.start()
    bolt = build_bolt_app(runtime)
    _freeze_start_up_objects()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        if listener is None:
            await _serve_socket(bolt, settings, stop)
        else:
            await _serve_http(bolt, runtime, scheduler, listener, stop, plan)
    finally:
        await scheduler.stop(timeout=plan.shutdown.timeout)
        await sender.stop(timeout=plan.shutdown.timeout)
        await runtime.tasks.drain(timeout=plan.shutdown.timeout)
        await http_session.close()
        await services.close()
    return 0


async def _serve_http(
    bolt: AsyncApp,
    runtime: Runtime,
    scheduler: Scheduler,
    listener: socket.socket,
    stop: asyncio.Event,
    plan: _Plan,
) -> None:
    web_app = build_web_app(bolt, runtime)
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=plan.shutdown.timeout)
    await runner.setup()
    await web.SockSite(runner, listener).start()
    current = runtime.services.catalog.current
    port = listener.getsockname()[1]
    log.info(
        "stagecoach listening on http://%s:%s%s (map %s v%s, pid %d)",
        plan.host, port, EVENTS_PATH, current.id, current.version, os.getpid(),
    )  # fmt: skip
    await stop.wait()
    draining = web_app[DRAINING]
    draining.begin()
    log.info(
        "stopping (pid %d): /healthz answers 503; %d request(s) and %d task(s) in flight, "
        "finishing within %gs after a %gs drain delay",
        os.getpid(), draining.in_flight, len(runtime.tasks),
        plan.shutdown.timeout, plan.shutdown.drain_delay,
    )  # fmt: skip
    await asyncio.sleep(plan.shutdown.drain_delay)
    await _finish(runner, runtime, scheduler, plan.shutdown)


async def _finish(
    runner: web.AppRunner, runtime: Runtime, scheduler: Scheduler, shutdown: ShutdownSettings
) -> None:
    """Stop listening and let the requests in flight finish while the scheduler stops
    (giving back what it claimed and did not start); then the work after the
    acknowledgements, in what is left of the time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + shutdown.timeout
    await asyncio.gather(runner.cleanup(), scheduler.stop(timeout=shutdown.timeout))
    cancelled = await runtime.tasks.drain(timeout=max(0.1, deadline - loop.time()))
    if cancelled:
        log.warning("stopping: %d task(s) after acknowledgements cancelled at the limit", cancelled)
    log.info("stopped (pid %d)", os.getpid())


async def _serve_socket(bolt: AsyncApp, settings: Settings, stop: asyncio.Event) -> None:
    assert settings.app_token is not None
    runner = SocketModeRunner(bolt, app_token=settings.app_token)
    await runner.start()
    log.info("stagecoach connected in Socket Mode")
    await runner.watch(stop=stop)
    await runner.close()

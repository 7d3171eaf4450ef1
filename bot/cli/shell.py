"""`stagecoach shell`, `stagecoach say` and `stagecoach demo`: the bot in a terminal, on
the database DATABASE_URL names (default: stagecoach.db here) and STAGECOACH_MAP."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from bot.core.boot import StartupError, open_services
from bot.core.settings import SettingsError
from bot.shell.demo import seed_demo
from bot.shell.history import History, history_path
from bot.shell.people import DEFAULT_CHANNEL, DEFAULT_USER, seed_people
from bot.shell.repl import Repl
from bot.shell.say import say
from bot.shell.session import ShellSession
from bot.shell.startup import banner, open_shell, shell_settings
from flows.i18n import N_, _
from flows.problems import MapError

ENV_HELP = N_(  # English; translated where a parser is built
    "DATABASE_URL (default: sqlite:///stagecoach.db in this folder) and STAGECOACH_MAP "
    "(default: the shipped default map) choose the database and the map."
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _register_shell(subparsers)
    _register_say(subparsers)
    demo = subparsers.add_parser(
        "demo",
        help=_("add demo deals (across stages, with history) to the database"),
        description=_(ENV_HELP),
    )
    demo.set_defaults(handler=run_demo)


def _register_shell(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "shell",
        help=_("the whole bot in a terminal: type /deal … as in Slack"),
        description=_("Talk to the bot as in Slack, no Slack needed. ") + _(ENV_HELP),
    )
    parser.add_argument("--demo", action="store_true", help=_("add the demo deals first"))
    _identity_options(parser)
    parser.set_defaults(handler=run_shell)


def _register_say(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "say",
        help=_("one line to the bot, its reply as text (or JSON); exit 1 on an error reply"),
        description=_("One line, as typed in the shell, e.g. stagecoach say '/deal list'. ")
        + _(ENV_HELP),
    )
    _identity_options(parser)
    parser.add_argument(
        "--json", action="store_true", help=_("print the Slack payloads the app produced")
    )
    parser.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="TEXT",
        help=_("an answer for the next field of a form the line opens (repeat; else stdin)"),
    )
    parser.add_argument("line", nargs="+", metavar="LINE", help=_("e.g. /deal new Acme 50k"))
    parser.set_defaults(handler=run_say)


def _identity_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="user", default=DEFAULT_USER, help=_("who you are (ana, ben, maria, ada…)")
    )
    parser.add_argument(
        "--in", dest="channel", default=DEFAULT_CHANNEL, help=_("the channel you are in")
    )
    parser.add_argument(
        "--lang",
        metavar="LOCALE",
        help=_(
            "everyone's Slack language, e.g. tr-TR (default: STAGECOACH_SHELL_LANG, else en-US)"
        ),
    )


# -- handlers ---------------------------------------------------------------------------------


def run_shell(args: argparse.Namespace) -> int:
    log_file = Path(os.environ.get("STAGECOACH_LOG") or Path.home() / ".stagecoach_shell.log")
    with _logging_to(logging.FileHandler(log_file, delay=True)):
        return _guarded(_shell(args))


async def _shell(args: argparse.Namespace) -> int:
    history = History(history_path(os.environ))
    history.load()
    async with open_shell(os.environ, demo=args.demo, language=args.lang) as session:
        problem = _place(session, args)
        if problem:
            print(f"stagecoach: {problem}", file=sys.stderr)
            return 2
        repl = Repl(
            session,
            stdin=sys.stdin,
            stdout=sys.stdout,
            history=history,
            readline=_readline(session, history),
        )
        return await repl.run(banner=banner(session))


def run_say(args: argparse.Namespace) -> int:
    with _logging_to(logging.StreamHandler(sys.stderr)):
        return _guarded(_say(args))


async def _say(args: argparse.Namespace) -> int:
    async with open_shell(os.environ, language=args.lang) as session:
        problem = _place(session, args)
        if problem:
            print(f"stagecoach: {problem}", file=sys.stderr)
            return 2
        return await say(
            session,
            " ".join(args.line),
            answers=args.answer,
            stdin=sys.stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            as_json=args.json,
        )


def run_demo(args: argparse.Namespace) -> int:
    with _logging_to(logging.StreamHandler(sys.stderr)):
        return _guarded(_demo())


async def _demo() -> int:
    services = await open_services(shell_settings(os.environ))
    try:
        await seed_people(services)
        made = await seed_demo(services)
    finally:
        await services.close()
    if made:
        print(
            _(
                "Added {count} demo deals. Try: stagecoach shell, then /deal list team as maria."
            ).format(count=made)
        )
    else:
        print(_("The demo deals are there already."))
    return 0


# -- shared -----------------------------------------------------------------------------------


def _place(session: ShellSession, args: argparse.Namespace) -> str | None:
    if session.act_as(args.user) is None:
        return _("--as {user!r} is not a name (letters, digits, . _ -)").format(user=args.user)
    if session.move_to(args.channel) is None:
        return _("--in {channel!r} is not a channel name").format(channel=args.channel)
    return None


def _guarded(work: Coroutine[Any, Any, int]) -> int:
    """Run the coroutine; a configuration problem is one line on stderr and exit code 2."""
    try:
        return asyncio.run(work)
    except BrokenPipeError:  # `stagecoach say … | head`: the reader has what it wanted
        _silence_stdout()
        return 0
    except (SettingsError, StartupError) as exc:
        print(f"stagecoach: {exc}", file=sys.stderr)
    except MapError as exc:
        ref = os.environ.get("STAGECOACH_MAP", "default")
        print(f"stagecoach: STAGECOACH_MAP={ref} has problems:\n{exc}", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not complain about the pipe."""
    with suppress(OSError, ValueError):  # no real stdout (a test's): nothing to silence
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextmanager
def _logging_to(handler: logging.Handler) -> Iterator[None]:
    """Warnings and errors go to `handler` (a file for the shell: never onto the prompt)."""
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()


def _readline(session: ShellSession, history: History):  # type: ignore[no-untyped-def]
    """readline, set up for this shell, when a person is typing; None for pipes and tests."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    try:
        import readline
    except ImportError:  # Windows without pyreadline: plain input still works
        return None
    from bot.shell.completion import install

    readline.set_auto_history(False)  # the History decides what is kept (once, deduplicated)
    history.to_readline(readline)
    install(readline, channels=lambda: [session.channel, "sales"])
    return readline

"""The `stagecoach` command line: one module per command group, each with `register()`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

from bot.cli.language import argparse_in_our_language, cli_locale
from flows.i18n import _, using_locale

# Command groups, in the order `stagecoach --help` lists them. Each module defines
# `register(subparsers)`, which adds its parser(s) and sets `handler=` to a function
# taking the parsed args and returning the exit code.
COMMAND_MODULES = (
    "bot.cli.maps",
    "bot.cli.db",
    "bot.cli.serve",
    "bot.cli.digest",
    "bot.cli.shell",
    "bot.cli.stats",
    "bot.cli.feedback",
    "bot.cli.discover",
    "bot.cli.workspaces",
    "bot.cli.webhooks",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stagecoach",
        description=_("Guide sales reps through the sales process map, in Slack or a terminal."),
        epilog=_(
            "Language: STAGECOACH_LANGUAGE (en or tr), else the locale (LC_ALL, LC_MESSAGES, "
            "LANG), else English."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command in the operator's language, chosen once here before any help text
    is built (argparse keeps the strings it is given: built earlier, they stay English)."""
    with using_locale(cli_locale(os.environ)), argparse_in_our_language():
        parser = build_parser()
        args = parser.parse_args(argv)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 2
        return handler(args)


def run() -> None:
    """The `stagecoach` entry point. A reader that stops early (`stagecoach maps show
    extended | head`) has read all it wanted: the command exits quietly with 0, as most
    command lines do, not with a BrokenPipeError traceback. Per Python's documented recipe,
    stdout is pointed at devnull first so the interpreter's final flush cannot raise again.
    """
    try:
        code = main()
        sys.stdout.flush()  # inside the try: the last buffered lines may be what breaks
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)

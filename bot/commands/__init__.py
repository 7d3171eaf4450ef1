"""The `/deal` grammar, command by command: each subcommand's spec owns its typed
arguments, its parser and its handler (bot.commands.spec); bot.commands.registry lists
them and reads and runs a command line."""

from bot.commands.registry import BY_NAME, COMMANDS, parse, run_command, usage_of
from bot.commands.spec import (
    Answer,
    Command,
    CommandSpec,
    HelpRequested,
    NewDealForm,
    ParseError,
    Refused,
)

__all__ = [
    "BY_NAME",
    "COMMANDS",
    "Answer",
    "Command",
    "CommandSpec",
    "HelpRequested",
    "NewDealForm",
    "ParseError",
    "Refused",
    "parse",
    "run_command",
    "usage_of",
]

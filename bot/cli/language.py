"""The language the `stagecoach` command line speaks (docs/operations.md, "The command line's
language"): STAGECOACH_LANGUAGE, else the POSIX locale, else English; and argparse's own
words ("usage:", "options:") in that language too."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flows.i18n import N_, N_plural, _, ngettext

# Where the POSIX locale for messages is read from, strongest first: gettext's own order
# (LANGUAGE, a GNU extension with a list of languages, is not read).
POSIX_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def cli_locale(environ: Mapping[str, str]) -> str | None:
    """The locale the CLI speaks: STAGECOACH_LANGUAGE if set ("tr", "en", "en-XA"), else the
    first of LC_ALL, LC_MESSAGES, LANG that is set ("tr_TR.UTF-8"), else None (English).
    A locale stagecoach has no catalogue for ("de_DE", "C") is English (`language_of`)."""
    for name in ("STAGECOACH_LANGUAGE", *POSIX_LOCALE_VARIABLES):
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


# argparse's words a person reads (Python 3.11's msgids). argparse looks them up through
# its module's `_` and `ngettext`, gettext's global domain; `argparse_in_our_language`
# points those at ours for the length of a run, so they come from our catalogue in the
# language of the run. Listed here with N_ for the extractor, which does not read argparse.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("ignored explicit argument %r"),
)
ARGPARSE_COUNTED = N_plural("expected %s argument", "expected %s arguments")


def _argparse_gettext(message: str | None) -> str | None:
    return _(message) if message else message  # argparse asks for None's translation too


@contextmanager
def argparse_in_our_language() -> Iterator[None]:
    """argparse's words through flows.i18n for as long as the block runs. argparse calls its
    module globals `_` and `ngettext` when it writes (Python's argparse howto: its output is
    translated with gettext); replacing them, rather than gettext's global domain, makes
    them follow `using_locale` (STAGECOACH_LANGUAGE, the pseudo-locale) as our text does."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _argparse_gettext, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]

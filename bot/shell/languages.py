"""The language each person's Slack is set to, played by the shell (docs/i18n.md).

Slack sends no language with a request: the app asks `users.info` with `include_locale`
and keeps the answer for an hour (bot/slack/user_locales.py). So the shell sets the
language where Slack keeps it, in the stand-in's user profiles: `/lang tr-TR` the current
person's, `--lang` or STAGECOACH_SHELL_LANG everyone's at start (people first seen later
too). It then forgets what the app had kept, as if the hour had passed, so the next answer
is in the new language. The shell's own words (prompts, its help, its notes) stay English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.settings import SettingsError
from bot.shell.reply import Reply
from bot.shell.session import ShellSession
from bot.slack.user_locales import UserLocales
from flows.i18n import ENGLISH, PSEUDO, TURKISH, spoken_language

ENV = "STAGECOACH_SHELL_LANG"
SLACK_DEFAULT = "en-US"  # what Slack gives a person who never chose
_LOCALE = re.compile(r"([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{2}))?")
_SPOKEN_NAMES = {ENGLISH: "English", TURKISH: "Turkish", PSEUDO: "the pseudo-locale"}
SUGGESTED = ("en-US", "tr-TR")  # one Slack locale per language stagecoach speaks, for Tab
EXAMPLE = "e.g. /lang tr-TR (Turkish) or /lang en-US"


def slack_locale(text: str) -> str | None:
    """What the user typed, spelt as Slack spells a locale (`tr_tr` → `tr-TR`, `TR` →
    `tr`), or None when it cannot be one."""
    found = _LOCALE.fullmatch(text.strip())
    if found is None:
        return None
    language, region = found[1].lower(), found[2]
    return f"{language}-{region.upper()}" if region else language


def startup_locale(env: Mapping[str, str], chosen: str | None = None) -> str:
    """Everyone's Slack language at start: `--lang` (`chosen`), else STAGECOACH_SHELL_LANG,
    else Slack's own default. Raises SettingsError for something that is no locale."""
    typed = chosen or env.get(ENV) or SLACK_DEFAULT
    locale = slack_locale(typed)
    if locale is None:
        source = "--lang" if chosen else ENV
        raise SettingsError(f"{source}={typed!r} is not a Slack locale, e.g. tr-TR or en-US")
    return locale


def everyone_speaks(session: ShellSession, locale: str) -> None:
    """Every person in the workspace, and everyone seen later, has `locale` as their Slack
    language."""
    workspace = session.standin.workspace
    workspace.default_locale = locale
    for profile in workspace.users.values():
        profile["locale"] = locale
    _forget_kept_languages(session)


def run_lang(session: ShellSession, typed: str) -> Reply:
    """`/lang` says the current person's Slack language; `/lang tr-TR` changes it."""
    person = session.user
    if not typed:
        return Reply(note=f"{person.name}'s Slack language is {_locale_of(session)}; {EXAMPLE}")
    locale = slack_locale(typed)
    if locale is None:
        return Reply(problem=f"{typed!r} is not a Slack locale; {EXAMPLE}")
    profile = session.standin.workspace.user(person.user_id)
    if profile is not None:
        profile["locale"] = locale
    _forget_kept_languages(session)
    return Reply(note=f"{person.name}'s Slack language is now {locale}: {_spoken(locale)}")


def _locale_of(session: ShellSession) -> str:
    profile = session.standin.workspace.user(session.user.user_id) or {}
    return str(profile.get("locale") or session.standin.workspace.default_locale)


def _spoken(locale: str) -> str:
    language = spoken_language(locale)
    if language is None:
        return (
            "stagecoach does not speak it, so the app answers in the workspace's language "
            "(/deal settings language), else its map's, else English"
        )
    return f"the app answers in {_SPOKEN_NAMES[language]}"


def _forget_kept_languages(session: ShellSession) -> None:
    """The app keeps each person's language for an hour; the shell makes the hour pass."""
    session.runtime.locales = UserLocales()

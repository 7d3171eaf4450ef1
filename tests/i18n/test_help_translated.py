"""`/deal help` in the asker's language, through signed requests on both backends: the
commands' summaries and details are marked when their modules are imported and translated
when help is shown (bot/commands/spec.py), and a usage keeps the words a user types while
its placeholders are translated (bot/commands/usage_words.py). The asker's Slack language is
the pseudo-locale, which brackets every translated string (flows/i18n.py)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from bot.commands import COMMANDS
from flows.i18n import PSEUDO
from tests.i18n.said import shown_texts, untranslated_words
from tests.support.harness import SlackHarness
from tests.support.slack import REP

# Words a user types in every language, or that are no words: the product and the grammar.
ALLOWED = {"stagecoach", "deal", "url", "crm", "https", "http", "localhost"}
# How the help shows a usage: the list's "`usage` — summary", one command's "*`usage`*".
_USAGE_SPAN = re.compile(r"^\*?`(/deal [^`]*)`")
# A placeholder left in English: a word in <…>, alone in […], or after #, @ or =.
_ENGLISH_PLACEHOLDER = re.compile(r"<[a-z][a-z ]+>|\[[a-z]{2,}\]|[#@=][a-z]{2,}")


@pytest.fixture(autouse=True)
def pseudo_rep(slack: SlackHarness) -> None:
    slack.standin.add_user(REP, locale=PSEUDO)


async def shown(slack: SlackHarness, line: str) -> list[str]:
    answer = await slack.command(line, user=REP)
    assert answer.status == 200, (line, answer.body)
    return list(shown_texts(answer.body))


def english_in(texts: list[str], *, typed: tuple[str, ...] = ()) -> dict[str, Any]:
    """Each text's English: prose outside the translated spans and the code spans, words put
    into a translated sentence untranslated, and placeholders left in English in the usages
    (which are code spans); `typed`: what the user typed, quoted back as typed."""
    found: dict[str, Any] = {}
    for text in texts:
        usages = [m.group(1) for line in text.splitlines() if (m := _USAGE_SPAN.match(line))]
        words = untranslated_words(text, data=typed, allowed=ALLOWED)
        words += [w for u in usages for w in _ENGLISH_PLACEHOLDER.findall(html.unescape(u))]
        if words:
            found[text] = words
    return found


@pytest.mark.parametrize("line", ["help", "yardım", "help advance", "yardım ilerlet"])
async def test_help_is_in_the_askers_language(slack: SlackHarness, line: str) -> None:
    texts = await shown(slack, line)

    assert texts and english_in(texts) == {}
    usages = [u for text in texts for u in _USAGE_SPAN.findall(text)]
    assert usages and all("⟦" in u for u in usages if "[" in u or "&lt;" in u), usages


async def test_every_commands_help_is_translated(slack: SlackHarness) -> None:
    for spec in COMMANDS:
        texts = await shown(slack, f"help {spec.name}")

        assert english_in(texts) == {}, spec.name


@pytest.mark.parametrize(
    "line", ["lose", "objection #1", "frobnicate", "help frobnicate", "nurture #1 someday"]
)
async def test_a_refused_command_is_in_the_askers_language(slack: SlackHarness, line: str) -> None:
    texts = await shown(slack, line)

    usage = next(text for text in texts if "/deal" in text)
    typed = tuple(f"'{word}'" for word in line.split())
    assert english_in([html.unescape(t) for t in texts], typed=typed) == {}, texts
    assert not _ENGLISH_PLACEHOLDER.findall(html.unescape(usage)), usage

"""A Turkish week: a rep, a manager and an admin whose Slack language is Turkish (tr-TR), in
a workspace on the Turkish map (default-tr), through the whole deal flow, the tour and quiz,
App Home and a digest. No English reaches them: no word of the interface's English source
appears in anything they were shown, outside the commands they type."""

from __future__ import annotations

import re

import pytest

from flows.loader import load_shipped
from tests.i18n.english import english_words, words
from tests.i18n.said import map_texts, shown_texts
from tests.i18n.scenario import PEOPLE, a_week
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN

TURKISH_MAP = "default-tr"
NAMES = {"Acme Corp", "Globex", "Initech", "50k budget"}
TYPED = {  # what people typed, echoed back as typed (English on purpose: it must pass through)
    "the price is too high", "budget cut", "no budget at all", "the buyer signed early",
    "the demo stage needs a security review item", "frobnicate", "banana", "someday",
    "no such deal", "parsecs", "price",
}  # fmt: skip
# Mentions, links, code, commands, and currency codes (ISO 4217: "TRY" is no English word).
_CODE = re.compile(r"<[@#!][^>]*>|<https?://[^>]*>|`[^`]*`|/deal(?: [a-z_-]+)?|\b[A-Z]{3}\b")


@pytest.fixture
async def turkish_workspace(slack: SlackHarness) -> None:
    for person in PEOPLE:
        slack.standin.add_user(person, locale="tr-TR")
    chosen = await slack.command(f"settings map {TURKISH_MAP}", user=ADMIN)
    assert chosen.status == 200


def english_in(text: str, *, data: set[str], english: frozenset[str]) -> set[str]:
    for known in sorted(data, key=len, reverse=True):
        text = text.replace(known, " ")
    return words(_CODE.sub(" ", text)) & english


@pytest.mark.usefixtures("turkish_workspace")
async def test_no_english_reaches_a_turkish_user(slack: SlackHarness) -> None:
    answers = await a_week(slack)
    turkish_map = load_shipped(TURKISH_MAP)
    data = map_texts(turkish_map) | NAMES | TYPED
    english = english_words(frozenset(w for text in map_texts(turkish_map) for w in words(text)))
    shown = [*shown_texts(answers), *shown_texts([c.args for c in slack.standin.calls()])]
    leaks = {
        text: found for text in shown if (found := english_in(text, data=data, english=english))
    }
    assert not leaks, "\n".join(f"{sorted(found)}: {text!r}" for text, found in leaks.items())
    assert slack.standin.violations == []

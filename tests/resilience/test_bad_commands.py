"""A sweep of `/deal` command text: arbitrary unicode, huge strings, mentions, quotes, `#ids`
and amounts, from the owner, an admin, a rep who owns nothing, another workspace, and ids
Slack never sends.

Every request is answered 200 with a clear ephemeral reply that Slack would show (or 400 for
a NUL character, which Slack never sends); none is a 500, an apology for our side, or a
traceback; a refusal changes nothing at all, and nobody but the owner or an admin ever
changes the owner's deal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import COMMANDS
from storage.models import EventKind
from tests.resilience.answers import NO_ACTOR, assert_no_leak, assert_not_sorry, is_refusal
from tests.resilience.conftest import ADMIN, INTRUDER, OTHER_OWNER, OTHER_TEAM, OWNER, Seeded
from tests.resilience.snapshots import Row, Snapshot, changed_tables, rows, snapshot
from tests.resilience.sweep import sweep
from tests.support.harness import SlackHarness

SUBCOMMANDS = [spec.name for spec in COMMANDS]
MENTIONS = ["<@U0OWNER01>", "<@U0INTRUDER|intruder>", "<@W0ABC>", "@nobody", "<@>", "<@u0lower>"]
MENTIONS += ["<#C0GENERAL|general>", "<!here>", "<@U0OWNER01|a|b>", "<@" + "U" * 300 + ">"]
AMOUNTS = ["50k", "$1.2m", "-5k", "0", "1e9", "€0.5", "99999999999999999999", "1,000,000 EUR"]
AMOUNTS += ["5O0k", "¥", "₺3", "1.2.3m", "NaN", "inf", "٣٠k", "50k USD EUR"]
QUOTES = ['"', "'", '1="budget', '2="x y"', "“smart”", "1=", '=""', "''", '"\\"']
ODD_DIGITS = ["²", "٣", "𝟗", "①", "߉", "໓"]  # isdigit() but not all of them int()-able
HUGE_CHARS = ["x", "é", "#", "9", " ", "𝟗", "<", "&", "\u200b", "\x00"]


def huge() -> st.SearchStrategy[str]:
    return st.builds(
        lambda char, size: char * size, st.sampled_from(HUGE_CHARS), st.integers(3000, 40_000)
    )


SEEDED_IDS = [1, 2]  # Acme Corp and Globex, in a fresh database


def deal_refs() -> st.SearchStrategy[str]:
    numbers = st.one_of(st.sampled_from(SEEDED_IDS), st.integers(-5, 2**70))
    return st.one_of(
        numbers.map(lambda n: f"#{n}"),
        st.sampled_from(ODD_DIGITS).map(lambda d: f"#{d}"),
        st.sampled_from(ODD_DIGITS),
        st.sampled_from(["#", "##1", "#1#", "#-1", "# 1", "#0", "#1.5", "#0x1f"]),
    )


WORDS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(MENTIONS + AMOUNTS + QUOTES + SUBCOMMANDS),
    deal_refs(),
    st.integers(-3, 12).map(str),
    st.sampled_from(["acme", "ACME corp", "glob", "Chose a competitor", "3m", "2020-01-01"]),
    st.sampled_from(["A\x00B", "\x00", "\x1b[31m", "\ufeff", "\u202e", "ﬀ", "İ"]),
)
COMMAND_TEXT = st.one_of(
    st.builds(
        lambda name, words, sep: f"{name} {sep.join(words)}",
        st.sampled_from(SUBCOMMANDS),
        st.lists(WORDS, max_size=6),
        st.sampled_from([" ", "  ", "\t", "\n", ",", ""]),
    ),
    st.builds(lambda name, big: f"{name} {big}", st.sampled_from(SUBCOMMANDS), huge()),
    st.text(max_size=200),
    huge(),
)
LONG_ID = "U" + "0" * 40  # not a Slack user id: longer than any column that keeps one
ACTORS = st.sampled_from(
    [
        (OWNER, None),
        (ADMIN, None),
        (INTRUDER, None),
        (OTHER_OWNER, OTHER_TEAM),
        (LONG_ID, None),
        (INTRUDER, "T" + "0" * 40),
    ]
)


def owners_deal(state: Snapshot, deal_id: int) -> tuple[list[Row], ...]:
    """The owner's deal, its ticks and its history but objections (anyone may note one)."""
    events = rows(state, "deal_event", deal_id=deal_id)
    return (
        rows(state, "deal", id=deal_id),
        rows(state, "exit_tick", deal_id=deal_id),
        [event for event in events if event["kind"] != EventKind.OBJECTION],
    )


@sweep(default_examples=100)
@given(text=COMMAND_TEXT, actor=ACTORS)
async def test_any_command_text_gets_a_clear_answer_and_changes_only_what_it_may(
    slack: SlackHarness, seeded: Seeded, text: str, actor: tuple[str, str | None]
) -> None:
    user, team = actor
    before = await snapshot(slack.services.db)
    violations, calls = len(slack.standin.violations), len(slack.standin.calls())

    answer = await slack.command(text, user=user, team=team)

    after = await snapshot(slack.services.db)
    if answer.status == 400:  # only what Slack never sends is refused outright: a NUL
        assert "\x00" in text, answer.body
        assert changed_tables(before, after) == {}
        return
    assert answer.status == 200, (answer.status, answer.body)
    assert slack.standin.violations[violations:] == [], (
        f"Slack would not show this reply to {text[:80]!r}"
    )
    if answer.body:  # an empty acknowledgement: a modal opens after it
        # plain text is a valid acknowledgement too: Slack shows it privately
        reply = answer.body if isinstance(answer.body, dict) else {"text": answer.body}
        assert reply.get("response_type", "ephemeral") == "ephemeral"
        assert str(reply.get("text") or "").strip(), "a reply needs a text"
        assert_no_leak(reply, sent=text)
        assert_not_sorry(reply, sent=text)
        if is_refusal(reply):
            assert changed_tables(before, after) == {}, f"refused, yet it changed: {reply['text']}"
    if user != OWNER and user != ADMIN:
        assert owners_deal(after, seeded.deal_id) == owners_deal(before, seeded.deal_id)
    for call in slack.standin.calls()[calls:]:  # what reached Slack after the acknowledgement
        assert_no_leak(call.args, sent=text)


@pytest.mark.parametrize(
    ("user", "team"),
    [
        (LONG_ID, "T0TEAM001"),
        (INTRUDER, "T" + "0" * 40),
        ("", "T0TEAM001"),
        ("U0\x01X", "T0TEAM001"),
    ],
    ids=["long user id", "long team id", "empty user id", "control character"],
)
async def test_ids_slack_never_sends_get_a_clear_refusal_on_every_database(
    slack: SlackHarness, seeded: Seeded, user: str, team: str
) -> None:
    """SQLite would keep a 41-character id in a 32-character column; PostgreSQL refuses it.
    Either way the answer is the same clear refusal, and nothing is written."""
    before = await snapshot(slack.services.db)
    answer = await slack.command("new Initech 10k", user=user, team=team)
    assert answer.status == 200
    assert str(answer.body).startswith(NO_ACTOR), answer.body  # a plain-text acknowledgement
    assert changed_tables(before, await snapshot(slack.services.db)) == {}

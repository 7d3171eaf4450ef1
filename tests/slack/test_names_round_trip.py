"""A deal's name reads as it was typed, wherever it was typed and wherever it is shown.

Slack escapes `&`, `<` and `>` in a command's text and sends mentions and broadcasts as
markup (`<@U0DANA|dana>`, `<!here>`); a modal's field and a CRM export carry the text
as typed. Generated names mix all of it (and Turkish letters, emoji, quotes, and text
that merely looks like an entity or like markup) and go in by command, by modal and by
import: each is stored as typed, found again by the same name typed as a command, shown
in the card and the list as typed, and never becomes a broadcast in anything sent.

Slack's side of the escaping is written here on its own (`as_slack_sends`), not taken
from the app, so that the app's decoding is checked against Slack's rule, not itself."""

from __future__ import annotations

import csv
import io
import itertools
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from bot.history.importing import import_history
from bot.slack_standin.records import JsonDict
from bot.views.ids import BlockId, CallbackId
from storage.models import Deal, DealEvent
from tests.resilience.sweep import sweep
from tests.support.harness import SlackHarness
from tests.support.known_history import HEADER
from tests.support.slack import REP

DANA = "U0DANA"
LETTERS = "abcXYZ09&<>\"'çğıİöşüŞĞ€🚀;#!"
TRICKY_WORDS = ["@dana", "@here", "&amp;", "&lt;b&gt;", "<!here>", "<@U0DANA>", "R&D", "<EU>"]
BROADCAST = re.compile(r"<!(here|channel|everyone)\b")
_teams = itertools.count(1)


def as_slack_sends(typed: str) -> str:
    """What Slack puts in a slash command's `text` for what was typed (escaping on, as the
    manifest asks): the three characters escaped, whole-word mentions linked."""
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    linked = {"@dana": f"<@{DANA}|dana>", "@here": "<!here>"}
    return " ".join(linked.get(word, word) for word in escaped.split(" "))


def escaped(text: str) -> str:
    """How mrkdwn must carry text to show it as it is."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _usable(name: str) -> bool:
    """Names the grammar reads otherwise are left out: `#12` first names deal 12, a
    mention last names the owner, one word starting like an amount is refused as one in
    the form, and a quote that opens the name quotes it (docs/written-values.md)."""
    words = name.split(" ")
    amount_like = len(words) == 1 and re.match(r"-?[$€£¥₺]?\d", name)
    quoted = name[0] in "\"'"
    return not (
        re.fullmatch(r"#?\d+", words[0])
        or words[-1] in ("@dana", "<@U0DANA>")
        or amount_like
        or quoted
    )


WORDS = st.one_of(
    st.text(alphabet=LETTERS, min_size=1, max_size=6).filter(lambda w: w.strip() == w),
    st.sampled_from(TRICKY_WORDS),
)
NAMES = st.lists(WORDS, min_size=1, max_size=4).map(" ".join).filter(_usable)
HOW = st.sampled_from(["command", "modal", "import"])


async def create(slack: SlackHarness, how: str, name: str, team: str) -> None:
    if how == "command":
        made = await slack.command(f"new {as_slack_sends(name)} 5000", user=REP, team=team)
        assert made.status == 200, made.body
    elif how == "modal":
        await slack.command("new", user=REP, team=team)
        view = slack.standin.last("views.open").args["view"]
        values = {BlockId.NAME: {BlockId.NAME: {"type": "plain_text_input", "value": name}}}
        submitted = await slack.submit(
            CallbackId.NEW_DEAL, view["private_metadata"], values, user=REP, team=team, view=view
        )
        assert submitted.status == 200 and not (submitted.body or {}).get("errors"), submitted
    else:
        out = io.StringIO()
        csv.writer(out).writerow(["X1", name, REP, "5000", "USD", "qualify", "2020-01-02", ""])
        report = await import_history(
            slack.services,
            team_id=team,
            lines=io.StringIO(f"{HEADER}\n{out.getvalue()}"),
            process_map=slack.services.catalog.current,
        )
        assert report.deals_created == 1, report


def mrkdwn_in(value: Any) -> list[str]:
    """Every text Slack reads as mrkdwn: a message's `text` and every mrkdwn text object
    (plain_text shows `<!here>` as those characters: it is no broadcast there)."""
    if isinstance(value, list):
        return [text for item in value for text in mrkdwn_in(item)]
    if not isinstance(value, dict):
        return []
    own = (
        [value["text"]]
        if isinstance(value.get("text"), str) and value.get("type") != "plain_text"
        else []
    )
    return own + [text for item in value.values() for text in mrkdwn_in(item)]


def header_of(message: JsonDict) -> str:
    return next(b["text"]["text"] for b in message["blocks"] if b["type"] == "header")


@sweep(default_examples=30)
@given(name=NAMES, how=HOW)
async def test_a_name_reads_as_typed_wherever_it_went_in(
    slack: SlackHarness, name: str, how: str
) -> None:
    team = f"T0NAME{next(_teams)}"
    slack.standin.reset()
    await create(slack, how, name, team)
    async with slack.services.db.read() as session:
        stored = (await session.exec(select(Deal).where(Deal.team_id == team))).one()
    assert stored.name == name.replace("<@U0DANA>", "@U0DANA")

    shown = await slack.command(f"show {as_slack_sends(stored.name)}", user=REP, team=team)
    card = shown.json
    assert header_of(card).startswith(f"{stored.name} · "), card  # plain text: as typed
    assert escaped(stored.name) in card["text"]  # the fallback text, mrkdwn: escaped once

    listed = (await slack.command("list", user=REP, team=team)).json
    assert any(f"*{escaped(stored.name)}*" in text for text in mrkdwn_in(listed["blocks"]))
    assert escaped(stored.name) in listed["text"]

    sent = [card, listed, *(call.args for call in slack.standin.calls())]
    leaks = [text for text in mrkdwn_in(sent) if BROADCAST.search(text)]
    assert not leaks, leaks


TYPED = 'AT&T <EU> said "ok" &amp; @dana @here — çok iyi 🚀'
READS = 'AT&T <EU> said "ok" &amp; @dana @here — çok iyi 🚀'  # the mention reads as a name


async def reasons(slack: SlackHarness) -> list[str | None]:
    async with slack.services.db.read() as session:
        events = (await session.exec(select(DealEvent).order_by(DealEvent.id))).all()
    return [event.reason for event in events if event.reason]


async def test_free_text_is_stored_as_typed_and_shown_escaped_once(slack: SlackHarness) -> None:
    await slack.command("new Zeta Labs 5000", user=REP)
    objection = await slack.command(f"objection {as_slack_sends(TYPED)}", user=REP)
    lost = await slack.command(f"disqualify {as_slack_sends(TYPED)}", user=REP)
    assert await reasons(slack) == [READS, READS], lost.json["text"]
    for answer in (objection, lost):
        assert not [text for text in mrkdwn_in(answer.json) if BROADCAST.search(text)]
        assert "&amp;amp;amp;" not in str(answer.json)  # typed `&amp;` is escaped once: `&amp;amp;`
    history = await slack.command("history Zeta", user=REP)
    assert any(escaped(READS) in text for text in mrkdwn_in(history.json["blocks"])), history.json


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("help new", "&lt;name&gt;"),  # a usage's placeholder is text, not a link
        ("help", "&lt;name&gt;"),
        ("<!here> & <b>", "'@here' is not a /deal command"),  # an echo, never a ping
        ("list stage <b>", "&lt;b&gt;"),
    ],
)
async def test_help_and_parse_errors_show_brackets_as_text(
    slack: SlackHarness, typed: str, shown: str
) -> None:
    wire = as_slack_sends(typed).replace("&lt;!here&gt;", "<!here>")
    answer = (await slack.command(wire, user=REP)).json
    texts = mrkdwn_in(answer["blocks"])
    assert any(shown in text for text in texts), texts
    assert not [text for text in mrkdwn_in(answer) if BROADCAST.search(text)]
    assert not [text for text in texts if re.search(r"<(?![@#!]|https?:)", text)], texts

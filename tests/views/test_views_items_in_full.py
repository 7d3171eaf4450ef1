"""Items and values longer than a checkbox holds (Slack: 75 characters for an option's text
and for its description) are written out whole under the boxes, on the full card and on
the reply to a change, and neither ever breaks one of Slack's limits (generated cases)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.outcomes import TickInfo
from bot.views.card import change_card, stage_card
from bot.views.mrkdwn import escape
from bot.views.text import render_text
from flows.schema import ExitItem
from tests.support.views import NOW, make_card, message_problems

CARD = make_card(stage="qualify")
# Of any length up to 300 (a length drawn first: left to itself, hypothesis keeps text short)
WORDS = (
    st.integers(min_value=1, max_value=300)
    .flatmap(lambda n: st.text(alphabet="abcdefgh &<>'", min_size=n, max_size=n))
    .map(str.strip)
    .filter(bool)
)


@st.composite
def long_items(draw: st.DrawFn) -> tuple[list[ExitItem], dict[str, str]]:
    """1 to 10 items of any length, some asking for evidence, some with a value recorded."""
    texts = draw(st.lists(WORDS, min_size=1, max_size=10))
    items, values = [], {}
    for number, text in enumerate(texts, start=1):
        asks = draw(st.booleans())
        items.append(ExitItem(id=f"item_{number}", text=text, evidence="Proof" if asks else None))
        if asks and draw(st.booleans()):
            values[f"item_{number}"] = draw(WORDS)
    return items, values


@settings(max_examples=60, deadline=None)
@given(long_items())
def test_every_item_and_value_can_be_read_whole_within_slacks_limits(
    drawn: tuple[list[ExitItem], dict[str, str]],
) -> None:
    items, values = drawn
    stage = CARD.stage.model_copy(update={"exit": items})
    ticks = {
        item_id: TickInfo(by=CARD.owner_id, at=NOW, evidence=v) for item_id, v in values.items()
    }
    card = dataclasses.replace(CARD, stage=stage, ticked=ticks)

    for message in (stage_card(card), change_card(card, notice="✅ Ticked 1.")):
        assert message_problems(message) == []
        shown = render_text(message.blocks)
        lines = [f"{n}. {item.text}" for n, item in enumerate(items, start=1)]
        notes = [f"Proof: {value}" for value in values.values()]
        # What one context line holds (3,000 characters as sent: "<" is sent as "&lt;")
        if sum(len(escape(line)) + 1 for line in lines + notes) < 2900:
            for line in lines + notes:
                assert line in shown, (line, shown)

"""A deal room's channel name (bot.deals.room_names) is one Slack takes, whatever the
deal is called: checked against the stand-in's copy of Slack's rules and against them
written out here."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.deals.room_names import TRIES, room_name, room_names
from bot.slack_standin.conversation_methods import name_error

SLACK_NAME = re.compile(r"[a-z0-9_-]{1,80}")


@given(
    name=st.text(min_size=0, max_size=300),
    deal_id=st.integers(min_value=1, max_value=10**12),
    attempt=st.integers(min_value=1, max_value=TRIES),
)
@example(name="🚀🔥💰", deal_id=7, attempt=1)
@example(name="İSTANBUL Işık Ağaç Şirketi", deal_id=1, attempt=3)
@example(name="!!!---???...", deal_id=42, attempt=1)
@example(name="_" * 200, deal_id=42, attempt=5)
@example(name="a" * 300, deal_id=10**12, attempt=5)
@example(name="北京 Ltd.", deal_id=3, attempt=2)
def test_every_name_is_one_slack_takes(name: str, deal_id: int, attempt: int) -> None:
    room = room_name(name, deal_id, attempt)

    assert SLACK_NAME.fullmatch(room), room
    assert room.strip("-_"), room  # not only punctuation
    assert name_error(room) is None
    assert room.startswith("deal-")


@given(name=st.text(max_size=200), deal_id=st.integers(min_value=1, max_value=10**9))
def test_the_names_tried_are_all_different(name: str, deal_id: int) -> None:
    names = room_names(name, deal_id)

    assert len(set(names)) == len(names) == TRIES
    assert all(tried.endswith(f"-{n}") for n, tried in enumerate(names[1:], start=2))


@pytest.mark.parametrize(
    ("deal", "room"),
    [
        ("Acme Corp", "deal-acme-corp"),
        ("Müşteri Görüşmesi", "deal-musteri-gorusmesi"),
        ("IŞIK İnşaat", "deal-isik-insaat"),
        ("Crème Brûlée & Co.", "deal-creme-brulee-co"),
        ("Straße 5", "deal-strasse-5"),
        ("🚀🚀", "deal-12"),
        ("---", "deal-12"),
        ("snake_case deal", "deal-snake_case-deal"),
    ],
)
def test_names_read_as_the_deal(deal: str, room: str) -> None:
    assert room_name(deal, 12) == room

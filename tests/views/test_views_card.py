"""The stage card: within Slack's limits for every stage of both shipped maps, buttons
derived from the flow, the checklist as one numbered checkbox group, strict menu values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from bot.views.card import parse_overflow_value, stage_card
from bot.views.ids import ActionId, BlockId, DealRef, parse_checklist_block_id
from bot.views.message import Message
from bot.views.more_menu import menu_transitions
from flows.loader import load_shipped
from flows.machine import REOPEN_PREFIX, Move, Transition
from tests.support.views import (
    block_texts,
    done_card,
    elements_of,
    every_stage,
    make_card,
    message_problems,
)

STAGES = list(every_stage())


def _by_action(message: Message, action_id: str) -> list[dict[str, Any]]:
    return [e for e in elements_of(message) if e.get("action_id") == action_id]


def _block(message: Message, block_id: str) -> dict[str, Any]:
    return next(b for b in message.to_dict()["blocks"] if b.get("block_id") == block_id)


@pytest.mark.parametrize(("map_id", "stage"), STAGES)
def test_every_stage_renders_within_slack_limits(map_id: str, stage: str) -> None:
    for card in (make_card(map_id=map_id, stage=stage), done_card(map_id=map_id, stage=stage)):
        message = stage_card(card, notice="✅ Moved from A to B", highlight=card.missing)
        assert message_problems(message) == []
        assert len(message.blocks) <= 50
        assert card.stage.name in message.text


@pytest.mark.parametrize(("map_id", "stage"), STAGES)
def test_buttons_are_the_moves_the_flow_allows(map_id: str, stage: str) -> None:
    card = make_card(map_id=map_id, stage=stage)
    message = stage_card(card)
    actions = _block(message, BlockId.CARD_ACTIONS)["elements"]
    shown = [e["action_id"] for e in actions]
    assert (ActionId.ADVANCE in shown) == (card.move(Move.ADVANCE) is not None)
    assert (ActionId.PLAYBOOK in shown) == bool(card.stage.playbook)
    assert ActionId.HISTORY in shown
    menu = _by_action(message, ActionId.MORE)
    offered = [parse_overflow_value(o["value"]) for o in menu[0]["options"]] if menu else []
    expected = [t for t in card.moves if t.move not in (Move.ADVANCE, Move.OVERRIDE)]
    expected += [t for t in card.moves if t.move is Move.OVERRIDE and card.missing]
    assert offered == [(t.trigger, DealRef(deal_id=42, stage=stage)) for t in expected]


def test_advance_carries_the_deal_and_the_stage_seen() -> None:
    message = stage_card(make_card(stage="proposal"))
    (advance,) = _by_action(message, ActionId.ADVANCE)
    assert advance["style"] == "primary"
    assert DealRef.loads(advance["value"]) == DealRef(deal_id=42, stage="proposal")


def test_override_is_offered_only_while_items_are_open() -> None:
    labels = [
        o["text"]["text"]
        for o in _by_action(stage_card(make_card(stage="demo")), ActionId.MORE)[0]["options"]
    ]
    assert labels == ["Mark as lost", "Disqualify", "Nurture (not now)", "Override gate (managers)"]
    done = _by_action(stage_card(done_card(stage="demo")), ActionId.MORE)[0]["options"]
    assert "override|42|demo" not in [o["value"] for o in done]


def test_the_last_stage_has_no_advance_and_no_menu() -> None:
    message = stage_card(make_card(stage="onboarding"))
    assert _by_action(message, ActionId.ADVANCE) == []
    assert _by_action(message, ActionId.MORE) == []


def test_checklist_is_one_numbered_checkbox_group() -> None:
    card = make_card(stage="qualify", ticked=["icp_fit", "budget"], evidence={"budget": "50-80k"})
    message = stage_card(card)
    (boxes,) = _by_action(message, ActionId.EXIT_ITEMS)
    assert boxes["type"] == "checkboxes"
    options = boxes["options"]
    assert [o["value"] for o in options] == [item.id for item in card.stage.exit]
    assert options[0]["text"]["text"].startswith("1. Confirm the company matches")
    assert [o["value"] for o in boxes["initial_options"]] == ["icp_fit", "budget"]
    notes = {o["value"]: o.get("description", {}).get("text") for o in options}
    assert notes == {
        "icp_fit": None,
        "problem": "needed: The problem, as the buyer stated it",
        "budget": "Budget range: 50-80k",
        "timeline": "optional · needed: Target date",
        "discovery_booked": "needed: Discovery meeting date",
    }
    assert all(len(o["text"]["text"]) <= 75 for o in options)


def test_a_persons_evidence_shows_their_name_and_other_values_stay_text() -> None:
    """A checkbox's line is plain text, which shows a mention as `<@U…>`: a person's
    evidence goes as mrkdwn (Slack shows the name), with the rest escaped; every other
    value stays plain text, `<` and `&` included."""
    card = make_card(
        map_id="extended",
        stage="mql",
        ticked=["routed", "sales_accepted"],
        evidence={"routed": "<@U0SDR0001>", "sales_accepted": "<b> 09:30 & USA"},
    )
    (boxes,) = _by_action(stage_card(card), ActionId.EXIT_ITEMS)
    notes = {o["value"]: o.get("description") for o in boxes["options"]}
    assert notes["routed"] == {"type": "mrkdwn", "text": "SDR assigned: <@U0SDR0001>"}
    assert notes["sales_accepted"] == {
        "type": "plain_text",
        "text": "optional · Acceptance date and time: <b> 09:30 & USA",
    }


def test_a_long_note_before_a_mention_is_clipped_once_escaped() -> None:
    """Slack counts the mrkdwn as sent: `&` is five characters there (`&amp;`)."""
    stage = load_shipped("extended").stage("mql")
    item = stage.item("routed")
    assert item is not None and item.evidence is not None
    long_prompt = item.evidence.model_copy(update={"prompt": "R&D " * 30})
    items = [i.model_copy(update={"evidence": long_prompt}) if i is item else i for i in stage.exit]
    card = make_card(
        map_id="extended", stage="mql", ticked=["routed"], evidence={"routed": "<@U0SDR0001>"}
    )
    card = dataclasses.replace(card, stage=stage.model_copy(update={"exit": items}))
    (boxes,) = _by_action(stage_card(card), ActionId.EXIT_ITEMS)
    (note,) = [o["description"] for o in boxes["options"] if o["value"] == "routed"]
    assert note["type"] == "mrkdwn" and note["text"].endswith("…<@U0SDR0001>")
    assert len(note["text"]) <= 75 and "&amp;" in note["text"]
    assert "&" not in note["text"].replace("&amp;", "")


def test_the_checklist_block_names_its_deal() -> None:
    """A checkbox click carries no button value, and no message when the card is ephemeral."""
    message = stage_card(make_card(stage="demo"))
    (block,) = [b for b in message.to_dict()["blocks"] if _has(b, ActionId.EXIT_ITEMS)]
    assert parse_checklist_block_id(block["block_id"]) == DealRef(deal_id=42, stage="demo")


def _has(block: dict[str, Any], action_id: str) -> bool:
    return any(e.get("action_id") == action_id for e in block.get("elements", []))


def test_add_evidence_shows_only_when_an_item_asks_for_it() -> None:
    assert _by_action(stage_card(make_card(stage="qualify")), ActionId.EVIDENCE)
    card = make_card(stage="qualify")
    plain = [item.model_copy(update={"evidence": None}) for item in card.stage.exit]
    no_evidence = dataclasses.replace(card, stage=card.stage.model_copy(update={"exit": plain}))
    assert _by_action(stage_card(no_evidence), ActionId.EVIDENCE) == []
    assert _by_action(stage_card(no_evidence), ActionId.EXIT_ITEMS)


def test_facts_show_amount_owner_team_and_flags() -> None:
    card = make_card(stage="qualify", amount=20_000, currency="EUR", days_in_stage=9, idle_days=4)
    texts = block_texts(stage_card(card).to_dict()["blocks"])
    assert "*Amount*\n€20,000" in texts
    assert "*Owner*\n<@U0REP0001>" in texts
    assert "*Stage owner*\nSales (SDR)" in texts
    (days,) = [t for t in texts if t.startswith("*In stage*")]
    assert "9 days" in days and ":rotating_light:" in days and ":zzz:" in days


def test_fallback_text_says_where_the_deal_is() -> None:
    card = make_card(stage="qualify", ticked=["icp_fit"])
    assert stage_card(card).text == "Acme Corp is in Qualification: 3 of 4 required items open"
    noticed = stage_card(card, notice="✅ Ticked 1")
    assert noticed.text.startswith("✅ Ticked 1 — Acme Corp is in Qualification")


def test_context_names_the_deal_the_map_and_the_next_stage() -> None:
    texts = block_texts(stage_card(make_card(stage="discovery")).to_dict()["blocks"])
    assert "Deal #42 · B2B sales process (compact) v1 · next: Solution demo" in texts


def test_buyer_journey_shows_when_the_map_has_it() -> None:
    texts = block_texts(stage_card(make_card(stage="discovery")).to_dict()["blocks"])
    assert "Buyer: consideration" in texts
    assert any(t.startswith("Moves them on: The buyer agrees") for t in texts)
    assert any(t.startswith("Stalls them: Only one contact") for t in texts)


def test_side_stages_show_status_date_and_where_they_reopen() -> None:
    card = make_card(stage="nurture", nurture_until=dt.date(2026, 6, 1))
    message = stage_card(card)
    texts = block_texts(message.to_dict()["blocks"])
    (status,) = [t for t in texts if t.startswith(":seedling:")]
    assert "*In nurture*" in status and "Re-engage on 1 Jun 2026" in status
    assert "Can be reopened to: Qualification, Discovery, Solution demo, Proposal" in status
    labels = [o["text"]["text"] for o in _by_action(message, ActionId.MORE)[0]["options"]]
    assert labels[0] == "Reopen to Qualification"


def test_highlight_lists_exactly_the_items_given() -> None:
    card = make_card(stage="qualify", ticked=["icp_fit", "budget"])
    message = stage_card(card, highlight=card.missing)
    (warning,) = [t for t in block_texts(message.to_dict()["blocks"]) if t.startswith(":warning:")]
    assert warning.splitlines()[1:] == [
        "2. Record the business problem the buyer wants solved, in their words",
        "3. Confirm that a budget exists or can be created this fiscal year",
        "5. Book a discovery meeting between the buyer and the Account Executive",
    ]


def test_what_people_typed_stays_text() -> None:
    card = make_card(name="R&D <Group>", company="<!here> & co")
    texts = block_texts(stage_card(card, notice="Moved *now*").to_dict()["blocks"])
    assert "*Company*\n&lt;!here&gt; &amp; co" in texts
    assert "Moved *now*" in texts  # a notice is escaped, not formatted: * is harmless
    assert stage_card(card).blocks[0].to_dict()["text"]["text"] == "R&D <Group> · Discovery"


# -- the More menu --------------------------------------------------------------------------


@pytest.mark.parametrize(("map_id", "stage"), STAGES)
def test_menu_values_round_trip(map_id: str, stage: str) -> None:
    card = make_card(map_id=map_id, stage=stage, deal_id=123456789)
    for element in _by_action(stage_card(card), ActionId.MORE):
        for option in element["options"]:
            trigger, ref = parse_overflow_value(option["value"]) or ("", None)
            assert ref == DealRef(deal_id=123456789, stage=stage)
            assert any(t.trigger == trigger for t in card.moves)
            assert len(option["value"]) <= 75


@pytest.mark.parametrize(
    "forged",
    [
        None,
        42,
        "",
        "lose",
        "lose|42",
        "lose|42|proposal|x",
        "lose|0|proposal",
        "lose|-4|proposal",
        "lose|042|proposal",
        "lose|4.2|proposal",
        "lose|99999999999999999999|proposal",
        "advance|42|proposal",
        "drop_table|42|proposal",
        "LOSE|42|proposal",
        "lose|42|Proposal",
        "lose|42|proposal\n",
        " lose|42|proposal",
        "reopen:|42|lost",
        "reopen:Demo|42|lost",
        '{"deal_id":42,"stage":"proposal"}',
        "lose|42|" + "p" * 200,
    ],
)
def test_forged_or_garbled_menu_values_are_refused(forged: object) -> None:
    assert parse_overflow_value(forged) is None


def test_menu_values_parse_to_trigger_and_reference() -> None:
    assert parse_overflow_value("lose|42|proposal") == ("lose", DealRef(42, "proposal"))
    assert parse_overflow_value(f"{REOPEN_PREFIX}demo|7|lost") == (
        "reopen:demo",
        DealRef(7, "lost"),
    )


def test_more_moves_than_an_overflow_holds_become_a_select() -> None:
    card = make_card(map_id="extended", stage="nurture")
    assert len(menu_transitions(card)) == 5
    assert _by_action(stage_card(card), ActionId.MORE)[0]["type"] == "overflow"
    extra = Transition(f"{REOPEN_PREFIX}verbal", Move.REOPEN, "nurture", "verbal")
    bigger = dataclasses.replace(card, moves=[*card.moves, extra])
    (menu,) = _by_action(stage_card(bigger), ActionId.MORE)
    assert menu["type"] == "static_select" and len(menu["options"]) == 6
    assert message_problems(stage_card(bigger)) == []


def test_stage_names_from_the_map_label_reopen_options() -> None:
    process_map = load_shipped("default")
    card = make_card(stage="lost")
    labels = [o["text"]["text"] for o in _by_action(stage_card(card), ActionId.MORE)[0]["options"]]
    assert labels == [
        f"Reopen to {process_map.stage(dest).name}" for dest in process_map.stage("lost").reopen
    ]

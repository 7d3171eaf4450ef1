"""Modals: within Slack's limits for every move of every stage, and readers that turn a
submitted `view.state.values` back into plain values without ever raising."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.views.ids import BlockId, CallbackId
from bot.views.modal_state import BranchAnswers, NewDealAnswers, read_input
from bot.views.modals import (
    branch_modal,
    evidence_modal,
    new_deal_modal,
    read_branch,
    read_evidence,
    read_new_deal,
)
from bot.views.text import render_view
from flows.i18n import PSEUDO, pseudo, using_locale
from flows.machine import Move
from tests.support.views import every_stage, make_card, view_problems

META = '{"deal_id":42,"stage":"proposal","move":"lose"}'
PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "slack" / "payloads"
CALLBACKS = {
    Move.LOSE: CallbackId.LOSE,
    Move.DISQUALIFY: CallbackId.DISQUALIFY,
    Move.NURTURE: CallbackId.NURTURE,
    Move.REOPEN: CallbackId.REOPEN,
    Move.OVERRIDE: CallbackId.OVERRIDE,
}


def submitted(view: View, answers: Mapping[str, str | None]) -> dict[str, Any]:
    """The `view` payload Slack sends on submit: every input in `state.values`, answered
    as `answers` says (by block id), in the shapes of a real view_submission."""
    data = view.to_dict()
    values = {}
    for block in data["blocks"]:
        if block["type"] == "input":
            element, answer = block["element"], answers.get(block["block_id"])
            values[block["block_id"]] = {element["action_id"]: _state_entry(element, answer)}
    return {**data, "state": {"values": values}}


def _state_entry(element: dict[str, Any], answer: str | None) -> dict[str, Any]:
    kind = element["type"]
    if kind == "static_select":
        chosen = next((o for o in element["options"] if o["value"] == answer), None)
        return {"type": kind, "selected_option": chosen}
    if kind == "datepicker":
        return {"type": kind, "selected_date": answer}
    return {"type": kind, "value": answer}


def _inputs(view: View) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view.to_dict()["blocks"] if b["type"] == "input"}


# -- within limits ----------------------------------------------------------------------------


@pytest.mark.parametrize(("map_id", "stage"), list(every_stage()))
def test_every_branch_modal_is_within_slack_limits(map_id: str, stage: str) -> None:
    card = make_card(map_id=map_id, stage=stage)
    moves = {t.move for t in card.moves} - {Move.ADVANCE}
    for move in moves:
        view = branch_modal(card, move, private_metadata=META)
        assert view_problems(view) == [], move
        assert view.callback_id == CALLBACKS[move]
        assert view.private_metadata == META
        assert view.title is not None and view.submit is not None
        assert len(view.title.text) <= 24
        for block_id, block in _inputs(view).items():
            assert block["element"]["action_id"] == block_id


@pytest.mark.parametrize(("map_id", "stage"), list(every_stage()))
def test_every_evidence_modal_is_within_slack_limits(map_id: str, stage: str) -> None:
    view = evidence_modal(make_card(map_id=map_id, stage=stage), private_metadata=META)
    assert view_problems(view) == []
    assert view.callback_id == CallbackId.EVIDENCE


def test_a_move_the_stage_does_not_allow_gets_a_note_not_a_form() -> None:
    card = make_card(stage="onboarding")
    view = branch_modal(card, Move.LOSE, private_metadata=META)
    assert view.submit is None and _inputs(view) == {}
    assert "where “Mark as lost” is not possible" in render_view(view)  # the menu's label
    with using_locale(PSEUDO):  # the label translated, never the move's typed value
        said = render_view(branch_modal(card, Move.LOSE, private_metadata=META))
    assert pseudo("Mark as lost") in said and "lose" not in said
    done = make_card(
        stage="qualify",
        ticked=["icp_fit", "problem", "budget", "discovery_booked"],
        evidence={"problem": "p", "budget": "b", "discovery_booked": "d"},
    )
    assert branch_modal(done, Move.OVERRIDE, private_metadata=META).submit is None


# -- each form, and reading it back -----------------------------------------------------------


def test_lose_offers_the_maps_reasons_and_reads_them_back() -> None:
    card = make_card(stage="proposal")
    view = branch_modal(card, Move.LOSE, private_metadata=META)
    inputs = _inputs(view)
    options = [o["value"] for o in inputs[BlockId.REASON]["element"]["options"]]
    assert options == card.process_map.lost_reasons
    assert inputs[BlockId.NOTE]["optional"] is True
    state = submitted(view, {BlockId.REASON: "Price too high", BlockId.NOTE: " 20% over budget "})
    assert read_branch(state["state"]["values"], Move.LOSE) == BranchAnswers(
        reason="Price too high", note="20% over budget"
    )


def test_disqualify_asks_for_a_reason() -> None:
    view = branch_modal(make_card(stage="qualify"), Move.DISQUALIFY, private_metadata=META)
    reason = _inputs(view)[BlockId.REASON]
    assert reason["optional"] is False and reason["element"]["multiline"] is True
    state = submitted(view, {BlockId.REASON: "Outside our market"})
    assert read_branch(state["state"]["values"], Move.DISQUALIFY).reason == "Outside our market"


def test_nurture_asks_for_a_date_and_an_optional_note() -> None:
    view = branch_modal(make_card(stage="demo"), Move.NURTURE, private_metadata=META)
    inputs = _inputs(view)
    assert inputs[BlockId.DATE]["element"]["type"] == "datepicker"
    assert inputs[BlockId.DATE]["optional"] is False and inputs[BlockId.NOTE]["optional"] is True
    state = submitted(view, {BlockId.DATE: "2026-09-01"})
    assert read_branch(state, Move.NURTURE) == BranchAnswers(date="2026-09-01")


def test_reopen_preselects_the_stage_asked_for_or_the_first() -> None:
    card = make_card(stage="lost")
    chosen = _inputs(branch_modal(card, Move.REOPEN, private_metadata=META, reopen_to="proposal"))
    assert chosen[BlockId.STAGE]["element"]["initial_option"]["value"] == "proposal"
    first = _inputs(branch_modal(card, Move.REOPEN, private_metadata=META, reopen_to="nowhere"))
    assert first[BlockId.STAGE]["element"]["initial_option"]["value"] == "discovery"
    view = branch_modal(card, Move.REOPEN, private_metadata=META)
    assert read_branch(submitted(view, {BlockId.STAGE: "demo"}), Move.REOPEN).stage == "demo"


def test_override_shows_the_items_it_will_skip() -> None:
    card = make_card(stage="proposal", ticked=["scope_confirmed"])
    view = branch_modal(card, Move.OVERRIDE, private_metadata=META)
    text = render_view(view)
    assert "These open items will be skipped:" in text
    assert "3. Send the proposal and record its total value" in text
    assert "1. Confirm scope" not in text
    state = submitted(view, {BlockId.REASON: "Signed PO arrives Monday"})
    assert read_branch(state, Move.OVERRIDE).reason == "Signed PO arrives Monday"


def test_new_deal_modal_and_its_reader() -> None:
    view = new_deal_modal(private_metadata="{}")
    assert view_problems(view) == []
    inputs = _inputs(view)
    assert inputs[BlockId.NAME]["optional"] is False
    assert inputs[BlockId.AMOUNT]["optional"] is True
    assert inputs[BlockId.AMOUNT]["element"]["placeholder"]["text"] == "50k"
    assert inputs[BlockId.COMPANY]["optional"] is True
    state = submitted(view, {BlockId.NAME: "Acme Corp", BlockId.AMOUNT: "50k"})
    assert read_new_deal(state) == NewDealAnswers(name="Acme Corp", amount="50k")


def test_evidence_modal_holds_what_is_recorded_and_reads_back_what_changed() -> None:
    card = make_card(stage="qualify", ticked=["budget"], evidence={"budget": "50-80k"})
    view = evidence_modal(card, private_metadata=META)
    inputs = _inputs(view)
    assert list(inputs) == [
        f"{BlockId.EVIDENCE_PREFIX}{i}"
        for i in ("problem", "budget", "timeline", "discovery_booked")
    ]
    budget = inputs[f"{BlockId.EVIDENCE_PREFIX}budget"]
    assert budget["element"]["initial_value"] == "50-80k"
    assert budget["label"]["text"] == "3. Budget range"
    answers = {
        f"{BlockId.EVIDENCE_PREFIX}budget": "80k",
        f"{BlockId.EVIDENCE_PREFIX}timeline": "  ",
    }
    assert read_evidence(submitted(view, answers)["state"]["values"]) == {"budget": "80k"}


def test_a_stage_without_evidence_items_has_nothing_to_submit() -> None:
    view = evidence_modal(make_card(stage="lost"), private_metadata=META)
    assert view.submit is None and _inputs(view) == {}


# -- readers never raise ------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        None,
        [],
        "values",
        42,
        {},
        {"values": None},
        {"values": []},
        {BlockId.REASON: None},
        {BlockId.REASON: []},
        {BlockId.REASON: {BlockId.REASON: "x"}},
        {BlockId.REASON: {BlockId.REASON: {"value": 42}}},
        {BlockId.REASON: {BlockId.REASON: {"selected_option": "Price"}}},
        {BlockId.REASON: {"a": {"value": "x"}, "b": {"value": "y"}}},
        {BlockId.DATE: {BlockId.DATE: {"selected_date": None}}},
        {f"{BlockId.EVIDENCE_PREFIX}": {"x": {"value": "y"}}},
        {f"{BlockId.EVIDENCE_PREFIX}budget": "80k"},
    ],
)
def test_readers_tolerate_anything(state: Any) -> None:
    for move in (
        Move.LOSE,
        Move.DISQUALIFY,
        Move.NURTURE,
        Move.REOPEN,
        Move.OVERRIDE,
        Move.ADVANCE,
    ):
        assert isinstance(read_branch(state, move), BranchAnswers)
    assert isinstance(read_new_deal(state), NewDealAnswers)
    assert read_evidence(state) == {}


def test_readers_accept_the_values_the_state_or_the_view() -> None:
    view = branch_modal(make_card(stage="demo"), Move.NURTURE, private_metadata=META)
    payload = submitted(view, {BlockId.DATE: "2026-09-01"})
    for given in (payload, payload["state"], payload["state"]["values"], {"view": payload}):
        assert read_branch(given, Move.NURTURE).date == "2026-09-01"


def test_a_lone_element_under_another_action_id_is_still_read() -> None:
    state = {BlockId.NAME: {"renamed": {"type": "plain_text_input", "value": "Acme"}}}
    assert read_new_deal(state).name == "Acme"


def test_the_reader_reads_a_real_view_submission() -> None:
    """The shapes Slack really sends (a captured payload) for text inputs and dates."""
    path = PAYLOADS / "view_submission.json"
    if not path.is_file():
        pytest.skip(f"{path} is not here (the shared Slack samples are outside the repository)")
    state = json.loads(path.read_text())["view"]["state"]
    assert read_input(state, "it2e/") == "Pay better"
    assert read_input(state, "sLIvA") == "1990-04-28"
    assert read_input(state, "working_here") == "2"  # a radio button's selected option
    assert read_input(state, "4j/Gd") is None  # a multi-select is not one value


def test_dates_in_the_modals_are_iso() -> None:
    view = branch_modal(make_card(stage="demo"), Move.NURTURE, private_metadata=META)
    picked = read_branch(submitted(view, {BlockId.DATE: "2026-09-01"}), Move.NURTURE).date
    assert dt.date.fromisoformat(picked or "") == dt.date(2026, 9, 1)

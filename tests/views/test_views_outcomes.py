"""`outcome_message` renders every Outcome type, within Slack's limits, saying what happened."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

import pytest

from bot.core import outcomes as o
from bot.deals import outcomes as d
from bot.views.ids import ActionId, DealRef
from bot.views.message import Message
from bot.views.outcomes import outcome_message
from bot.views.validation import validation_requests
from flows.loader import load_shipped
from flows.machine import Move
from flows.schema import EvidenceType
from storage.models import DealEvent, EventKind
from tests.support.samples.actual_flow import SAMPLES as FLOW_SAMPLES
from tests.support.samples.digests import SAMPLES as DIGEST_SAMPLES
from tests.support.samples.feedback import SAMPLES as FEEDBACK_SAMPLES
from tests.support.samples.handoffs import SAMPLES as HANDOFF_SAMPLES
from tests.support.samples.onboarding import SAMPLES as ONBOARDING_SAMPLES
from tests.support.samples.reporting import SAMPLES as KPI_SAMPLES
from tests.support.samples.rooms import SAMPLES as ROOM_SAMPLES
from tests.support.samples.team import SAMPLES as TEAM_SAMPLES
from tests.support.samples.webhooks import SAMPLES as WEBHOOK_SAMPLES
from tests.support.views import (
    NOW,
    OWNER,
    block_texts,
    done_card,
    elements_of,
    make_card,
    make_row,
    message_problems,
)

MAP = load_shipped("default")


def _event(kind: EventKind, **fields: Any) -> DealEvent:
    return DealEvent(
        team_id="T1", deal_id=42, map_id="default", kind=kind, actor_id=OWNER, at=NOW, **fields
    )


def _history(count: int = 3, reason: str = "Price too high") -> d.DealHistory:
    kinds = [
        d.HistoryEntry(_event(EventKind.CREATED, to_stage="qualify"), None, "Qualification", None),
        d.HistoryEntry(
            _event(EventKind.TICKED, from_stage="qualify", item_id="budget", value="50-80k"),
            "Qualification",
            None,
            "Confirm that a budget exists or can be created this fiscal year",
        ),
        d.HistoryEntry(
            _event(
                EventKind.BRANCHED,
                from_stage="proposal",
                to_stage="lost",
                action="lose",
                reason=reason,
            ),
            "Proposal",
            "Closed lost",
            None,
        ),
    ]
    return d.DealHistory(deal_id=42, name="Acme Corp", entries=[kinds[i % 3] for i in range(count)])


def _playbook() -> d.Playbook:
    stage = MAP.stage("proposal")
    return d.Playbook(
        entries=[(stage, e) for e in stage.playbook], stage=stage, query=None, deal_name="Acme"
    )


SAMPLES: dict[type, Callable[[], Any]] = {
    d.Shown: lambda: d.Shown(card=make_card()),
    d.Created: lambda: d.Created(card=make_card(stage="qualify")),
    d.Edited: lambda: d.Edited(
        card=make_card(),
        changes=(
            d.FieldChange(d.EditField.AMOUNT, 50_000.0, 65_000.0),
            d.FieldChange(d.EditField.CLOSE, None, dt.date(2027, 3, 31)),
        ),
        owner_before="U0REP0001",
    ),
    d.EditForm: lambda: d.EditForm(card=make_card()),
    d.Ticked: lambda: d.Ticked(
        card=make_card(ticked=["requirements"]), ticked=["requirements"], unticked=[]
    ),
    d.Moved: lambda: d.Moved(
        card=make_card(stage="demo"), move=Move.ADVANCE, from_stage=MAP.stage("discovery")
    ),
    d.Validated: lambda: d.Validated(
        card=make_card(ticked=["requirements"]), item_id="requirements"
    ),
    d.SentBack: lambda: d.SentBack(
        card=make_card(), item_id="requirements", reason="ask the CFO", owner_id="U0REP0001"
    ),
    d.Approved: lambda: d.Approved(
        card=make_card(ticked=["requirements"]),
        item_id="requirements",
        request_id=7,
        requested_by="U0REP0001",
    ),
    d.Rejected: lambda: d.Rejected(
        card=make_card(),
        item_id="requirements",
        request_id=7,
        requested_by="U0REP0001",
        reason="30% is past the margin",
    ),
    d.DealList: lambda: d.DealList(title="Your open deals", rows=[make_row()], total=1),
    d.DealHistory: _history,
    d.Playbook: _playbook,
    d.ObjectionNoted: lambda: d.ObjectionNoted(deal_name="Acme", text="too expensive", matches=[]),
    d.MapPicture: lambda: d.MapPicture(process_map=MAP, counts={"qualify": 2, "proposal": 1}),
    d.WhichDeal: lambda: d.WhichDeal(
        "Which deal? 'globex' may name Globex, or be part of what you wrote",
        "override",
        (
            d.DealChoice(2, "Globex", "CFO agreed verbally"),
            d.DealChoice(5, "Pied Piper & Sons", "globex CFO agreed verbally " + "x" * 600),
        ),
    ),
    o.Done: lambda: o.Done("Role set"),
    o.Failure: lambda: o.Failure("something broke", "try again"),
    o.Invalid: lambda: o.Invalid("'5O0k' is not an amount", "e.g. 50k", field="amount"),
    o.NotFound: lambda: o.NotFound("no deal called 'acm'", "/deal list", suggestions=["Acme Corp"]),
    o.Ambiguous: lambda: o.Ambiguous(
        "'ac' matches 2 deals", "use #id", candidates=[make_row(), make_row(deal_id=7)]
    ),
    o.NotAllowed: lambda: o.NotAllowed("only the owner may change this deal", "ask them"),
    o.Blocked: lambda: o.Blocked(
        "cannot advance yet", "tick them", card=make_card(), missing=make_card().missing
    ),
    o.Stale: lambda: o.Stale(
        "Acme just moved to Solution demo", "look again", card=make_card(stage="demo")
    ),
    **ONBOARDING_SAMPLES,
    **DIGEST_SAMPLES,
    **FEEDBACK_SAMPLES,
    **HANDOFF_SAMPLES,
    **KPI_SAMPLES,
    **TEAM_SAMPLES,
    **FLOW_SAMPLES,
    **ROOM_SAMPLES,
    **WEBHOOK_SAMPLES,
}


def _outcome_types() -> set[type]:
    """Every Outcome subclass there is (each feature declares its own)."""
    found: set[type] = set()
    pending: list[type] = [o.Outcome]
    while pending:
        for sub in pending.pop().__subclasses__():
            # dataclass(slots=True) replaces the class it decorates; skip the stale original
            real = getattr(sys.modules[sub.__module__], sub.__name__, None) is sub
            found |= {sub} if real else set()
            pending.append(sub)
    return found


def test_every_outcome_type_has_a_sample_and_a_view() -> None:
    types = _outcome_types()
    assert types == set(SAMPLES), "add a sample (and a view) for the new outcome type"
    for kind in types:
        assert kind in outcome_message.registry, f"{kind.__name__} falls back to another view"


@pytest.mark.parametrize("kind", list(SAMPLES), ids=lambda k: k.__name__)
def test_every_outcome_renders_within_slack_limits(kind: type) -> None:
    message = outcome_message(SAMPLES[kind]())
    assert isinstance(message, Message)
    assert message_problems(message) == []


@pytest.mark.parametrize("kind", list(SAMPLES), ids=lambda k: k.__name__)
def test_every_outcome_serialises_as_slack_sdk_does(kind: type) -> None:
    """Message.to_dict skips slack_sdk's per-call checks for speed; slack_sdk's own
    to_dict (every validator run) must give the very same JSON for every view."""
    message = outcome_message(SAMPLES[kind]())
    assert message.to_dict()["blocks"] == [block.to_dict() for block in message.blocks]


def _texts(message: Message) -> list[str]:
    return block_texts(message.to_dict()["blocks"])


# -- changes on a card -------------------------------------------------------------------


def test_moved_says_from_where_to_where() -> None:
    message = outcome_message(SAMPLES[d.Moved]())
    assert "✅ Moved from Discovery to Solution demo" in _texts(message)
    assert message.text.startswith(
        "✅ Moved from Discovery to Solution demo — Acme Corp is in Solution demo"
    )


def test_an_override_shows_its_reason_and_the_skipped_items() -> None:
    discovery = MAP.stage("discovery")
    moved = d.Moved(
        card=make_card(stage="demo"),
        move=Move.OVERRIDE,
        from_stage=discovery,
        reason="CFO confirmed by email",
        skipped=[discovery.exit[1], discovery.exit[4]],
    )
    (notice,) = [t for t in _texts(outcome_message(moved)) if t.startswith("⏭️")]
    assert (
        "Gate overridden: moved from Discovery to Solution demo: CFO confirmed by email" in notice
    )
    assert "(skipped 2. Identify the economic buyer" in notice and "; 5. Send the written" in notice


def test_a_loss_shows_its_reason_and_a_nurture_its_date() -> None:
    lost = d.Moved(
        card=make_card(stage="lost"),
        move=Move.LOSE,
        from_stage=MAP.stage("proposal"),
        reason="Price too high",
    )
    assert "⛔ Marked lost at Proposal: Price too high" in _texts(outcome_message(lost))
    card = make_card(stage="nurture", nurture_until=dt.date(2026, 9, 1))
    nurtured = d.Moved(card=card, move=Move.NURTURE, from_stage=MAP.stage("demo"))
    assert "🌱 Moved from Solution demo to Nurture until 1 Sep 2026" in _texts(
        outcome_message(nurtured)
    )


def test_entering_the_won_stage_is_celebrated() -> None:
    won = d.Moved(
        card=make_card(stage="closed_won"), move=Move.ADVANCE, from_stage=MAP.stage("commit")
    )
    assert outcome_message(won).text.startswith("🎉 Won! ✅ Moved from")


def test_ticked_names_the_items_and_says_when_ready() -> None:
    card = done_card(stage="qualify")
    ticked = d.Ticked(card=card, ticked=["budget", "discovery_booked"], unticked=["timeline"])
    (notice,) = [t for t in _texts(outcome_message(ticked)) if t.startswith("✅")]
    assert notice == (
        "✅ Ticked 3, 5; unticked 4. Every required item is done: ready to advance to Discovery."
    )
    alone = d.Ticked(card=make_card(stage="qualify"), ticked=[], unticked=["timeline"])
    assert [t for t in _texts(outcome_message(alone)) if t.startswith("✅")] == ["✅ Unticked 4."]


def test_created_and_shown_show_the_card() -> None:
    created = outcome_message(SAMPLES[d.Created]())
    assert created.text.startswith("✨ Created Acme Corp in Qualification")
    shown = outcome_message(d.Shown(card=make_card(), notice="Bound to #deal-acme"))
    assert "Bound to #deal-acme" in _texts(shown)


# -- blocked and stale -----------------------------------------------------------------------


def test_blocked_highlights_exactly_the_open_items() -> None:
    card = make_card(stage="demo", ticked=["prep_call", "technical_fit"])
    blocked = o.Blocked(
        "Acme Corp cannot advance yet",
        "tick them or /deal override <reason>",
        card=card,
        missing=card.missing,
    )
    message = outcome_message(blocked)
    (warning,) = [t for t in _texts(message) if t.startswith(":warning:")]
    assert warning.splitlines()[1:] == [
        "2. Demonstrate every must-have requirement and record the buyer's reaction to each",
        "4. Confirm technical fit with the buyer's technical evaluator",
        "5. Agree with the buyer on a date to review the proposal",
    ]
    assert "⛔ Acme Corp cannot advance yet" in _texts(message)
    assert "Try: tick them or /deal override &lt;reason&gt;" in _texts(message)
    assert message.text.startswith(
        "⛔ Acme Corp cannot advance yet — Acme Corp is in Solution demo"
    )


def test_blocked_without_a_card_still_lists_the_items() -> None:
    items = MAP.stage("demo").exit[:2]
    message = outcome_message(o.Blocked("cannot advance", "", card=None, missing=items))
    assert f"• {items[0].text}\n• {items[1].text}" in _texts(message)


def test_stale_says_the_deal_moved_and_shows_where_it_is() -> None:
    message = outcome_message(SAMPLES[o.Stale]())
    texts = _texts(message)
    assert "🔄 Acme just moved to Solution demo" in texts
    assert message.blocks[0].to_dict()["text"]["text"] == "Acme Corp · Solution demo"
    assert "Try: look again" in texts


# -- lists, history, playbook ----------------------------------------------------------------


def test_a_deal_list_has_an_open_button_per_row() -> None:
    rows = [make_row(deal_id=i, stage="demo", days_in_stage=20, idle_days=9) for i in (1, 2)]
    message = outcome_message(d.DealList(title="Your open deals", rows=rows, total=2))
    buttons = [e for e in elements_of(message) if e.get("action_id") == ActionId.SHOW]
    assert [DealRef.loads(b["value"]) for b in buttons] == [DealRef(1, "demo"), DealRef(2, "demo")]
    row_text = _texts(message)[1]
    assert row_text.startswith("#1 *Acme Corp* · Solution demo · 20 days in stage · 4 items open")
    assert ":rotating_light: stuck" in row_text and ":zzz: idle" in row_text
    assert message.text.startswith("Your open deals (2): #1 Acme Corp (Solution demo, 20 days)")


def test_a_long_list_is_paged_with_a_count_of_the_rest() -> None:
    rows = [make_row(deal_id=i + 1) for i in range(75)]
    message = outcome_message(d.DealList(title="Open deals in this workspace", rows=rows, total=75))
    assert message_problems(message) == []
    assert len([e for e in elements_of(message) if e.get("action_id") == ActionId.SHOW]) == 20
    assert "and 55 more; narrow it: /deal list stage &lt;stage&gt;" in _texts(message)


def test_an_empty_list_says_how_to_start() -> None:
    message = outcome_message(d.DealList(title="Your open deals", rows=[], total=0))
    assert "Create one: /deal new Acme 50k" in _texts(message)


def test_history_lines_say_when_who_and_what() -> None:
    sections = [t for t in _texts(outcome_message(_history())) if t.startswith("<!date^")]
    lines = "\n".join(sections).splitlines()
    assert lines[0].endswith("<@U0REP0001> created the deal in Qualification")
    assert "|2026-03-02 09:00 UTC>" in lines[0]
    assert lines[1].endswith(
        "ticked “Confirm that a budget exists or can be created this fiscal year”: 50-80k"
    )
    assert lines[2].endswith("marked lost from Proposal: Price too high")


def test_feedback_an_older_version_kept_on_a_deal_is_said_in_words() -> None:
    entry = d.HistoryEntry(_event(EventKind.FEEDBACK, reason="too many fields"), None, None, None)
    history = d.DealHistory(deal_id=42, name="Acme Corp", entries=[entry])
    shown = "\n".join(_texts(outcome_message(history)))
    assert "gave feedback on the map: too many fields" in shown  # not the kind's "feedback:"


def test_a_long_history_keeps_the_latest_entries_within_limits() -> None:
    message = outcome_message(_history(count=900, reason="x" * 900))
    assert message_problems(message) == []
    texts = _texts(message)
    assert any(t.endswith("earlier entries not shown") for t in texts)
    assert all(len(t) <= 3000 for t in texts)


def test_playbook_entries_quote_the_objection_and_say_what_to_do() -> None:
    message = outcome_message(_playbook())
    texts = _texts(message)
    entry = MAP.stage("proposal").playbook[0]
    assert f"> *{entry.objection}*" in texts
    assert f"{entry.category} · heard in Proposal" in texts
    answer = next(t for t in texts if t.startswith("*Ask first*"))
    assert entry.explore[0] in answer and entry.response in answer and entry.next_step in answer
    assert message.text.startswith("Playbook · Proposal: “")


def test_a_playbook_search_names_the_words() -> None:
    stage = MAP.stage("discovery")
    found = d.Playbook(entries=[(stage, stage.playbook[1])], stage=None, query="not a priority")
    assert (
        outcome_message(found).to_dict()["blocks"][0]["text"]["text"]
        == "Playbook: “not a priority”"
    )


def test_an_objection_is_noted_with_the_best_answer() -> None:
    stage = MAP.stage("proposal")
    noted = d.ObjectionNoted(
        deal_name="Acme", text="too expensive", matches=[(stage, stage.playbook[0])]
    )
    message = outcome_message(noted)
    assert message.text.startswith("Noted on Acme: “too expensive” — ")
    assert "Best answer from the playbook:" in _texts(message)
    assert f"> *{stage.playbook[0].objection}*" in _texts(message)
    bare = outcome_message(SAMPLES[d.ObjectionNoted]())
    assert any("/deal feedback" in t for t in _texts(bare))


def test_done_says_what_happened_with_the_card_when_there_is_one() -> None:
    assert outcome_message(o.Done("Role set")).text == "Role set"
    with_card = outcome_message(o.Done("Bound to this channel", card=make_card()))
    assert with_card.text.startswith("Bound to this channel — Acme Corp is in Discovery")


# -- failures --------------------------------------------------------------------------------


def test_a_failure_says_what_was_wrong_and_what_to_try() -> None:
    message = outcome_message(SAMPLES[o.Invalid]())
    assert _texts(message) == [":x: '5O0k' is not an amount", "Try: e.g. 50k"]
    assert message.text == "'5O0k' is not an amount Try: e.g. 50k"
    assert len(message.blocks) <= 3


def test_ambiguous_lists_the_candidates_to_open() -> None:
    message = outcome_message(SAMPLES[o.Ambiguous]())
    buttons = [e for e in elements_of(message) if e.get("action_id") == ActionId.SHOW]
    assert [DealRef.loads(b["value"]) for b in buttons] == [
        DealRef(42, "discovery"),
        DealRef(7, "discovery"),
    ]


def test_not_found_suggests_names() -> None:
    assert "Did you mean: Acme Corp?" in _texts(outcome_message(SAMPLES[o.NotFound]()))


def test_a_validation_request_shows_a_persons_evidence_as_their_name() -> None:
    """The manager's DM: a person's evidence is a mention (their name), other text is
    escaped. The extended map's economic buyer, retyped as a person for the test."""
    card = make_card(
        map_id="extended",
        stage="discovery",
        ticked=["economic_buyer", "champion"],
        evidence={"economic_buyer": "<@U0CFO0001>", "champion": "Sam <Ops> & co"},
    )
    retyped = []
    for item in card.stage.exit:
        if item.evidence is not None:
            kind = EvidenceType.PERSON if item.id == "economic_buyer" else item.evidence.type
            item = item.model_copy(
                update={"evidence": item.evidence.model_copy(update={"type": kind})}
            )
        retyped.append(item)
    card = dataclasses.replace(card, stage=card.stage.model_copy(update={"exit": retyped}))
    ticked = d.Ticked(
        card=card, ticked=["economic_buyer"], unticked=[], to_validate=["economic_buyer"]
    )

    (request,) = validation_requests(ticked, OWNER)

    texts = block_texts(request.to_dict()["blocks"])
    assert any(t.endswith("Economic buyer's name and title: <@U0CFO0001>") for t in texts), texts
    assert not message_problems(request)

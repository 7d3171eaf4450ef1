"""render_text: readable plain text of any blocks, with the clickable things numbered in the
order `interactive_choices` returns them. Golden files in tests/views/golden/ show whole
renderings; regenerate them with STAGECOACH_UPDATE_GOLDEN=1 and review the diff."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bot.core import outcomes as o
from bot.deals import outcomes as d
from bot.views.card import stage_card
from bot.views.home import home_view
from bot.views.ids import ActionId, DealRef
from bot.views.modals import branch_modal
from bot.views.outcomes import outcome_message
from bot.views.plain import from_mrkdwn
from bot.views.text import interactive_choices, render_text, render_view
from flows.loader import load_shipped
from flows.machine import Move
from tests.support.views import make_card, make_row

GOLDEN = Path(__file__).parent / "golden"


def _card_text() -> tuple[str, list]:  # type: ignore[type-arg]
    card = make_card(
        stage="qualify",
        ticked=["icp_fit", "budget"],
        evidence={"budget": "50-80k"},
        days_in_stage=9,
        idle_days=4,
        company="Acme Holdings",
    )
    message = stage_card(card, notice="✅ Ticked 1, 3")
    return render_text(message.blocks), interactive_choices(message.blocks)


def test_a_card_reads_well_as_text() -> None:
    text, _choices = _card_text()
    lines = text.splitlines()
    assert lines[:2] == ["Acme Corp · Qualification", "========================="]
    for expected in (
        "✅ Ticked 1, 3",
        "Amount: $50,000",
        "Owner: @U0REP0001",
        "Stage owner: Sales (SDR)",
        "In stage: 9 days · 🚨 stuck (target 7 days) · 💤 idle for 4 days",
        "Exit checklist · 2 of 4 required items open",
        "(1) [x] 1. Confirm the company matches our ideal customer profile on size…",
        "(3) [x] 3. Confirm that a budget exists or can be created this fiscal year",
        "        Budget range: 50-80k",
        "(2) [ ] 2. Record the business problem the buyer wants solved, in their words",
        "(6) Add evidence",
        "(7) Advance  (8) Playbook  (9) History  More: (10) Disqualify  (11) Nurture (not now)  (12) Override gate (managers)",
        "Deal #42 · B2B sales process (compact) v1 · next: Discovery",
    ):
        assert expected in lines, expected
    assert "*" not in text and "<@" not in text


def test_choices_are_numbered_as_shown() -> None:
    _text, choices = _card_text()
    assert [c.number for c in choices] == list(range(1, len(choices) + 1))
    assert [c.kind for c in choices[:6]] == ["checkbox"] * 5 + ["button"]
    assert [c.value for c in choices if c.checked] == ["icp_fit", "budget"]
    advance = choices[6]
    assert (advance.label, advance.action_id, advance.block_id) == (
        "Advance",
        ActionId.ADVANCE,
        "card_actions",
    )
    assert DealRef.loads(advance.value) == DealRef(42, "qualify")
    menu = [c for c in choices if c.kind == "overflow"]
    assert [c.value for c in menu] == [
        "disqualify|42|qualify",
        "nurture|42|qualify",
        "override|42|qualify",
    ]
    assert all(c.action_id == ActionId.MORE for c in menu)


def test_section_accessories_are_numbered_on_their_line() -> None:
    listing = d.DealList(title="Your open deals", rows=[make_row(deal_id=7, stage="demo")], total=1)
    message = outcome_message(listing)
    line = render_text(message.blocks).splitlines()[2]
    assert line.startswith("#7 Acme Corp · Solution demo · 3 days in stage") and line.endswith(
        "(1) Open"
    )
    (choice,) = interactive_choices(message.blocks)
    assert (choice.kind, choice.action_id, DealRef.loads(choice.value)) == (
        "button",
        ActionId.SHOW,
        DealRef(7, "demo"),
    )


def test_a_modal_renders_its_title_fields_and_submit() -> None:
    view = branch_modal(make_card(stage="proposal"), Move.LOSE, private_metadata="{}")
    text = render_view(view)
    assert text.startswith("Mark as lost\n============")
    assert "Why was it lost?: Chose a competitor / Price too high /" in text
    assert "Note (optional): ____" in text
    assert text.endswith("[Mark lost]")
    assert interactive_choices(view.blocks) == []  # form fields are answered, not clicked


def test_dicts_and_block_objects_render_alike() -> None:
    message = stage_card(make_card())
    assert render_text(message.blocks) == render_text(message.to_dict()["blocks"])


def test_unknown_or_broken_blocks_are_skipped() -> None:
    broken: list[Any] = [{"type": "rich_text"}, {"type": "section"}, "x", {}]
    assert render_text(broken) == ""


@pytest.mark.parametrize(
    ("mrkdwn", "plain"),
    [
        ("*Amount*\n$50,000", "Amount\n$50,000"),
        ("_italic_ and ~gone~ and snake_case_id", "italic and gone and snake_case_id"),
        ("<@U123> in <#C1|deal-acme> <!here>", "@U123 in #deal-acme @here"),
        ("<https://example.com|the docs> <https://example.com>", "the docs https://example.com"),
        ("R&amp;D &lt;EU&gt;", "R&D <EU>"),
        (":warning: :rotating_light: :zzz: :custom_thing:", "⚠ 🚨 💤 :custom_thing:"),
        (
            "<!date^1772442000^{date_short} {time}|2026-03-02 09:00 UTC> · x",
            "2026-03-02 09:00 UTC · x",
        ),
        ("2*3*4 stays", "2*3*4 stays"),
    ],
)
def test_mrkdwn_is_stripped_for_plain_output(mrkdwn: str, plain: str) -> None:
    assert from_mrkdwn(mrkdwn) == plain


# -- golden renderings -----------------------------------------------------------------------


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("STAGECOACH_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with STAGECOACH_UPDATE_GOLDEN=1"
    assert text + "\n" == path.read_text(encoding="utf-8")


def test_golden_stage_card() -> None:
    _golden("card_qualify", _card_text()[0])


def test_golden_blocked_card() -> None:
    card = make_card(stage="proposal", ticked=["scope_confirmed", "proposal_sent"])
    blocked = o.Blocked(
        "Acme Corp cannot advance to Commit yet",
        "tick the items, or a manager: /deal override <reason>",
        card=card,
        missing=card.missing,
    )
    _golden("card_blocked", render_text(outcome_message(blocked).blocks))


def test_golden_lost_card() -> None:
    moved = d.Moved(
        card=make_card(stage="lost"),
        move=Move.LOSE,
        from_stage=load_shipped("default").stage("proposal"),
        reason="Chose a competitor: went with X",
    )
    _golden("card_lost", render_text(outcome_message(moved).blocks))


def test_golden_home() -> None:
    rows = [make_row(deal_id=1, stage="demo", days_in_stage=30, idle_days=10), make_row(deal_id=2)]
    team = [*rows, make_row(deal_id=3, stage="proposal", amount=20_000, currency="EUR")]
    order = [s.name for s in load_shipped("default").stages]
    _golden("home_manager", render_view(home_view(my_rows=rows, team_rows=team, stage_order=order)))

"""App Home: the user's deals with Open buttons, a manager's pipeline by stage, a welcome."""

from __future__ import annotations

from typing import Any

from bot.views.home import home_view
from bot.views.ids import ActionId, DealRef
from bot.views.text import render_text
from flows.loader import load_shipped
from tests.support.views import block_texts, make_row, view_problems

ORDER = [stage.name for stage in load_shipped("default").stages]


def _buttons(view: Any, action_id: str) -> list[dict[str, Any]]:
    blocks = view.to_dict()["blocks"]
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("action_id") == action_id]
    found += [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    ]
    return found


def test_a_new_user_is_told_what_to_type() -> None:
    view = home_view(my_rows=[], team_rows=None, stage_order=ORDER)
    assert view.type == "home" and view_problems(view, kind="home") == []
    text = render_text(view.blocks)
    for command in ("/deal new Acme 50k", "/deal onboard", "/deal help"):
        assert command in text
    assert _buttons(view, ActionId.REFRESH_HOME)


def test_my_deals_have_flags_and_open_buttons() -> None:
    rows = [make_row(deal_id=1, stage="demo", days_in_stage=30, idle_days=10), make_row(deal_id=2)]
    view = home_view(my_rows=rows, team_rows=None, stage_order=ORDER)
    assert view_problems(view, kind="home") == []
    refs = [DealRef.loads(b["value"]) for b in _buttons(view, ActionId.SHOW)]
    assert refs == [DealRef(1, "demo"), DealRef(2, "discovery")]
    texts = block_texts(view.to_dict()["blocks"])
    assert texts[0] == "Your open deals (2)"
    assert texts[1].startswith("#1 *Acme Corp* · Solution demo · 30 days in stage · 4 items open")
    assert ":rotating_light: stuck" in texts[1] and ":zzz: idle" in texts[1]
    assert "<@" not in texts[1]  # they are all the user's own


def test_a_manager_sees_the_team_pipeline_by_stage_in_map_order() -> None:
    team = [
        make_row(deal_id=1, stage="proposal", amount=30_000),
        make_row(deal_id=2, stage="qualify", amount=10_000),
        make_row(deal_id=3, stage="proposal", amount=20_000, currency="EUR", days_in_stage=40),
        make_row(deal_id=4, stage="qualify", amount=None),
    ]
    view = home_view(my_rows=[], team_rows=team, stage_order=ORDER)
    texts = block_texts(view.to_dict()["blocks"])
    start = texts.index("Team pipeline")
    assert texts[start + 1 :] == [
        "*Qualification* · 2 deals · $10,000",
        "*Proposal* · 2 deals · €20,000 + $30,000 · :rotating_light: 1 stuck",
        "4 deals · €20,000 + $40,000",  # currencies are never added together
    ]


def test_a_manager_without_team_deals_is_told_so() -> None:
    view = home_view(my_rows=[], team_rows=[], stage_order=ORDER)
    assert "No open deals in your team yet." in block_texts(view.to_dict()["blocks"])


def test_a_crowded_home_stays_within_100_blocks() -> None:
    mine = [make_row(deal_id=i + 1) for i in range(120)]
    team = [
        make_row(deal_id=i + 1, stage=s.id) for i, s in enumerate(load_shipped("default").stages)
    ]
    view = home_view(my_rows=mine, team_rows=team * 30, stage_order=ORDER)
    assert view_problems(view, kind="home") == []
    assert len(view.blocks) <= 100
    assert "and 80 more: /deal list" in block_texts(view.to_dict()["blocks"])


def test_the_stage_order_may_be_given_as_ids() -> None:
    rows = [make_row(deal_id=1, stage="proposal"), make_row(deal_id=2, stage="qualify")]
    ids = [stage.id for stage in load_shipped("default").stages]
    texts = block_texts(home_view(my_rows=[], team_rows=rows, stage_order=ids).to_dict()["blocks"])
    stages = [t.split(" · ")[0] for t in texts if t.startswith("*")]
    assert stages == ["*Qualification*", "*Proposal*"]

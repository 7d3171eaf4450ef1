"""What a migration does to one deal (bot/deals/migration_plan.py), rule by rule, on the
extended map's versions 2 and 3 (tests/support/migration.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.deals.migration_plan import DealPlan, TickNote, Undecided, plan_deal
from flows.stage_mapping import StageMapping, parse_stage_mapping
from storage.deal_moves import MigratingDeal, Tick
from tests.support.migration import MAPPING_YAML, extended_v2, extended_v3

V2, V3 = extended_v2(), extended_v3()
MAPPING = parse_stage_mapping(MAPPING_YAML, file="mapping.yml", source=V2, target=V3)
AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def tick(stage: str, item: str, evidence: str | None = None, validated: bool = False) -> Tick:
    return Tick(stage, item, "UREP", AT, evidence, "UMGR" if validated else None, AT if validated else None)  # fmt: skip


def deal(stage: str, *ticks: Tick) -> MigratingDeal:
    return MigratingDeal(7, "T1", "Acme", stage, 3, AT, list(ticks))


def plan(found: MigratingDeal, mapping: StageMapping = MAPPING) -> DealPlan:
    planned = plan_deal(found, source=V2, target=V3, mapping=mapping)
    assert isinstance(planned, DealPlan), planned
    return planned


def test_a_stage_that_keeps_its_id_keeps_its_ticks_and_is_no_move() -> None:
    planned = plan(deal("sql", tick("sql", "accepted"), tick("sql", "warm_intro")))
    assert (planned.to_stage, planned.stage_changed) == ("sql", False)
    assert planned.note == TickNote(["accepted", "warm_intro"], ["discovery_booked"], [], [])


def test_a_renamed_stage_takes_its_ticks_along() -> None:
    planned = plan(deal("demo", tick("demo", "strategy_session"), tick("demo", "technical_fit", "Yes")))  # fmt: skip
    assert (planned.to_stage, planned.stage_changed) == ("solution_demo", True)
    assert [t.item_id for t in planned.ticks] == ["strategy_session", "technical_fit"]


def test_a_merged_stage_gathers_the_ticks_of_every_stage_merged_into_it() -> None:
    earlier = tick("mql", "firmographics")  # ticked when the deal was an MQL
    planned = plan(deal("sales_engagement", earlier, tick("sales_engagement", "conversation", "2026-02-01")))  # fmt: skip
    assert planned.to_stage == "qualified_lead"
    assert planned.note.carried == ["firmographics", "conversation"]
    assert "contact_role" in planned.note.opened and "firmographics" not in planned.note.opened


def test_a_removed_item_is_dropped_and_a_new_required_item_is_open() -> None:
    planned = plan(deal("discovery", tick("discovery", "requirements"), tick("discovery", "champion", "Sam Ortiz")))  # fmt: skip
    assert planned.note.dropped == ["requirements"]
    assert "success_criteria" in planned.note.opened
    assert [t.item_id for t in planned.ticks] == ["champion"]


def test_a_tick_whose_value_no_longer_fits_is_reset_not_carried() -> None:
    # Proposal's discount_approved asked nothing in version 2; version 3 asks who approved.
    planned = plan(deal("proposal", tick("proposal", "discount_approved"), tick("proposal", "proposal_sent", "50,000 USD")))  # fmt: skip
    assert planned.note.reset == ["discount_approved"]
    assert [t.item_id for t in planned.ticks] == ["proposal_sent"]


def test_a_validated_tick_stays_validated() -> None:
    validated = tick("discovery", "economic_buyer", "Dana Lee, CFO", validated=True)
    planned = plan(deal("discovery", validated))
    assert planned.ticks == [validated]


def test_without_a_mapping_a_stage_the_new_version_lacks_is_undecided() -> None:
    found = plan_deal(deal("demo"), source=V2, target=V3, mapping=StageMapping())
    assert isinstance(found, Undecided)
    assert "'demo' is not in version 3" in found.reason
    assert "add `demo: <a stage of version 3>`" in found.reason


@pytest.mark.parametrize("stage", ["brand_awareness", "verbal"])
def test_stages_in_both_versions_map_themselves(stage: str) -> None:
    assert plan(deal(stage), StageMapping()).to_stage == stage


def test_the_note_reads_back_as_written() -> None:
    note = TickNote(["a"], ["b"], ["c"], ["d"])
    assert TickNote.from_json(note.to_json()) == note
    assert TickNote.from_json("not json") == TickNote() == TickNote.from_json(None)

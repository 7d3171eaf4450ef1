"""A deal's status follows from its stage (bot.core.deal_status), on every shipped map."""

from __future__ import annotations

import pytest

from bot.core.deal_status import side_status, status_for
from flows.loader import load_shipped, shipped_map_ids
from flows.schema import StageKind
from storage.models import DealStatus


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_every_stage_gives_the_status_its_place_on_the_map_says(map_id: str) -> None:
    process_map = load_shipped(map_id)
    won_at = [stage.id for stage in process_map.open_stages].index(process_map.won_stage.id)
    for index, stage in enumerate(process_map.open_stages):
        expected = DealStatus.WON if index >= won_at else DealStatus.OPEN
        assert status_for(process_map, stage) is expected, stage.id
    for stage in process_map.stages:
        if not stage.is_open:
            assert status_for(process_map, stage) is DealStatus(stage.kind.value), stage.id


def test_only_side_stages_have_a_status_of_their_own() -> None:
    assert side_status(StageKind.OPEN) is None
    assert side_status(StageKind.LOST) is DealStatus.LOST
    assert side_status(StageKind.DISQUALIFIED) is DealStatus.DISQUALIFIED
    assert side_status(StageKind.NURTURE) is DealStatus.NURTURE

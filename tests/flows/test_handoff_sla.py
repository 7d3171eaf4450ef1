"""`handoff_sla_hours` is a positive number of hours, or absent (docs/maps.md)."""

from __future__ import annotations

import pytest

from flows.loader import parse_map
from flows.problems import MapError
from tests.support.maps import GOOD_MAP

PROPOSAL = "  - id: proposal\n    name: Proposal\n    owner: Sales\n"


@pytest.mark.parametrize("hours", ["0", "-4", "soon"])
def test_a_handoff_sla_that_is_not_a_positive_number_is_refused(hours: str) -> None:
    text = GOOD_MAP.replace(PROPOSAL, PROPOSAL + f"    handoff_sla_hours: {hours}\n")

    with pytest.raises(MapError) as refused:
        parse_map(text, file="m.yml")

    assert "handoff_sla_hours" in str(refused.value)


@pytest.mark.parametrize("hours", ["1.5", "24", "168"])
def test_a_positive_number_of_hours_is_kept(hours: str) -> None:
    text = GOOD_MAP.replace(PROPOSAL, PROPOSAL + f"    handoff_sla_hours: {hours}\n")

    assert parse_map(text, file="m.yml").stage("proposal").handoff_sla_hours == float(hours)

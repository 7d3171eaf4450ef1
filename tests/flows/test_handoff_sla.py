"""`handoff_sla_hours` is a positive number of hours, or absent (docs/maps.md)."""

from __future__ import annotations

import pytest

from flows.loader import SHIPPED_DIR, parse_map
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


def test_an_owner_label_longer_than_the_owning_teams_table_allows_is_refused() -> None:
    """An owner over 120 characters would pass the map and fail `/deal owners set` with a
    database error (the owning team's column is 120): the map says it first."""
    source = (SHIPPED_DIR / "default.yml").read_text(encoding="utf-8")
    parse_map(source.replace("owner: Marketing", "owner: " + "M" * 120, 1), file="ok.yml")
    with pytest.raises(MapError, match="at most 120 characters") as raised:
        parse_map(source.replace("owner: Marketing", "owner: " + "M" * 121, 1), file="x.yml")
    assert "the team that owns the stage" in str(raised.value)

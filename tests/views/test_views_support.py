"""The view-test builders of tests/support/views.py make what the use cases make, and
amounts read as people write them."""

from __future__ import annotations

import pytest

from bot.views.money import format_amount
from tests.support.views import make_card


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (50_000, "USD", "$50,000"),
        (20_000, "EUR", "€20,000"),
        (1_500, "GBP", "£1,500"),
        (50_000, "TRY", "50,000 TRY"),
        (1_234.5, "USD", "$1,234.50"),
        (None, "USD", "no amount yet"),
    ],
)
def test_amounts_are_formatted_as_people_read_them(
    amount: float | None, currency: str, shown: str
) -> None:
    assert format_amount(amount, currency) == shown


def test_the_builders_make_the_card_the_use_cases_would() -> None:
    card = make_card(stage="qualify", ticked=["icp_fit"], days_in_stage=9, idle_days=4)
    assert card.stage.id == "qualify" and "icp_fit" in card.ticked
    assert card.stuck and card.idle  # target 7 days, rot 3 days
    assert [item.id for item in card.missing] == ["problem", "budget", "discovery_booked"]

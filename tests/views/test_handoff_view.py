"""The handoff message at its longest keeps to Slack's limits, waiting or held, and as a
reminder; its Accept carries only the handoff's id."""

from __future__ import annotations

import pytest

from bot.views.handoff import handoff_message
from bot.views.ids import ActionId
from tests.support.samples.handoffs import notice
from tests.support.views import elements_of, message_problems


@pytest.mark.parametrize("accepted_by", [None, "U0REP0002"])
@pytest.mark.parametrize("reminder", [None, "Nobody has accepted it in 26 h " + "&" * 300])
def test_the_longest_handoff_is_a_valid_message(
    accepted_by: str | None, reminder: str | None
) -> None:
    message = handoff_message(notice(accepted_by=accepted_by), reminder=reminder)

    assert message_problems(message) == []
    buttons = [e for e in elements_of(message) if e.get("action_id") == ActionId.HANDOFF_ACCEPT]
    assert [b["value"] for b in buttons] == ([] if accepted_by else ["7"])

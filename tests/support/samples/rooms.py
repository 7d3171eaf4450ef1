"""A sample of each outcome type deal rooms add, for the view suite's "every outcome type
has a view" check (tests/views/test_views_outcomes.py merges SAMPLES): the longest deal
name, every name tried, and every step Slack may refuse."""

from __future__ import annotations

from collections.abc import Callable

from bot.deals.room_names import room_names
from bot.deals.room_outcomes import (
    OwningTeam,
    RoomExists,
    RoomMade,
    RoomNotMade,
    RoomProblem,
    RoomStep,
    RoomWanted,
)
from tests.support.views import make_card

LONG_NAME = "Müşteri & <Görüşmesi> " * 6  # escaped (&, <, >) and long
LONG_TEAM = "Implementation & <Onboarding> " * 3  # a map's owner label, as long as it gets

SAMPLES: dict[type, Callable[[], object]] = {
    RoomWanted: lambda: RoomWanted(
        make_card(name=LONG_NAME), room_names(LONG_NAME, 42), ("U0REP0001", "U0MGR0001")
    ),
    RoomExists: lambda: RoomExists(42, LONG_NAME, "C0ROOM01", room_names(LONG_NAME, 42)[0]),
    RoomMade: lambda: RoomMade(
        make_card(name=LONG_NAME),
        "C0ROOM01",
        room_names(LONG_NAME, 42)[0],
        ("U0MGR0001",),
        (
            RoomProblem(RoomStep.BIND, "only the deal's owner <@U0REP0001> can change it"),
            RoomProblem(RoomStep.INVITE, "user_is_restricted", "U0REP0001"),
            RoomProblem(RoomStep.TEAM, "no_such_subteam", team=LONG_TEAM),
            RoomProblem(RoomStep.CARD, "not_in_channel"),
            RoomProblem(RoomStep.PIN, "permission_denied"),
        ),
        OwningTeam(LONG_TEAM, None),  # both hints at once: no group, and one not listed
    ),
    RoomNotMade: lambda: RoomNotMade(42, LONG_NAME, room_names(LONG_NAME, 42), "name_taken"),
}

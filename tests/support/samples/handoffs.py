"""A sample of each outcome type handoffs add, for the view suite's "every outcome type has a
view" check (tests/views/test_views_outcomes.py merges SAMPLES). At their longest on purpose:
the longest deal name, owner labels and evidence, escaped (`&`), and every owner mapped or not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.deals.outcomes import HandoffAccepted, HandoffNotice, OwnersShown, OwnerTeam

NAME = "&" * 120  # the longest deal name, every character escaped
TEAM = "&" * 120  # an owner label at the column's length


def notice(*, accepted_by: str | None = None) -> HandoffNotice:
    return HandoffNotice(
        handoff_id=7,
        deal_id=42,
        name=NAME,
        amount=1_250_000.0,
        currency="EUR",
        owner_id="U0REP0001",
        team=TEAM,
        from_stage="Contract signed",
        to_stage="Implementation",
        evidence=tuple((f"Item {n} " + "&" * 200, "&" * 500) for n in range(12)),
        channel_id="C0IMPL0001",
        usergroup_id="S0IMPL0001",
        handed_by="U0MGR0001",
        message_ts="1700000000.000100",
        accepted_by=accepted_by,
    )


SAMPLES: dict[type, Callable[[], Any]] = {
    HandoffAccepted: lambda: HandoffAccepted(notice(accepted_by="U0REP0002"), already=True),
    OwnersShown: lambda: OwnersShown(
        teams=tuple(
            OwnerTeam(f"{TEAM}{n}", f"C0TEAM{n:04}" if n % 2 else None, f"S0GRP{n:04}")
            for n in range(20)
        ),
        others=(OwnerTeam("Finance", "C0FIN0001"),),
        changed=TEAM,
    ),
}

"""A sample of each outcome type the digest commands add, for the view suite's "every
outcome type has a view" check (tests/views/test_views_outcomes.py merges SAMPLES)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.scope import ScopeKind
from bot.digests.content import (
    DealLine,
    Digest,
    DigestPreview,
    DigestSubscriptions,
    Movement,
    SubscriptionLine,
)

LINE = SubscriptionLine("C0SALES01", "weekly", "09:00", "Europe/Istanbul", ScopeKind.TEAM, "U0MGR0001", "U0MGR0001")  # fmt: skip

END = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ACME = DealLine(1, "Acme", "U0REP0001", "Discovery", 50_000.0, "USD")


def sample_preview() -> DigestPreview:
    digest = Digest(
        scope=ScopeKind.TEAM,
        scope_user_id="U0MGR0001",
        frequency="daily",
        tz="UTC",
        window_start=END - dt.timedelta(days=1),
        window_end=END,
        new=[Movement(ACME, None, "Qualification")],
    )
    return DigestPreview(digest=digest)


SAMPLES: dict[type, Callable[[], object]] = {
    DigestPreview: sample_preview,
    DigestSubscriptions: lambda: DigestSubscriptions([LINE], changed=LINE, action="subscribed"),
}

"""A sample of each outcome type the digest commands add, for the view suite's "every
outcome type has a view" check (tests/views/test_views_outcomes.py merges SAMPLES)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.scope import ScopeKind
from bot.digests.content import DigestSubscriptions, SubscriptionLine

LINE = SubscriptionLine("C0SALES01", "weekly", "09:00", "Europe/Istanbul", ScopeKind.TEAM, "U0MGR0001", "U0MGR0001")  # fmt: skip

SAMPLES: dict[type, Callable[[], object]] = {
    DigestSubscriptions: lambda: DigestSubscriptions([LINE], changed=LINE, action="subscribed"),
}

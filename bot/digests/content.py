"""What a digest says, as plain data: bot.views.digest renders it, bot.reporting.charts draws its funnel.

No Slack types and no database rows here, so the view is a pure function of this object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.core.outcomes import Outcome
from bot.core.scope import ScopeKind
from bot.reporting.funnel import Funnel


@dataclass(frozen=True, slots=True)
class DealLine:
    deal_id: int
    name: str
    owner_id: str
    stage_name: str
    amount: float | None
    currency: str


@dataclass(frozen=True, slots=True)
class Movement:
    """A deal that changed stage in the window (new, advanced, won, lost, parked)."""

    deal: DealLine
    from_stage: str | None
    to_stage: str | None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Flagged:
    """A stuck deal (days in stage over target) or an idle one (days without activity)."""

    deal: DealLine
    days: int
    limit: int


@dataclass(frozen=True, slots=True)
class Deviation:
    """Off the map's straight path: a gate overridden, or a deal reopened."""

    deal: DealLine
    kind: str  # "override" | "reopen"
    actor_id: str
    from_stage: str | None
    to_stage: str | None
    reason: str | None
    skipped: int = 0  # open items an override passed


@dataclass(frozen=True, slots=True)
class ObjectionCount:
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class Digest:
    scope: ScopeKind
    scope_user_id: str | None
    frequency: str
    tz: str
    window_start: dt.datetime
    window_end: dt.datetime
    new: list[Movement] = field(default_factory=list)
    advanced: list[Movement] = field(default_factory=list)
    won: list[Movement] = field(default_factory=list)
    lost: list[Movement] = field(default_factory=list)
    parked: list[Movement] = field(default_factory=list)
    stuck: list[Flagged] = field(default_factory=list)
    idle: list[Flagged] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    objections: list[ObjectionCount] = field(default_factory=list)
    funnel: Funnel | None = None

    @property
    def quiet(self) -> bool:
        """Nothing moved and nothing needs attention."""
        return not (self.new or self.advanced or self.won or self.lost or self.parked) and not (
            self.stuck or self.idle or self.deviations or self.objections
        )


# -- the /deal digest answers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SubscriptionLine:
    channel_id: str
    frequency: str
    at_time: str
    tz: str | None  # None until the scheduler has read it from the subscriber's profile
    scope: ScopeKind
    scope_user_id: str | None
    created_by: str


@dataclass(frozen=True, slots=True)
class DigestSubscriptions(Outcome):
    """The workspace's digests (`/deal digest list`), and the one just changed, if any."""

    subscriptions: list[SubscriptionLine]
    changed: SubscriptionLine | None = None
    action: str | None = None  # "subscribed" | "replaced" | "unsubscribed"

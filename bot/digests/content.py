"""What a digest says, as plain data: bot.views.digest renders it, bot.reporting.charts draws its funnel.

No Slack types and no database rows here, so the view is a pure function of this object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.core.outcomes import Outcome
from bot.core.scope import ScopeKind
from bot.deals.feedback import FeedbackLine
from bot.reporting.funnel import Funnel
from storage.kpi_deviations import DeviationKind, Tally

FEEDBACK_LINES = 5  # the newest open feedback a digest lists; it counts the rest


@dataclass(frozen=True, slots=True)
class DealLine:
    deal_id: int
    name: str
    owner_id: str
    stage_name: str
    amount: float | None
    currency: str
    expected_close: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Movement:
    """A deal that changed stage in the window (new, advanced, won, lost, parked, reopened)."""

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
class Slipping:
    """A deal whose expected close date moved later SLIPPING_PUSHES times or more."""

    deal: DealLine
    pushes: int


@dataclass(frozen=True, slots=True)
class Deviation:
    """A move past gates without their exit items (docs/kpis.md): a manager's override,
    with the reason and the items left open, or a skip found in the history."""

    deal: DealLine
    kind: DeviationKind
    actor_id: str
    from_stage: str | None  # stage names; for a reopen, the side stage it came back from
    to_stage: str | None
    reason: str | None
    open_items: int = 0  # the items an override passed open
    gates: int = 1  # gates passed without their items
    left_stage: str | None = None  # a reopen: the main-path stage the deal had left


@dataclass(frozen=True, slots=True)
class Awaiting:
    """An item a rep ticked that waits for validation (`validate: manager`)."""

    deal: DealLine
    number: int  # as the checklist numbers it
    item: str
    ticked_by: str
    days: int  # since it was ticked


@dataclass(frozen=True, slots=True)
class WaitingHandoff:
    """A deal handed to its stage's team that nobody there has accepted (docs/handoffs.md)."""

    deal: DealLine
    team: str
    hours: int  # since it was handed over


@dataclass(frozen=True, slots=True)
class ObjectionCount:
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class OpenFeedback:
    """Open feedback on the map from the people in a digest's scope, given before its end."""

    lines: list[FeedbackLine]  # the newest FEEDBACK_LINES, newest first
    total: int


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
    reopened: list[Movement] = field(default_factory=list)
    stuck: list[Flagged] = field(default_factory=list)
    idle: list[Flagged] = field(default_factory=list)
    slipping: list[Slipping] = field(default_factory=list)  # most pushed first
    deviations: list[Deviation] = field(default_factory=list)  # the newest, oldest first
    overridden: Tally = field(default_factory=Tally)  # every override in the window
    skipped: Tally = field(default_factory=Tally)  # every skip in the window
    objections: list[ObjectionCount] = field(default_factory=list)
    awaiting: list[Awaiting] = field(default_factory=list)  # oldest first
    handoffs: list[WaitingHandoff] = field(default_factory=list)  # not accepted yet
    funnel: Funnel | None = None
    feedback: OpenFeedback = field(default_factory=lambda: OpenFeedback([], 0))

    @property
    def quiet(self) -> bool:
        """Nothing moved and nothing needs attention."""
        moved = self.new or self.advanced or self.won or self.lost or self.parked or self.reopened
        return not moved and not (
            self.stuck
            or self.idle
            or self.slipping
            or self.deviation_moves
            or self.objections
            or self.awaiting
            or self.handoffs
            or self.feedback.total
        )

    @property
    def deviation_moves(self) -> int:
        return self.overridden.moves + self.skipped.moves


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


@dataclass(frozen=True, slots=True)
class DigestPreview(Outcome):
    """`/deal digest preview`, `stagecoach digest preview`: the digest a subscription with
    this scope and frequency would post now, posted nowhere; its chart goes to the reader."""

    digest: Digest

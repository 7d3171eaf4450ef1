"""What a use case returns: typed results a view renders, and failures that say what was
wrong and what would be right. No Slack types here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.digests.content import DigestSubscriptions
from bot.onboarding.outcomes import (
    Delivery,
    OnboardingOverview,
    OnboardingStatus,
    QuizAnswered,
    QuizAsked,
    TourShown,
)
from bot.reporting.kpis import Stats
from bot.reporting.plan import Plan
from flows.machine import Move, Transition
from flows.schema import ExitItem, PlaybookEntry, ProcessMap, Stage
from storage.models import DealEvent, DealStatus

# -- the deal as a card shows it ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TickInfo:
    by: str
    at: dt.datetime
    evidence: str | None


@dataclass(frozen=True, slots=True)
class DealCard:
    """Everything the stage card shows; built from one deal, its ticks and its flow."""

    deal_id: int
    name: str
    company: str | None
    amount: float | None
    currency: str
    owner_id: str
    status: DealStatus
    stage: Stage
    process_map: ProcessMap
    ticked: dict[str, TickInfo]
    missing: list[ExitItem]
    moves: list[Transition]
    days_in_stage: int
    idle_days: int
    stuck: bool  # over the stage's target_days
    idle: bool  # no activity for the stage's rot_days
    version: int
    channel_id: str | None
    nurture_until: dt.date | None
    is_practice: bool

    @property
    def can_advance(self) -> bool:
        return not self.missing and self.move(Move.ADVANCE) is not None

    def move(self, kind: Move) -> Transition | None:
        return next((t for t in self.moves if t.move is kind), None)

    @property
    def next_stage(self) -> Stage | None:
        advance = self.move(Move.ADVANCE)
        return self.process_map.stage(advance.dest) if advance else None


@dataclass(frozen=True, slots=True)
class DealRow:
    """One line of a deal list."""

    deal_id: int
    name: str
    owner_id: str
    stage_id: str  # for the DealRef an Open button carries (lists, App Home)
    stage_name: str
    amount: float | None
    currency: str
    days_in_stage: int
    open_items: int
    stuck: bool
    idle: bool
    status: DealStatus


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    card: DealCard
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class Created:
    card: DealCard


@dataclass(frozen=True, slots=True)
class Ticked:
    card: DealCard
    ticked: list[str]
    unticked: list[str]


@dataclass(frozen=True, slots=True)
class Moved:
    """The deal changed stage: advanced, overridden, branched or reopened."""

    card: DealCard
    move: Move
    from_stage: Stage
    reason: str | None = None
    skipped: list[ExitItem] = field(default_factory=list)  # open items an override passed


@dataclass(frozen=True, slots=True)
class DealList:
    title: str
    rows: list[DealRow]
    total: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    event: DealEvent
    from_name: str | None
    to_name: str | None
    item_text: str | None


@dataclass(frozen=True, slots=True)
class DealHistory:
    deal_id: int
    name: str
    entries: list[HistoryEntry]


@dataclass(frozen=True, slots=True)
class Playbook:
    """Objection entries: a stage's own, or the best matches for what the buyer said."""

    entries: list[tuple[Stage, PlaybookEntry]]
    stage: Stage | None
    query: str | None
    deal_name: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectionNoted:
    """An objection recorded on a deal, with the playbook entries that answer it."""

    deal_name: str
    text: str
    matches: list[tuple[Stage, PlaybookEntry]]


@dataclass(frozen=True, slots=True)
class MapPicture:
    """The process map, with how many of the user's open deals sit in each stage."""

    process_map: ProcessMap
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class StatsReport:
    """`/deal stats`: the KPIs of the user's scope (`scope_title` says whose)."""

    stats: Stats
    scope_title: str


@dataclass(frozen=True, slots=True)
class PlanReport:
    """`/deal plan`: the reverse funnel from a quota, for the user's scope."""

    plan: Plan
    scope_title: str


@dataclass(frozen=True, slots=True)
class Done:
    """A change that has no card to show (objection recorded, role set…): say what happened."""

    message: str
    card: DealCard | None = None


# -- failures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Invalid(Failure):
    """Bad input: nothing was changed. `field` names the input that was wrong (name,
    amount, reason, date, stage, evidence:<item>) so a form can show the error beside it."""

    field: str | None = None


@dataclass(frozen=True, slots=True)
class NotFound(Failure):
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Ambiguous(Failure):
    candidates: list[DealRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NotAllowed(Failure):
    pass


@dataclass(frozen=True, slots=True)
class Blocked(Failure):
    """Cannot advance: these required items are open."""

    card: DealCard | None = None
    missing: list[ExitItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Stale(Failure):
    """The deal moved while this request was on its way; here is where it is now."""

    card: DealCard | None = None


Outcome = (
    Shown
    | Created
    | Ticked
    | Moved
    | DealList
    | DealHistory
    | Playbook
    | ObjectionNoted
    | MapPicture
    | DigestSubscriptions  # /deal digest (bot.digests.subscribe)
    | StatsReport  # /deal stats (bot.reporting.stats)
    | PlanReport  # /deal plan (bot.reporting.stats)
    | Done
    | Failure
    # onboarding (bot.onboarding)
    | TourShown
    | QuizAsked
    | QuizAnswered
    | OnboardingOverview
    | OnboardingStatus
    | Delivery
)

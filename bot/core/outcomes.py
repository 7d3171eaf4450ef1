"""What every use case may return, whatever its feature: the base of all outcomes, the
deal as a card shows it, and the failures that say what was wrong and what would be right.

Each feature declares its own outcomes (bot.deals.outcomes, bot.reporting.outcomes,
bot.onboarding.outcomes, bot.digests.content) as subclasses of `Outcome`; a view is
registered per type (bot.views.outcomes), so no module needs to know every feature.
No Slack types here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flows.machine import Move, Transition
from flows.schema import ExitItem, ProcessMap, Stage
from storage.models import DealStatus


class Outcome:
    """What a use case returns: a typed result a view renders, or a Failure."""

    __slots__ = ()


# -- the deal as a card shows it ---------------------------------------------------------

# A deal whose expected close date moved later this many times is slipping: the warning
# the digests give sales managers.
SLIPPING_PUSHES = 3


@dataclass(frozen=True, slots=True)
class TickInfo:
    by: str
    at: dt.datetime
    evidence: str | None
    validated_by: str | None = None


@dataclass(frozen=True, slots=True)
class ApprovalNote:
    """An item's latest approval request, as its card shows it (docs/approvals.md):
    waiting (`by` None), or rejected by `by` with `reason`."""

    approver: str  # as the map writes it: manager, admin, @U…, #C…
    asked: tuple[str, ...]  # who was sent it: user ids, or one channel id
    by: str | None = None
    reason: str | None = None

    @property
    def waiting(self) -> bool:
        return self.by is None


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
    ticked: dict[str, TickInfo]  # what the boxes show: done, or waiting for validation
    missing: list[ExitItem]  # required and not done: what the gate still needs
    moves: list[Transition]
    days_in_stage: int
    idle_days: int
    stuck: bool  # over the stage's target_days
    idle: bool  # no activity for the stage's rot_days
    version: int
    channel_id: str | None
    nurture_until: dt.date | None
    is_practice: bool
    expected_close: dt.date | None = None  # when the owner expects it to close
    close_pushes: int = 0  # how often that date moved later (bot.deals.close_dates)
    # item id → its approval waiting or rejected (`approval:` items; bot.deals.approvals)
    approvals: dict[str, ApprovalNote] = field(default_factory=dict)
    # handed to the stage's owning team: waiting | no_channel | held (docs/handoffs.md)
    handoff: str | None = None
    held_by: str | None = None  # who accepted it

    @property
    def slipping(self) -> bool:
        return self.close_pushes >= SLIPPING_PUSHES

    @property
    def awaiting(self) -> list[ExitItem]:
        """Ticked with their evidence, waiting for the validation the map asks for."""
        return [
            item
            for item in self.stage.exit
            if item.validate_by is not None
            and (tick := self.ticked.get(item.id)) is not None
            and tick.validated_by is None
        ]

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
    expected_close: dt.date | None = None


# -- results every feature may give ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Done(Outcome):
    """A change that has no card to show (objection recorded, role set…): say what happened."""

    message: str
    card: DealCard | None = None


# -- failures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure(Outcome):
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

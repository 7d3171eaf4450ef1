"""What the deal use cases return, for bot.views to render. No Slack types here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.outcomes import DealCard, DealRow, Outcome
from flows.machine import Move
from flows.schema import ExitItem, PlaybookEntry, ProcessMap, Stage
from storage.models import DealEvent


@dataclass(frozen=True, slots=True)
class Shown(Outcome):
    card: DealCard
    notice: str | None = None


@dataclass(frozen=True, slots=True)
class Created(Outcome):
    card: DealCard


@dataclass(frozen=True, slots=True)
class Ticked(Outcome):
    card: DealCard
    ticked: list[str]
    unticked: list[str]
    # asked to be ticked, but each needs its evidence first: the adapter asks for it
    waiting: list[str] = field(default_factory=list)
    # ticked, and waiting for validation (`validate: manager`): the adapter asks these people
    to_validate: list[str] = field(default_factory=list)
    validators: tuple[str, ...] = ()
    # asked by name (`tick`, `untick`) but already so: nothing to do for them, and said
    already_ticked: list[str] = field(default_factory=list)
    not_ticked: list[str] = field(default_factory=list)
    # approval items (docs/approvals.md): asked now (the adapter sends each request), still
    # waiting from before (asked no one again), and withdrawn by this untick
    approvals: tuple[ApprovalAsked, ...] = ()
    approval_waits: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)

    @property
    def asks_others(self) -> bool:
        """Someone else must be asked: validators, or approvers."""
        return bool(self.to_validate or self.approvals)


@dataclass(frozen=True, slots=True)
class ApprovalAsked:
    """A request just recorded for an approval item: the adapter sends it to `asked`
    (DMs to users, or one post to a channel)."""

    request_id: int
    item_id: str
    approver: str  # as the map writes it
    asked: tuple[str, ...]
    to_channel: bool
    requested_by: str
    evidence: str | None


@dataclass(frozen=True, slots=True)
class Approved(Outcome):
    """An allowed person approved a request: the item is ticked (by its requester)."""

    card: DealCard
    item_id: str
    request_id: int
    requested_by: str


@dataclass(frozen=True, slots=True)
class Rejected(Outcome):
    """An allowed person rejected a request, saying why; the item stays unticked."""

    card: DealCard
    item_id: str
    request_id: int
    requested_by: str
    reason: str


@dataclass(frozen=True, slots=True)
class Validated(Outcome):
    """A manager confirmed a ticked item (`validate: manager`): the gate counts it now."""

    card: DealCard
    item_id: str


@dataclass(frozen=True, slots=True)
class SentBack(Outcome):
    """A manager refused a ticked item: it is unticked; the owner is told why."""

    card: DealCard
    item_id: str
    reason: str
    owner_id: str


class EditField(StrEnum):
    """What `/deal edit` changes; the value is the word the command reads."""

    NAME = "name"
    AMOUNT = "amount"
    CURRENCY = "currency"
    OWNER = "owner"
    CLOSE = "close"


# A field's value as stored: a name, an amount, a currency code, a user id or a date.
FieldValue = str | float | dt.date | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: EditField
    before: FieldValue
    after: FieldValue


@dataclass(frozen=True, slots=True)
class Edited(Outcome):
    """The deal's own facts changed (name, amount, currency, owner, expected close)."""

    card: DealCard
    changes: tuple[FieldChange, ...]
    owner_before: str  # who owned the deal before this edit (the same when unchanged)


@dataclass(frozen=True, slots=True)
class EditForm(Outcome):
    """`/deal edit` with nothing to change: Slack opens the form on this card (the user
    may change it: refused before the form opens, never after it is filled in)."""

    card: DealCard


@dataclass(frozen=True, slots=True)
class Moved(Outcome):
    """The deal changed stage: advanced, overridden, branched or reopened."""

    card: DealCard
    move: Move
    from_stage: Stage
    reason: str | None = None
    skipped: list[ExitItem] = field(default_factory=list)  # open items an override passed
    handoff_id: int | None = None  # handed to the new stage's team: post it (docs/handoffs.md)


@dataclass(frozen=True, slots=True)
class DealList(Outcome):
    """The first rows of a list, and how many deals it holds in all (counted, not the
    rows read): "and 80 more" is `total` less the rows shown."""

    title: str
    rows: list[DealRow]
    total: int
    stage_id: str | None = None  # a stage's list: the stage
    within_days: int | None = None  # only deals that entered it in these last days


@dataclass(frozen=True, slots=True)
class Migration:
    """What a move onto another map version did, as the maps word it (bot.deals.showing)."""

    from_version: int
    to_version: int
    carried: int  # ticks carried over
    opened: list[str]  # required items of the new stage left to do
    dropped: list[str]  # ticked items the new stage no longer has
    reset: list[str]  # ticked items whose value no longer fits what the new version asks


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    event: DealEvent
    from_name: str | None
    to_name: str | None
    item_text: str | None
    migration: Migration | None = None  # a migrated event's details


@dataclass(frozen=True, slots=True)
class DealHistory(Outcome):
    deal_id: int
    name: str
    entries: list[HistoryEntry]


@dataclass(frozen=True, slots=True)
class Playbook(Outcome):
    """Objection entries: a stage's own, or the best matches for what the buyer said."""

    entries: list[tuple[Stage, PlaybookEntry]]
    stage: Stage | None
    query: str | None
    deal_name: str | None = None
    deal_stage: str | None = None  # the id of the stage the deal is in, when searched for one


@dataclass(frozen=True, slots=True)
class ObjectionNoted(Outcome):
    """An objection recorded on a deal, with the playbook entries that answer it."""

    deal_name: str
    text: str
    matches: list[tuple[Stage, PlaybookEntry]]


@dataclass(frozen=True, slots=True)
class MapPicture(Outcome):
    """The process map, with how many of the user's open deals sit in each stage."""

    process_map: ProcessMap
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class DealChoice:
    """One answer to "which deal?": the deal, and what the command's text is for it."""

    deal_id: int
    name: str
    text: str


@dataclass(frozen=True, slots=True)
class WhichDeal(Outcome):
    """The words after a command could name a deal or be its text: ask, never guess.
    Each choice runs `command` on its deal with its text (bot.slack.listeners.choices)."""

    question: str
    command: str
    choices: tuple[DealChoice, ...]


@dataclass(frozen=True, slots=True)
class HandoffNotice:
    """What a handoff message says (bot.views.handoff builds it): the deal as typed, its
    amount and owner, the stages it left and entered, the evidence gathered so far, the
    team's user group to mention, and who holds it once accepted."""

    handoff_id: int
    deal_id: int
    name: str
    amount: float | None
    currency: str
    owner_id: str
    team: str  # the new stage's owner label, as the map writes it
    from_stage: str
    to_stage: str
    evidence: tuple[tuple[str, str], ...]  # (item, value) of every ticked item with a value
    channel_id: str
    usergroup_id: str | None
    handed_by: str
    message_ts: str | None
    accepted_by: str | None = None


@dataclass(frozen=True, slots=True)
class HandoffAccepted(Outcome):
    """Accept on a handoff: taken now, or (`already`) held by someone since before."""

    notice: HandoffNotice
    already: bool = False


@dataclass(frozen=True, slots=True)
class OwnerTeam:
    owner: str  # the label as the map writes it
    channel_id: str | None  # None: the map has the owner, the workspace gave it no channel
    usergroup_id: str | None = None


@dataclass(frozen=True, slots=True)
class OwnersShown(Outcome):
    """`/deal owners`: each owner of the workspace's map and its channel, if it has one."""

    teams: tuple[OwnerTeam, ...]
    others: tuple[OwnerTeam, ...] = ()  # set for owners the current map no longer has
    changed: str | None = None  # the owner just set
    removed: str | None = None  # the owner just removed

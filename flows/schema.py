"""The process map as typed data: what a YAML map may say, field by field.

Pydantic checks shapes and types (and reports every problem in one pass);
`flows.validate` checks what spans fields: ids, references, reachability.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from flows.approval_rules import Approver, Condition, parse_approver, parse_condition

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=40)]
# A map's id may also join words with '-' (`default-tr`: a shipped map in another language);
# stage, item and playbook ids may not, because Slack action values join them with '|'.
MAP_ID_PATTERN = r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*"
MapId = Annotated[
    str, StringConstraints(pattern=rf"^{MAP_ID_PATTERN}$", min_length=1, max_length=40)
]

MAX_EXIT_ITEMS = 10  # a Slack checkbox group holds at most 10 options


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StageKind(StrEnum):
    """Where a stage sits: on the main path, or one of the side exits."""

    OPEN = "open"
    LOST = "lost"
    DISQUALIFIED = "disqualified"
    NURTURE = "nurture"


class Branch(StrEnum):
    """Named transitions besides `advance`; each lands in the stage of the matching kind."""

    LOSE = "lose"
    DISQUALIFY = "disqualify"
    NURTURE = "nurture"


BRANCH_TARGET_KIND: dict[Branch, StageKind] = {
    Branch.LOSE: StageKind.LOST,
    Branch.DISQUALIFY: StageKind.DISQUALIFIED,
    Branch.NURTURE: StageKind.NURTURE,
}


class BuyerStage(StrEnum):
    AWARENESS = "awareness"
    CONSIDERATION = "consideration"
    DECISION = "decision"
    ADVOCACY = "advocacy"


class EvidenceType(StrEnum):
    """What kind of value proves an item; Slack shows the matching input (docs/maps.md)."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    PERSON = "person"
    URL = "url"
    CHOICE = "choice"


# A choice is one line of a Slack menu, which shows 75 characters of an option.
Choice = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=75)]
# A stage's owning team: a department's name, kept in the owning teams' table (120 at most).
OwnerLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
MAX_CHOICES = 20  # what a map author can keep readable in one menu (Slack allows 100)


class Evidence(_Strict):
    """The value an exit item asks for: a prompt, its type and, for a choice, the options.
    A map may write just the prompt (`evidence: Budget amount`): a text value."""

    prompt: Text
    type: EvidenceType = EvidenceType.TEXT
    options: list[Choice] = Field(default_factory=list, max_length=MAX_CHOICES)

    @model_validator(mode="after")
    def _options_only_for_a_choice(self) -> Evidence:
        if self.type is EvidenceType.CHOICE and len(self.options) < 2:
            raise ValueError("a choice needs at least two options")
        if self.type is not EvidenceType.CHOICE and self.options:
            raise ValueError(f"options are only for type: choice, not {self.type.value}")
        if len({option.casefold() for option in self.options}) < len(self.options):
            raise ValueError("options must differ from each other")
        return self


class Validator(StrEnum):
    """Who confirms an item a rep ticked before the gate counts it (docs/maps.md)."""

    MANAGER = "manager"  # the owner's manager, or an admin when the owner has none


class Approval(_Strict):
    """Who must approve an item before it counts, and when (docs/maps.md): read once, as
    the map loads; `when` is never evaluated as code (flows.approval_rules)."""

    by: Text = Field(description="manager, admin, @U… (a user) or #C… (a channel)")
    when: Text | None = Field(
        default=None, description="a condition on the deal, such as 'amount >= 100000'"
    )
    _approver: Approver = PrivateAttr()
    _condition: Condition | None = PrivateAttr(default=None)

    @field_validator("by")
    @classmethod
    def _known_approver(cls, value: str) -> str:
        parse_approver(value)
        return value

    @field_validator("when")
    @classmethod
    def _readable_condition(cls, value: str | None) -> str | None:
        if value is not None:
            parse_condition(value)
        return value

    def model_post_init(self, context: object, /) -> None:
        self._approver = parse_approver(self.by)
        self._condition = parse_condition(self.when) if self.when else None

    @property
    def approver(self) -> Approver:
        return self._approver

    def applies(self, amount: float | None) -> bool:
        """Whether a deal of this amount needs the approval (always, with no `when`)."""
        return self._condition is None or self._condition.holds(amount)


class ExitItem(_Strict):
    """One checklist item that must be done before a deal may leave its stage."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: Ident
    text: Text
    required: bool = True
    validate_by: Validator | None = Field(
        default=None,
        alias="validate",
        description="'manager': the rep's tick and evidence wait for their manager's "
        "Validate or Send back before the gate counts the item.",
    )
    evidence: Evidence | None = Field(
        default=None,
        description="The value that proves the item: a prompt ('Budget amount'), or "
        "{prompt, type, options}.",
    )
    approval: Approval | None = Field(
        default=None,
        description="{by, when}: ticking it asks the approver; only their Approve ticks it.",
    )

    @model_validator(mode="after")
    def _validated_or_approved(self) -> ExitItem:
        if self.validate_by is not None and self.approval is not None:
            raise ValueError(
                "an item is either validated (`validate`) or approved (`approval`), not both"
            )
        return self

    @field_validator("evidence", mode="before")
    @classmethod
    def _prompt_alone_is_text(cls, value: object) -> object:
        return {"prompt": value} if isinstance(value, str) else value


class PlaybookEntry(_Strict):
    """An objection buyers raise in a stage, and how to handle it."""

    id: Ident
    objection: Text
    category: Text
    explore: list[Text] = Field(min_length=1)
    response: Text
    proof: Text | None = None
    next_step: Text


class Stage(_Strict):
    id: Ident
    name: Text
    kind: StageKind = StageKind.OPEN
    owner: OwnerLabel
    entry: Text
    activities: list[Text] = Field(min_length=1)
    exit: list[ExitItem] = Field(default_factory=list, max_length=MAX_EXIT_ITEMS)
    probability: int = Field(ge=0, le=100)
    target_days: int | None = Field(default=None, ge=1)
    rot_days: int | None = Field(default=None, ge=1)
    handoff_sla_hours: float | None = Field(
        default=None,
        gt=0,
        description="Hours the owning team has to accept a deal handed to this stage before "
        "its channel is reminded once (docs/handoffs.md).",
    )
    won: bool = False
    next: Ident | None = Field(
        default=None, description="Stage that `advance` leads to; default: the next open stage."
    )
    branches: list[Branch] = Field(default_factory=list)
    reopen: list[Ident] = Field(
        default_factory=list, description="Stages a deal may be reopened to; the first is default."
    )
    buyer_stage: BuyerStage | None = None
    triggers: list[Text] = Field(default_factory=list)
    friction: list[Text] = Field(default_factory=list)
    playbook: list[PlaybookEntry] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.kind is StageKind.OPEN

    def item(self, item_id: str) -> ExitItem | None:
        return next((item for item in self.exit if item.id == item_id), None)


class Goal(_Strict):
    """The source's "start from the end": a concrete target shown with progress in digests."""

    revenue: float = Field(gt=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    by: dt.date


class ProcessMap(_Strict):
    id: MapId
    title: Text
    version: int = Field(ge=1)
    locale: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(_[A-Z]{2})?$")] = "en"
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "USD"
    description: Text | None = None
    goal: Goal | None = None
    lost_reasons: list[Text] = Field(default_factory=list)
    stages: list[Stage] = Field(min_length=2)

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id; KeyError for an id the map does not have."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def has_stage(self, stage_id: str) -> bool:
        return any(stage.id == stage_id for stage in self.stages)

    @property
    def open_stages(self) -> list[Stage]:
        return [stage for stage in self.stages if stage.is_open]

    @property
    def first_stage(self) -> Stage:
        return self.open_stages[0]

    @property
    def won_stage(self) -> Stage:
        return next(stage for stage in self.stages if stage.won)

    def stage_of_kind(self, kind: StageKind) -> Stage | None:
        return next((stage for stage in self.stages if stage.kind is kind), None)

    def next_stage_id(self, stage: Stage) -> str | None:
        """Where `advance` leads from `stage`: its `next`, else the following open stage."""
        if not stage.is_open:
            return None
        if stage.next:
            return stage.next
        main = self.open_stages
        index = main.index(stage)
        return main[index + 1].id if index + 1 < len(main) else None

    def is_post_sale(self, stage_id: str) -> bool:
        """True for open stages after the won stage (implementation, go-live, customer)."""
        main = [stage.id for stage in self.open_stages]
        return stage_id in main and main.index(stage_id) > main.index(self.won_stage.id)

"""Every action id, block id and callback id the app uses, in one place, and the typed
metadata that buttons and modals carry."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum


class ActionId(StrEnum):
    EXIT_ITEMS = "deal_exit_items"  # the checklist checkboxes
    ADVANCE = "deal_advance"
    PLAYBOOK = "deal_playbook"
    HISTORY = "deal_history"
    MORE = "deal_more"  # overflow menu: lose / nurture / disqualify / reopen / override
    EVIDENCE = "deal_evidence"  # opens the evidence modal
    SHOW = "deal_show"  # App Home / lists: open a deal's card
    FULL_CARD = "deal_full_card"  # the reply to a change: show the whole card in its place
    REFRESH_HOME = "home_refresh"
    # onboarding, in the app's DM (bot.views.tour, bot.views.quiz, bot.views.onboarding)
    TOUR_NEXT = "onboard_tour_next"  # value: the step to show (one past the last: finish)
    TOUR_BACK = "onboard_tour_back"  # value: the step to show
    QUIZ_START = "onboard_quiz_start"  # start, continue or retake the quiz
    QUIZ_ANSWER = "onboard_answer"  # a prefix: each choice's button adds "_<n>"
    PRACTICE = "onboard_practice"  # open (or create) the practice deal
    CHOOSE_DEAL = "deal_choose"  # a prefix: "which deal?" buttons add "_<n>" (unique per block)
    VALIDATE = "deal_validate"  # a manager confirms a ticked item (in their DM)
    SEND_BACK = "deal_send_back"  # … or refuses it: opens a form for what is missing
    APPROVE = "deal_approve"  # an approver approves an approval item (docs/approvals.md)
    REJECT = "deal_reject"  # … or rejects it: opens a form for the reason
    HANDOFF_ACCEPT = "handoff_accept"  # a team takes a deal handed to it; value: the handoff id


class CallbackId(StrEnum):
    NEW_DEAL = "new_deal"
    LOSE = "deal_lose"
    DISQUALIFY = "deal_disqualify"
    NURTURE = "deal_nurture"
    REOPEN = "deal_reopen"
    OVERRIDE = "deal_override"
    EVIDENCE = "deal_evidence"
    SEND_BACK = "deal_send_back"
    EDIT = "deal_edit"
    SAVE_AS_EVIDENCE = "save_as_evidence"  # the message shortcut (manifest.yml) and its form
    REJECT = "deal_reject"


class BlockId(StrEnum):
    EXIT_ITEMS = "exit_items"
    CARD_ACTIONS = "card_actions"
    # modal inputs
    NAME = "in_name"
    AMOUNT = "in_amount"
    COMPANY = "in_company"
    REASON = "in_reason"
    NOTE = "in_note"
    DATE = "in_date"
    STAGE = "in_stage"
    CURRENCY = "in_currency"
    OWNER = "in_owner"
    EVIDENCE_PREFIX = "in_evidence:"  # + item id
    SAVE_DEAL = "in_save_deal"  # "Save as evidence": picking a deal dispatches (new items)
    SAVE_ITEM_PREFIX = "in_save_item|"  # + deal id: Slack keeps no pick across deals
    SAVE_REPLACE = "in_save_replace"


# The input element inside each modal input block uses the same id as its block.


@dataclass(frozen=True, slots=True)
class DealRef:
    """What a button or modal carries about its deal: which one, and the stage the user
    saw, so an action on an outdated card is answered "this deal just moved"."""

    deal_id: int
    stage: str
    response_url: str | None = None
    channel_id: str | None = None

    def dumps(self) -> str:
        return json.dumps(
            {k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":")
        )

    @classmethod
    def loads(cls, text: str | None) -> DealRef | None:
        """None for anything that is not a well-formed reference (forged or truncated)."""
        try:
            data = json.loads(text or "")
            ref = cls(
                deal_id=int(data["deal_id"]),
                stage=str(data["stage"]),
                response_url=data.get("response_url"),
                channel_id=data.get("channel_id"),
            )
        except (ValueError, TypeError, KeyError, OverflowError):  # 1e400 is JSON's infinity
            return None
        return ref if ref.deal_id > 0 and ref.stage else None


@dataclass(frozen=True, slots=True)
class ChosenDeal:
    """A "which deal?" button: run `command` on this deal with this text."""

    command: str
    deal_id: int
    text: str

    def dumps(self) -> str:
        # As written, not \uXXXX: a 500-character reason in Cyrillic stays under Slack's
        # 2,000 characters for a button's value.
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def loads(cls, text: object) -> ChosenDeal | None:
        """None for anything but what `dumps` wrote (a forged or truncated value)."""
        try:
            data = json.loads(text if isinstance(text, str) else "")
            chosen = cls(str(data["command"]), int(data["deal_id"]), str(data["text"]))
        except (ValueError, TypeError, KeyError, OverflowError):
            return None
        return chosen if chosen.deal_id > 0 and chosen.command else None


@dataclass(frozen=True, slots=True)
class ValidationRef:
    """A Validate or Send back button: the tick it is about, as the validator saw it
    (`seen`: a mark of its evidence, bot.deals.validating.evidence_mark)."""

    deal_id: int
    stage: str
    item_id: str
    seen: str

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: object) -> ValidationRef | None:
        """None for anything but what `dumps` wrote (a forged or truncated value)."""
        try:
            data = json.loads(text if isinstance(text, str) else "")
            ref = cls(
                int(data["deal_id"]), str(data["stage"]), str(data["item_id"]), str(data["seen"])
            )
        except (ValueError, TypeError, KeyError, OverflowError):
            return None
        return ref if ref.deal_id > 0 and ref.stage and ref.item_id else None


@dataclass(frozen=True, slots=True)
class ApprovalRef:
    """An Approve or Reject button: the request's id, nothing else. The deal, the item,
    who may answer and whether it still waits are read from the database."""

    request_id: int

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: object) -> ApprovalRef | None:
        """None for anything but what `dumps` wrote (a forged or truncated value)."""
        try:
            data = json.loads(text if isinstance(text, str) else "")
            if isinstance(data["request_id"], bool):  # JSON's true is no id, though int() takes it
                return None
            ref = cls(int(data["request_id"]))
        except (ValueError, TypeError, KeyError, OverflowError):
            return None
        return ref if 0 < ref.request_id < 2**53 else None


def checklist_block_id(ref: DealRef) -> str:
    """The checklist block names its deal: a checkbox payload carries the block id and the
    selection, but no button value (and no `message` when the card is ephemeral)."""
    return f"{BlockId.EXIT_ITEMS}|{ref.deal_id}|{ref.stage}"


def parse_checklist_block_id(block_id: object) -> DealRef | None:
    """None for anything but `exit_items|<id>|<stage>` (block ids arrive in payloads)."""
    if not isinstance(block_id, str):
        return None
    prefix, _sep, rest = block_id.partition("|")
    deal_id, _sep, stage = rest.partition("|")
    # ASCII digits, not too many: isdigit() is true for '²', which int() refuses
    digits = deal_id.isascii() and deal_id.isdigit() and len(deal_id) <= 18
    if prefix != BlockId.EXIT_ITEMS or not digits or not stage:
        return None
    return DealRef(deal_id=int(deal_id), stage=stage)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where to show the result of an interaction: the card's response URL (ephemeral
    messages can only be changed through it) or its channel and timestamp."""

    response_url: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None


@dataclass(frozen=True, slots=True)
class ModalMeta:
    """A modal's private_metadata: which deal (and stage seen), which move, where to reply."""

    deal_id: int | None = None
    stage: str | None = None
    move: str | None = None
    reply: ReplyTarget = ReplyTarget()
    item: str | None = None  # a form about one exit item (send back): which
    seen: str | None = None  # … and the mark of its evidence the validator saw

    def dumps(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None and k != "reply"}
        data |= {k: v for k, v in asdict(self.reply).items() if v is not None}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> ModalMeta | None:
        try:
            data = json.loads(text or "")
            if not isinstance(data, dict):
                return None
            deal_id = data.get("deal_id")
            return cls(
                deal_id=int(deal_id) if deal_id is not None else None,
                stage=_str_or_none(data.get("stage")),
                move=_str_or_none(data.get("move")),
                item=_str_or_none(data.get("item")),
                seen=_str_or_none(data.get("seen")),
                reply=ReplyTarget(
                    response_url=_str_or_none(data.get("response_url")),
                    channel_id=_str_or_none(data.get("channel_id")),
                    message_ts=_str_or_none(data.get("message_ts")),
                ),
            )
        except (ValueError, TypeError, OverflowError):  # 1e400 is JSON's infinity
            return None

    @property
    def deal(self) -> DealRef | None:
        if self.deal_id and self.deal_id > 0 and self.stage:
            return DealRef(deal_id=self.deal_id, stage=self.stage)
        return None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None

"""The "Save as evidence" form, opened by the message shortcut
(bot/slack/listeners/shortcuts.py): which deal, and which exit item of its current stage
the message proves; what the form carries about the message; and reading its answers.

Picking another deal dispatches an action (`dispatch_action`), and the listener rebuilds
the form for that deal's items. The item menu's block id names its deal, so Slack keeps no
pick from one deal's items when the menu shows another's, and each option names the deal,
stage and item, so a submission says exactly which checklist the person saw.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core.outcomes import DealCard
from bot.deals.message_evidence import DealChoice, DealsToPick, takes_a_message
from bot.views import limits
from bot.views.blocks import context, section
from bot.views.form_parts import field, modal, options_of
from bot.views.ids import BlockId, CallbackId
from bot.views.modal_state import entry_value, read_input, state_values
from bot.views.mrkdwn import bold, clip, clip_escaped, escape, escape_keeping_mentions
from flows.i18n import _
from flows.schema import ExitItem

QUOTED = 300  # how much of the message the form shows
REPLACE = "replace"


@dataclass(frozen=True, slots=True)
class MessageMeta:
    """The form's private_metadata: the message (its text already read and cut to the
    evidence limit), its permalink, and where to show the card afterwards."""

    channel_id: str
    message_ts: str
    text: str
    permalink: str
    response_url: str | None = None

    def dumps(self) -> str:
        # As written, not \\uXXXX: 500 characters of Cyrillic stay under Slack's 3,000.
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def loads(cls, text: object) -> MessageMeta | None:
        """None for anything but what `dumps` wrote (forged or truncated)."""
        try:
            data = json.loads(text if isinstance(text, str) else "")
            url = data.get("response_url")
            meta = cls(
                channel_id=str(data["channel_id"]),
                message_ts=str(data["message_ts"]),
                text=str(data["text"]),
                permalink=str(data["permalink"]),
                response_url=url if isinstance(url, str) else None,
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        return meta if meta.permalink else None


@dataclass(frozen=True, slots=True)
class PickedItem:
    deal_id: int
    stage: str
    item_id: str


@dataclass(frozen=True, slots=True)
class SaveAnswers:
    deal_id: int | None
    item: PickedItem | None
    replace: bool


def save_evidence_modal(picks: DealsToPick, card: DealCard | None, *, meta: MessageMeta) -> View:
    """The form for `card`'s deal (the default, or the one just picked)."""
    quoted = clip_escaped(meta.text, QUOTED) if meta.text else _("(a message without text)")
    blocks: list[Block] = [section(f"{bold(_('Message'))}\n{quoted}")]
    if not picks.deals or card is None:
        blocks.append(section(escape(_no_deal())))
    else:
        blocks.append(_deal_menu(picks.deals, card))
        if picks.denied is None:
            blocks += _item_blocks(card)
        else:
            said = f"{picks.denied.message}. {picks.denied.hint}"
            blocks.append(section(":no_entry: " + escape_keeping_mentions(said)))
    if picks.not_listed:
        blocks.append(context(escape(_not_listed(picks.not_listed))))
    # Slack wants a submit button on any form with an input (the deal menu is one); a
    # deal with nothing to pick is answered beside its menu on submit.
    has_input = any(isinstance(b, InputBlock) for b in blocks)
    return modal(
        title=_("Save as evidence"),
        submit=_("Save") if has_input else None,
        callback_id=CallbackId.SAVE_AS_EVIDENCE,
        private_metadata=meta.dumps(),
        blocks=blocks,
    )


def _no_deal() -> str:
    return _(
        "No deal to pick: you have no open deals, no deal is bound to this channel and you "
        "have not opened one. Open the deal's card (/deal show <name>) and run the shortcut "
        "again, or create a deal: /deal new Acme 50k"
    )


def _not_listed(count: int) -> str:
    return _(
        "{count} more of your open deals are not listed. To save to one of them, open its "
        "card first (/deal show <name>): the form then starts on it."
    ).format(count=count)


def _deal_menu(deals: list[DealChoice], card: DealCard) -> InputBlock:
    options = options_of([(str(d.deal_id), f"{d.name} · {d.stage_name}") for d in deals])
    initial = next((o for o in options if o.value == str(card.deal_id)), None)
    block = field(
        BlockId.SAVE_DEAL,
        _("Deal"),
        StaticSelectElement(
            placeholder=PlainTextObject(text=clip(_("Pick a deal"), limits.PLACEHOLDER)),
            options=options,
            initial_option=initial,
        ),
    )
    block.dispatch_action = True  # a new deal: the listener shows its items
    return block


def _item_blocks(card: DealCard) -> list[Block]:
    fits = [(n, i) for n, i in enumerate(card.stage.exit, start=1) if takes_a_message(i)]
    typed = [(n, i) for n, i in enumerate(card.stage.exit, start=1) if not takes_a_message(i)]
    blocks: list[Block] = []
    if fits:
        blocks.append(_item_menu(card, fits))
    else:
        said = _("No exit item of {stage} can take a message as its evidence.")
        blocks.append(section(escape(said.format(stage=card.stage.name))))
    if typed:
        names = ", ".join(f"{n}. {i.text}" for n, i in typed)
        said = _("{items}: each asks for a typed value (a number, an amount, a date…), which a message cannot give; tick it on the deal's card.")  # fmt: skip
        blocks.append(context(escape(said.format(items=names))))
    if any(card.ticked.get(i.id) and card.ticked[i.id].evidence for _n, i in fits):
        blocks.append(_replace_box())
    return blocks


def _item_menu(card: DealCard, fits: list[tuple[int, ExitItem]]) -> InputBlock:
    pairs = []
    for number, item in fits:
        done = " ✓" if item.id in card.ticked else ""
        pairs.append((f"{card.deal_id}|{card.stage.id}|{item.id}", f"{number}. {item.text}{done}"))
    return field(
        f"{BlockId.SAVE_ITEM_PREFIX}{card.deal_id}",
        _("Exit item of {stage}").format(stage=card.stage.name),
        StaticSelectElement(
            placeholder=PlainTextObject(
                text=clip(_("Pick the item it proves"), limits.PLACEHOLDER)
            ),
            options=options_of(pairs),
        ),
        hint=_("✓: already ticked"),
    )


def _replace_box() -> InputBlock:
    label = _("Replace its evidence, if the item is already ticked with some")
    return field(
        BlockId.SAVE_REPLACE,
        _("Already ticked?"),
        CheckboxesElement(
            options=[
                Option(value=REPLACE, text=PlainTextObject(text=clip(label, limits.OPTION_TEXT)))
            ]
        ),
        optional=True,
    )


def read_save_evidence(view_state: object) -> SaveAnswers:
    """The deal, the item (as its option named it) and the replace box; None where the
    answer is missing or not one the form offers."""
    values = state_values(view_state)
    deal = read_input(view_state, BlockId.SAVE_DEAL)
    item_block = next((b for b in values if str(b).startswith(BlockId.SAVE_ITEM_PREFIX)), None)
    picked = read_input(view_state, item_block) if item_block else None
    return SaveAnswers(
        deal_id=_deal_id(deal),
        item=_picked_item(picked),
        replace=_ticked_box(values.get(BlockId.SAVE_REPLACE)),
    )


def picked_deal(action: object) -> int | None:
    """The deal a pick in the deal menu names (the action Slack dispatched)."""
    return _deal_id(entry_value(action))


def _deal_id(value: str | None) -> int | None:
    ok = value is not None and value.isascii() and value.isdigit() and len(value) <= 18
    return int(value) if ok and value else None


def _picked_item(value: str | None) -> PickedItem | None:
    deal, _sep, rest = (value or "").partition("|")
    stage, _sep, item = rest.partition("|")
    deal_id = _deal_id(deal)
    return PickedItem(deal_id, stage, item) if deal_id and stage and item else None


def _ticked_box(block: object) -> bool:
    entries = block.values() if isinstance(block, dict) else []
    for entry in entries:
        selected = entry.get("selected_options") if isinstance(entry, dict) else None
        if isinstance(selected, list) and any(
            isinstance(o, dict) and o.get("value") == REPLACE for o in selected
        ):
            return True
    return False

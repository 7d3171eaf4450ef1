"""The stage card: where a deal is, what the stage asks, and what can happen next.

Every button comes from `card.moves` (the flow decides), never from a list written here.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, InteractiveElement

from bot.core.deal_status import side_status
from bot.core.local_formats import day_text
from bot.core.outcomes import DealCard
from bot.views.blocks import button, context, divider, fields, header, section
from bot.views.checklist import checklist_blocks, checklist_status, open_items_text
from bot.views.close_date import close_fact
from bot.views.counts import counted
from bot.views.ids import ActionId, BlockId, DealRef
from bot.views.message import Message
from bot.views.money import format_amount
from bot.views.more_menu import more_menu, parse_overflow_value
from bot.views.mrkdwn import bold, bullets, escape, mention
from flows.i18n import N_, _
from flows.machine import Move
from flows.schema import BuyerStage, ExitItem, Stage
from storage.models import DealStatus

__all__ = [
    "card_blocks",
    "card_text",
    "change_blocks",
    "change_card",
    "parse_overflow_value",
    "stage_card",
]


def stage_card(
    card: DealCard, *, notice: str | None = None, highlight: Sequence[ExitItem] = ()
) -> Message:
    """The card. `notice` is a plain sentence saying what just happened (escaped here, so
    names people typed stay text); `highlight` lists the items that blocked a move."""
    return Message(text=card_text(card, notice=notice), blocks=card_blocks(card, notice, highlight))


def card_blocks(
    card: DealCard, notice: str | None = None, highlight: Sequence[ExitItem] = ()
) -> list[Block]:
    blocks: list[Block] = [header(f"{card.name} · {card.stage.name}")]
    if notice:
        blocks.append(section(escape(notice)))
    blocks += [_facts(card), *_status_blocks(card), *_stage_blocks(card.stage), divider()]
    blocks += checklist_blocks(card)
    if highlight:
        blocks.append(section(open_items_text(card, highlight)))
    blocks += [_actions(card), _footer(card)]
    return blocks


def change_card(card: DealCard, *, notice: str, highlight: Sequence[ExitItem] = ()) -> Message:
    """The reply to a change (a tick, evidence, an advance done or refused, a validation):
    what changed and the checklist, without what the stage means, which the full card
    (`stage_card`, what /deal show shows) keeps behind a button."""
    return Message(
        text=card_text(card, notice=notice), blocks=change_blocks(card, notice, highlight)
    )


def change_blocks(card: DealCard, notice: str, highlight: Sequence[ExitItem] = ()) -> list[Block]:
    blocks: list[Block] = [header(f"{card.name} · {card.stage.name}"), section(escape(notice))]
    blocks += [*_status_blocks(card), *checklist_blocks(card)]
    if highlight:
        blocks.append(section(open_items_text(card, highlight)))
    blocks += [_actions(card, full_card=True), _footer(card)]
    return blocks


def card_text(card: DealCard, *, notice: str | None = None) -> str:
    """ "Acme Corp is in Discovery: 2 of 4 required items open": what a notification shows."""
    where = _("{name} is in {stage}").format(name=card.name, stage=card.stage.name)
    if card.stage.exit and card.stage.is_open:
        where = f"{where}: {checklist_status(card)}"
    return f"{notice} — {where}" if notice else where


# -- the facts ------------------------------------------------------------------------------


def _facts(card: DealCard) -> Block:
    pairs = [
        (_("Amount"), format_amount(card.amount, card.currency)),
        (_("Owner"), mention(card.owner_id)),
        (_("Stage owner"), stage_holder(card)),
        (_("In stage"), _days_text(card)),
    ]
    if card.expected_close:
        pairs.append((_("Expected close"), close_fact(card.expected_close, card.close_pushes)))
    if card.company:
        pairs.insert(1, (_("Company"), escape(card.company)))
    return fields(pairs)


def stage_holder(card: DealCard) -> str:
    """ "Implementation · held by @ayse", or who has yet to take it (docs/handoffs.md)."""
    owner = escape(card.stage.owner)
    if card.handoff == "held" and card.held_by:
        return _("{owner} · held by {person}").format(owner=owner, person=mention(card.held_by))
    if card.handoff == "waiting":
        return _("waiting for {owner} to accept").format(owner=owner)
    if card.handoff == "no_channel":
        return _("{owner} · no channel yet: /deal owners set {owner} #channel").format(owner=owner)
    return owner


def _days_text(card: DealCard) -> str:
    days = counted(card.days_in_stage, "{count} day", "{count} days")
    if card.stuck and card.stage.target_days:
        days += " · :rotating_light: " + _("stuck (target {target} days)").format(
            target=card.stage.target_days
        )
    if card.idle:
        days += " · :zzz: " + _("idle for {days}").format(
            days=counted(card.idle_days, "{count} day", "{count} days")
        )
    return days


def _status_blocks(card: DealCard) -> list[Block]:
    """Side stages and won deals say so, with the re-engage date and where they may reopen."""
    status = _side_status(card)
    if status is None:
        return []
    lines = [f"{_status_emoji(status)} {bold(_status_name(status))}"]
    if card.nurture_until:
        lines.append(_("Re-engage on {date}").format(date=day_text(card.nurture_until)))
    targets = [card.process_map.stage(t.dest).name for t in card.moves if t.move is Move.REOPEN]
    if targets:
        lines.append(_("Can be reopened to: {stages}").format(stages=escape(", ".join(targets))))
    return [section("\n".join(lines))]


def _side_status(card: DealCard) -> DealStatus | None:
    """The stage's kind is the truth for side stages; only "won" needs the deal's status."""
    side = side_status(card.stage.kind)
    if side is not None:
        return side
    return DealStatus.WON if card.status is DealStatus.WON else None


def _status_name(status: DealStatus) -> str:
    names = {
        DealStatus.WON: _("Won"),
        DealStatus.LOST: _("Lost"),
        DealStatus.DISQUALIFIED: _("Disqualified"),
        DealStatus.NURTURE: _("In nurture"),
    }
    return names.get(status, str(status))


def _status_emoji(status: DealStatus) -> str:
    return {
        DealStatus.WON: ":trophy:",
        DealStatus.LOST: ":no_entry:",
        DealStatus.DISQUALIFIED: ":no_entry_sign:",
        DealStatus.NURTURE: ":seedling:",
    }.get(status, ":information_source:")


# -- what the stage means -------------------------------------------------------------------


def _stage_blocks(stage: Stage) -> list[Block]:
    blocks: list[Block] = [
        section(f"{bold(_('What lets a deal be here'))}\n{escape(stage.entry)}"),
        section(f"{bold(_('What happens here'))}\n{bullets(escape(a) for a in stage.activities)}"),
    ]
    journey = _journey(stage)
    if journey:
        blocks.append(context(*journey))
    return blocks


def _journey(stage: Stage) -> list[str]:
    """The buyer's side of the stage (buyer_stage, triggers, friction), when the map has it."""
    parts = []
    if stage.buyer_stage:
        parts.append(_("Buyer: {stage}").format(stage=_(_BUYER_STAGES[stage.buyer_stage])))
    if stage.triggers:
        parts.append(_("Moves them on: {what}").format(what=escape(_sentences(stage.triggers))))
    if stage.friction:
        parts.append(_("Stalls them: {what}").format(what=escape(_sentences(stage.friction))))
    return parts


# The map names the buyer's stage in English, a value for the YAML; shown translated.
_BUYER_STAGES = {
    BuyerStage.AWARENESS: N_("awareness"),
    BuyerStage.CONSIDERATION: N_("consideration"),
    BuyerStage.DECISION: N_("decision"),
    BuyerStage.ADVOCACY: N_("advocacy"),
}


def _sentences(lines: list[str]) -> str:
    return "; ".join(line.rstrip(".") for line in lines) + "."


# -- what can happen next -------------------------------------------------------------------


def _actions(card: DealCard, *, full_card: bool = False) -> Block:
    ref = DealRef(deal_id=card.deal_id, stage=card.stage.id).dumps()
    elements: list[InteractiveElement] = []
    if card.move(Move.ADVANCE):
        elements.append(
            button(_("Advance"), action_id=ActionId.ADVANCE, value=ref, style="primary")
        )
    if card.stage.playbook:
        elements.append(button(_("Playbook"), action_id=ActionId.PLAYBOOK, value=ref))
    elements.append(button(_("History"), action_id=ActionId.HISTORY, value=ref))
    if full_card:
        elements.append(button(_("Full card"), action_id=ActionId.FULL_CARD, value=ref))
    menu = more_menu(card)
    if menu is not None:
        elements.append(menu)
    return ActionsBlock(block_id=BlockId.CARD_ACTIONS, elements=elements)


def _footer(card: DealCard) -> Block:
    where = _("Deal #{id} · {map} v{version}").format(
        id=card.deal_id, map=escape(card.process_map.title), version=card.process_map.version
    )
    following = card.next_stage
    if following is not None:
        where += " · " + _("next: {stage}").format(stage=escape(following.name))
    if card.is_practice:
        where += " · " + _("practice deal")
    return context(where)

"""A Slack message as the evidence of an exit item ("Save as evidence", a message shortcut;
docs/architecture.md, "One change path"): the deals to pick from, and the save itself,
which ticks the item through the one change path with the message's text and permalink.

A message is words and a link, so it can prove an item that asks for text (or for no value
at all) and one that asks for a link; an item that wants a number, an amount, a date, a
person or a choice needs that typed value, and a message cannot give it. An item already
ticked with evidence keeps it unless the person asks to replace it: the message may be
better proof, but overwriting what someone else recorded should be a choice, not a slip.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access import may_change
from bot.core.context import Actor, Services
from bot.core.outcomes import DealCard, Invalid, NotAllowed, Outcome
from bot.core.refs import SeenDeal
from bot.core.slack_text import readable
from bot.deals.cards import build_card
from bot.deals.evidence_values import MAX_EVIDENCE
from bot.deals.ticking import apply_ticks
from bot.deals.writes import Change, change_deal
from flows.caseless import sort_key
from flows.i18n import N_, TURKISH, _, current_locale
from flows.schema import EvidenceType, ExitItem
from storage import deal_queries
from storage.deal_queries import DealFilter
from storage.models import Deal, ExitTick

PICK_LIMIT = 100  # a static menu's options (Slack's limit)
SEPARATOR = " — "
ELLIPSIS = "…"
# What a message can be: words, or a link to itself.
FROM_A_MESSAGE = (EvidenceType.TEXT, EvidenceType.URL)
# What an item asks for, in words: the type's value is the map's YAML, in English.
_KINDS = {
    EvidenceType.TEXT: N_("text"),
    EvidenceType.NUMBER: N_("a number"),
    EvidenceType.MONEY: N_("an amount"),
    EvidenceType.DATE: N_("a date"),
    EvidenceType.PERSON: N_("a person"),
    EvidenceType.URL: N_("a link"),
    EvidenceType.CHOICE: N_("a choice"),
}


@dataclass(frozen=True, slots=True)
class SavedMessage:
    """The message being saved: its text as people read it, and where it lives."""

    text: str
    permalink: str


@dataclass(frozen=True, slots=True)
class DealChoice:
    deal_id: int
    name: str
    stage_name: str


@dataclass(frozen=True, slots=True)
class DealsToPick:
    """The deals the form offers (the default first), the default's card, and how many of
    the person's open deals did not fit in the menu."""

    deals: list[DealChoice]
    card: DealCard | None
    not_listed: int
    # Why the person may not change the card's deal, if they may not: said in the form,
    # which then offers no item of it (refused at the click, not after the form is filled).
    denied: NotAllowed | None = None


def message_text(wire: str) -> str:
    """A message's text (Slack's escaped markup) as it reads, on one line, short enough
    for evidence."""
    return clipped(" ".join(readable(wire).split()), MAX_EVIDENCE)


def clipped(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def takes_a_message(item: ExitItem) -> bool:
    return item.evidence is None or item.evidence.type in FROM_A_MESSAGE


def evidence_value(item: ExitItem, message: SavedMessage) -> str:
    """What is recorded: the link alone for an item that asks for a link; else the text,
    cut to leave room for the link after it."""
    if item.evidence is not None and item.evidence.type is EvidenceType.URL:
        return message.permalink
    room = MAX_EVIDENCE - len(message.permalink) - len(SEPARATOR)
    text = clipped(message.text, room) if room > len(ELLIPSIS) else ""
    return f"{text}{SEPARATOR}{message.permalink}" if text else message.permalink


async def deals_to_pick(
    services: Services, actor: Actor, *, pick: int | None = None
) -> DealsToPick:
    """The deal `pick` names, else the channel's deal or the person's current one, first;
    then their own open deals: one look-up of the first (indexed) and one read for the list
    and the first one's ticks, since the form must open within Slack's 3 seconds."""
    if pick is not None:
        default = await services.deals.by_id(actor.team_id, pick)
    else:
        default = await services.deals.current(actor.team_id, actor.user_id, actor.channel_id)
    mine = DealFilter(team_id=actor.team_id, owner_ids=(actor.user_id,))
    async with services.db.read() as session:
        owned = await deal_queries.list_deals(session, mine, limit=PICK_LIMIT + 1)
        full = len(owned) > PICK_LIMIT
        total = await deal_queries.count_deals(session, mine) if full else len(owned)
        default = default or (min(owned, key=_by_name) if owned else None)
        ticks: list[ExitTick] = []
        denied = None
        if default is not None:
            assert default.id is not None
            ticks = await deal_queries.ticks_for(session, deal_id=default.id, stage=default.stage)
            denied = await may_change(session, services, actor, default)
    listed = sorted(owned[:PICK_LIMIT], key=_by_name)
    if default is not None:
        listed = [default, *(d for d in listed if d.id != default.id)][:PICK_LIMIT]
    choices = [await _choice(services, deal) for deal in listed]
    card = await _card(services, default, ticks) if default is not None else None
    shown = sum(1 for deal in listed if deal.owner_id == actor.user_id)
    return DealsToPick(deals=choices, card=card, not_listed=max(total - shown, 0), denied=denied)


def _by_name(deal: Deal) -> str:
    """Alphabetical in the reader's language (Turkish: Çelik after Cem)."""
    return sort_key(deal.name, turkish=current_locale() == TURKISH)


async def _choice(services: Services, deal: Deal) -> DealChoice:
    flow = await services.catalog.flow(services.db, map_id=deal.map_id, version=deal.map_version)
    assert deal.id is not None
    return DealChoice(deal_id=deal.id, name=deal.name, stage_name=flow.stage(deal.stage).name)


async def _card(services: Services, deal: Deal, ticks: list[ExitTick]) -> DealCard:
    flow = await services.catalog.flow(services.db, map_id=deal.map_id, version=deal.map_version)
    return build_card(deal=deal, ticks=ticks, flow=flow, now=services.clock())


async def save_message(
    services: Services,
    actor: Actor,
    seen: SeenDeal,
    *,
    item_id: str,
    message: SavedMessage,
    replace: bool,
) -> Outcome:
    """Tick `item_id` of the deal `seen` names with the message as its evidence: `Stale`
    if the deal left the stage the form showed, refused if the actor may not change it."""

    async def apply(change: Change) -> Outcome:
        item = change.flow.stage(change.deal.stage).item(item_id)
        if item is None:
            return Invalid(
                _("that item is not on the deal's current stage"),
                _("close the form and run the shortcut again"),
                field="item",
            )
        value = evidence_value(item, message)
        refused = _refusal(item, change.ticks, value=value, replace=replace)
        if refused is not None:
            return refused
        return await apply_ticks(change, None, [], [], {item.id: value})

    return await change_deal(services, actor, seen, apply)


def _refusal(item: ExitItem, ticks: list[ExitTick], *, value: str, replace: bool) -> Invalid | None:
    if not takes_a_message(item):
        assert item.evidence is not None
        return Invalid(
            _("“{item}” asks for {prompt} ({kind}), which a message cannot give").format(
                item=item.text, prompt=item.evidence.prompt, kind=_(_KINDS[item.evidence.type])
            ),
            _("tick it on the deal's card and type the value; pick an item that takes text"),
            field="item",
        )
    recorded = next((t.evidence for t in ticks if t.item_id == item.id and t.evidence), None)
    if recorded and recorded != value and not replace:  # the same message again: no news
        return Invalid(
            _("“{item}” is already ticked, with: {evidence}").format(
                item=item.text, evidence=clipped(recorded, 120)
            ),
            _("tick “Replace its evidence” to save this message instead, or pick another item"),
            field="replace",
        )
    return None

"""Finding the deal a command or a click is about, and loading what its card needs.

A reference (bot.core.refs) is a number, a name prefix (compared folded: case, accents
and the Turkish i's ignored, storage.name_keys), a click's deal
and stage, or nothing: then the deal bound to the current channel, else the user's most
recently touched deal.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.outcomes import Ambiguous, DealCard, DealRow, Failure, NotFound
from bot.core.refs import CurrentDeal, DealName, DealNumber, DealRef, SeenDeal
from bot.deals.approval_notes import notes_for
from bot.deals.cards import LeftAt, build_card, build_row
from flows.i18n import _
from storage import deal_queries
from storage.deal_store import DealAndTicks, NameMatches
from storage.models import Deal, ExitTick
from storage.name_keys import fold

LONGEST_NAME = 120  # Deal.name's column length (bot.deals.creating.MAX_NAME)
QUOTED = 60  # how much of an overlong reference a reply quotes back


def named_id(ref: DealRef) -> int | None:
    """The deal id a reference names outright (a number, or a click's deal), else None."""
    return ref.deal_id if isinstance(ref, DealNumber | SeenDeal) else None


async def find_deal(services: Services, actor: Actor, ref: DealRef) -> Deal | Failure:
    if isinstance(ref, CurrentDeal):
        return await _implicit_deal(services, actor)
    if isinstance(ref, DealName):
        return await _by_name(services, actor, ref.prefix)
    deal = await services.deals.by_id(actor.team_id, ref.deal_id)  # None past the id range
    return deal or no_such_deal(ref.deal_id)


def no_such_deal(deal_id: int) -> NotFound:
    """The answer when the deal a number names is not in the user's workspace."""
    return NotFound(
        _("there is no deal #{id} in this workspace").format(id=deal_id),
        _("use /deal list to see your deals"),
    )


async def _implicit_deal(services: Services, actor: Actor) -> Deal | Failure:
    deal = await services.deals.current(actor.team_id, actor.user_id, actor.channel_id)
    if deal:
        return deal
    return NotFound(
        _("no deal given, and you have not worked on one yet"),
        _("name one (/deal show acme or /deal show #42) or create one: /deal new Acme 50k"),
    )


async def _by_name(
    services: Services, actor: Actor, ref: str, found: NameMatches | None = None
) -> Deal | Failure:
    """`found`: what the store already answered for `ref`, if it was asked (card_of)."""
    if len(ref) > LONGEST_NAME:  # no name is that long; SQLite refuses such a LIKE pattern
        return NotFound(
            _("no deal's name starts with '{ref}'").format(ref=ref[:QUOTED] + "…"),
            _("deal names are at most {most} characters; use /deal list to see your deals").format(
                most=LONGEST_NAME
            ),
        )
    found = found or await services.deals.by_name(actor.team_id, ref)
    matches = found.deals
    if found.named is not None:
        return found.named
    if matches:
        return Ambiguous(
            _("'{ref}' matches {count} deals").format(ref=ref, count=len(matches)),
            _("name it by number, e.g. /deal show #{id}").format(id=matches[0].id),
            candidates=await build_rows(services, matches, await services.deals.ticks_of(matches)),
        )
    close = _close_names(ref, found.recent_names)
    return NotFound(
        _("no deal's name starts with '{ref}'").format(ref=ref),
        (_("did you mean: ") + ", ".join(close))
        if close
        else _("use /deal list to see your deals"),
        suggestions=close,
    )


def _close_names(ref: str, names: Sequence[str]) -> list[str]:
    """The names closest to what was typed, compared folded (`MUSTERI GORUSMSI` is near
    "Müşteri Görüşmesi"), as they were written."""
    by_key = {fold(name): name for name in reversed(names)}  # the most recent of a key
    close = difflib.get_close_matches(fold(ref), list(by_key), n=3, cutoff=0.5)
    return [by_key[key] for key in close]


async def card_for(services: Services, deal: Deal) -> DealCard:
    return await build_deal_card(services, deal, await services.deals.ticks(deal))


async def build_deal_card(
    services: Services, deal: Deal, ticks: Sequence[ExitTick], *, left: LeftAt | None = None
) -> DealCard:
    """The card of `deal` with `ticks` (its current stage's), under the deal's map."""
    flow = await services.catalog.flow(services.db, map_id=deal.map_id, version=deal.map_version)
    if left is None and not flow.stage(deal.stage).is_open:
        left = LeftAt(await services.deals.stage_left(deal))
    notes = await notes_for(services, deal, flow.stage(deal.stage))
    now = services.clock()
    return build_card(deal=deal, ticks=ticks, flow=flow, now=now, left=left, approvals=notes)


async def card_of(services: Services, actor: Actor, ref: DealRef) -> DealCard | Failure:
    """The card of the deal `ref` names; a deal named (not the implicit one) becomes the
    actor's default deal.

    A deal named by number comes with its ticks (and the actor's default deal, so that
    an unchanged one is not written again) in one statement: what `/deal show #42` and
    every card button ask. A deal named by its name comes the same way, in the read that
    finds it. Any other reference, or a number that names no deal, takes find_deal's way
    and its answers.
    """
    deal_id = named_id(ref)
    if deal_id is not None:
        found = await services.deals.for_card(actor.team_id, deal_id, named_by=actor.user_id)
        if found is not None:
            return await _card_from(services, found)
    if isinstance(ref, DealName) and len(ref.prefix) <= LONGEST_NAME:
        # The deal a name names comes with its card's read, as a number's does.
        matches = await services.deals.by_name(
            actor.team_id, ref.prefix, card_named_by=actor.user_id
        )
        if matches.card is not None:
            return await _card_from(services, matches.card)
        deal_or_failure = await _by_name(services, actor, ref.prefix, matches)
    else:
        deal_or_failure = await find_deal(services, actor, ref)
    if isinstance(deal_or_failure, Failure):
        return deal_or_failure
    card = await card_for(services, deal_or_failure)
    if not isinstance(ref, CurrentDeal):
        services.touch(actor, card.deal_id)
    return card


async def card_by_number(services: Services, team_id: str, deal_id: int) -> DealCard | None:
    """The deal's card as it stands, for showing it elsewhere (a deal room's pinned card):
    nobody named it, so nobody's default deal changes. None: no such deal."""
    found = await services.deals.for_card(team_id, deal_id)
    return None if found is None else await _card_from(services, found)


async def _card_from(services: Services, found: DealAndTicks) -> DealCard:
    left = LeftAt(found.left) if found.left_asked else None
    return await build_deal_card(services, found.deal, found.ticks, left=left)


async def rows_for(
    session: AsyncSession, services: Services, deals: Sequence[Deal]
) -> list[DealRow]:
    """The rows of a list of deals, their ticks read in `session` (the list's read)."""
    return await build_rows(
        services, deals, await deal_queries.ticks_for_deals(session, deals=deals)
    )


async def build_rows(
    services: Services, deals: Sequence[Deal], ticks: Mapping[int, list[ExitTick]]
) -> list[DealRow]:
    rows = []
    for deal in deals:
        assert deal.id is not None
        flow = await services.catalog.flow(
            services.db, map_id=deal.map_id, version=deal.map_version
        )
        rows.append(build_row(deal=deal, ticks=ticks[deal.id], flow=flow, now=services.clock()))
    return rows

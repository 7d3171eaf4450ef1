"""Finding the deal a command is about, and loading what its card needs.

A reference is `#42` (or `42`), a name prefix (case-insensitive), or nothing: then the
deal bound to the current channel, else the user's most recently touched deal.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.outcomes import Ambiguous, DealCard, DealRow, Failure, NotFound
from bot.deals.cards import build_card, build_row
from flows.i18n import _
from storage import deal_queries, queries
from storage.models import Deal, ExitTick

# Deal ids are a 32-bit integer column on PostgreSQL: a bigger number is no deal, and
# must not reach the query (asyncpg refuses it as out of range).
MAX_DEAL_ID = 2**31 - 1
LONGEST_NAME = 120  # Deal.name's column length (bot.deals.deals.MAX_NAME)
QUOTED = 60  # how much of an overlong reference a reply quotes back


def parse_deal_id(ref: str) -> int | None:
    text = ref.strip().removeprefix("#")
    # ASCII digits only: str.isdigit() is also true for '²' and '①', which int() refuses.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 40 else None


def session_to_find(
    services: Services, ref: str | None
) -> AbstractAsyncContextManager[AsyncSession]:
    """The read session to find `ref` in. A quick read (on SQLite, on the event loop's
    thread) when that takes only indexed look-ups of a row or two: a number, or no
    reference (the channel's deal, the user's last). A name's prefix may match much of the
    workspace, and one no deal has is matched against hundreds of names: a plain read."""
    found_by_index = ref is None or not ref.strip() or parse_deal_id(ref) is not None
    return services.db.quick_read() if found_by_index else services.db.read()


async def find_deal(
    session: AsyncSession, services: Services, actor: Actor, ref: str | None
) -> Deal | Failure:
    if ref is None or not ref.strip():
        return await _implicit_deal(session, services, actor)
    deal_id = parse_deal_id(ref)
    if deal_id is not None:
        deal = None
        if deal_id <= MAX_DEAL_ID:
            deal = await deal_queries.deal_by_id(session, team_id=actor.team_id, deal_id=deal_id)
        return deal or no_such_deal(deal_id)
    return await _by_name(session, services, actor, ref.strip())


def no_such_deal(deal_id: int) -> NotFound:
    """The answer when the deal a number names is not in the user's workspace."""
    return NotFound(
        _("there is no deal #{id} in this workspace").format(id=deal_id),
        _("use /deal list to see your deals"),
    )


async def _implicit_deal(session: AsyncSession, services: Services, actor: Actor) -> Deal | Failure:
    if actor.channel_id:
        bound = await deal_queries.deal_bound_to(
            session, team_id=actor.team_id, channel_id=actor.channel_id
        )
        if bound:
            return bound
    last_deal_id = await _last_deal_id(session, services, actor)
    if last_deal_id:
        deal = await deal_queries.deal_by_id(session, team_id=actor.team_id, deal_id=last_deal_id)
        if deal:
            return deal
    return NotFound(
        _("no deal given, and you have not worked on one yet"),
        _("name one (/deal show acme or /deal show #42) or create one: /deal new Acme 50k"),
    )


async def _last_deal_id(session: AsyncSession, services: Services, actor: Actor) -> int | None:
    held, deal_id = services.recent.known(actor.key)  # not written yet: newer than the row
    if held:
        return deal_id
    person = await queries.person(session, team_id=actor.team_id, user_id=actor.user_id)
    return person.last_deal_id if person else None


async def _by_name(
    session: AsyncSession, services: Services, actor: Actor, ref: str
) -> Deal | Failure:
    if len(ref) > LONGEST_NAME:  # no name is that long; SQLite refuses such a LIKE pattern
        return NotFound(
            _("no deal's name starts with '{ref}'").format(ref=ref[:QUOTED] + "…"),
            _("deal names are at most {most} characters; use /deal list to see your deals").format(
                most=LONGEST_NAME
            ),
        )
    matches = await deal_queries.deals_by_name_prefix(session, team_id=actor.team_id, prefix=ref)
    exact = [deal for deal in matches if deal.name_key == ref.lower()]
    if len(exact) == 1 or len(matches) == 1:
        return exact[0] if exact else matches[0]
    if matches:
        return Ambiguous(
            _("'{ref}' matches {count} deals").format(ref=ref, count=len(matches)),
            _("name it by number, e.g. /deal show #{id}").format(id=matches[0].id),
            candidates=await rows_for(session, services, matches),
        )
    names = await deal_queries.all_deal_names(session, team_id=actor.team_id)
    close = difflib.get_close_matches(ref, list(names), n=3, cutoff=0.5)
    return NotFound(
        _("no deal's name starts with '{ref}'").format(ref=ref),
        (_("did you mean: ") + ", ".join(close))
        if close
        else _("use /deal list to see your deals"),
        suggestions=close,
    )


async def card_for(session: AsyncSession, services: Services, deal: Deal) -> DealCard:
    assert deal.id is not None
    ticks = await deal_queries.ticks_for(session, deal_id=deal.id, stage=deal.stage)
    return await _card(services, deal, ticks)


async def _card(services: Services, deal: Deal, ticks: Sequence[ExitTick]) -> DealCard:
    flow = await services.catalog.flow(services.db, map_id=deal.map_id, version=deal.map_version)
    return build_card(deal=deal, ticks=ticks, flow=flow, now=services.clock())


async def card_of(
    session: AsyncSession, services: Services, actor: Actor, ref: str | None
) -> tuple[DealCard, int | None] | Failure:
    """The card of the deal `ref` names, and the actor's last deal id (None: not known).

    A deal named by number comes with its ticks and the actor's last deal in one
    statement (what `/deal show #42` and every card button ask); any other reference, or
    a number that names no deal, takes find_deal's way and its answers.
    """
    deal_id = parse_deal_id(ref) if ref else None
    if deal_id is not None and deal_id <= MAX_DEAL_ID:
        found = await deal_queries.deal_for_card(
            session, team_id=actor.team_id, deal_id=deal_id, user_id=actor.user_id
        )
        if found is not None:
            deal, ticks, last_deal_id = found
            return await _card(services, deal, ticks), last_deal_id
    deal_or_failure = await find_deal(session, services, actor, ref)
    if isinstance(deal_or_failure, Failure):
        return deal_or_failure
    return await card_for(session, services, deal_or_failure), None


async def rows_for(
    session: AsyncSession, services: Services, deals: Sequence[Deal]
) -> list[DealRow]:
    ticks = await deal_queries.ticks_for_deals(session, deals=deals)
    rows = []
    for deal in deals:
        assert deal.id is not None
        flow = await services.catalog.flow(
            services.db, map_id=deal.map_id, version=deal.map_version
        )
        rows.append(build_row(deal=deal, ticks=ticks[deal.id], flow=flow, now=services.clock()))
    return rows

"""Listing deals: one's own, one's team's or the workspace's open deals, or the deals in
one stage (a closed one too: won, lost, disqualified, over a period), in an order asked for."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.deal_status import status_for
from bot.core.outcomes import Invalid, Outcome
from bot.core.teams import team_around
from bot.core.workspace_settings import workspace_map
from bot.deals.lookup import rows_for
from bot.deals.outcomes import DealList
from flows.caseless import caseless
from flows.i18n import _
from flows.schema import ProcessMap, Stage, StageKind
from storage import deal_queries
from storage.deal_queries import DealFilter, DealOrder
from storage.models import DealStatus

ListScope = Literal["mine", "team", "all"]
# amount: largest first; age: longest in the stage first. (By expected close date would
# need the deal to have one.)
ListSort = Literal["amount", "age", "close"]
# The rows a list reads: as many as its message shows (bot.views.deal_list); the rest are
# counted, not read, and each row read costs a card's worth of work.
PAGE_ROWS = 20
# A closed stage (won, lost, disqualified) only ever grows: its list holds the deals
# closed lately unless the command names a period (`/deal list stage lost 365d`).
CLOSED_WITHIN_DAYS = 90
# Where a deal's sale ends: the won stage, lost, disqualified. Not nurture (the deal comes
# back) nor the stages after the won one (the customer's onboarding is work under way).
_CLOSED_KINDS = (StageKind.LOST, StageKind.DISQUALIFIED)


async def list_deals(
    services: Services,
    actor: Actor,
    *,
    scope: ListScope = "mine",
    stage: str | None = None,
    within_days: int | None = None,
    sort: ListSort | None = None,
) -> Outcome:
    """`within_days` keeps the deals that entered their stage that many days ago or
    since; a stage list has a period of its own when it is a closed stage."""
    process_map = await workspace_map(services, actor.team_id)
    in_stage = None
    if stage is not None:
        found = _stage_id(process_map, stage)
        if isinstance(found, Invalid):
            return found
        in_stage = process_map.stage(found)
    closed = in_stage is not None and _is_closed(in_stage)
    days = CLOSED_WITHIN_DAYS if closed and within_days is None else within_days
    async with services.db.read() as session:
        owners, whose = await _scope_owners(session, actor, scope)
        matching = DealFilter(
            team_id=actor.team_id,
            owner_ids=owners,
            stage=in_stage.id if in_stage else None,
            statuses=(status_for(process_map, in_stage),) if in_stage else (DealStatus.OPEN,),
            entered_since=_days_back(services, days),
        )
        order = _order(sort, closed=closed)
        page = await deal_queries.deal_page(session, matching, limit=PAGE_ROWS, order=order)
        rows = await rows_for(session, services, page.deals)
    title = _title(whose, in_stage, days, closed=closed) + _sorted(sort)
    return DealList(
        title=title,
        rows=rows,
        total=page.total,
        stage_id=in_stage.id if in_stage else None,
        within_days=days,
    )


def _is_closed(stage: Stage) -> bool:
    return stage.won or stage.kind in _CLOSED_KINDS


def _days_back(services: Services, days: int | None) -> dt.datetime | None:
    return None if days is None else services.clock() - dt.timedelta(days=days)


def _order(sort: ListSort | None, *, closed: bool) -> DealOrder:
    if sort == "amount":
        return DealOrder.LARGEST_AMOUNT
    if sort == "close":
        return DealOrder.SOONEST_CLOSE
    if sort is None and closed:
        return DealOrder.NEWEST_IN_STAGE
    return DealOrder.LONGEST_IN_STAGE


async def _scope_owners(
    session: AsyncSession, actor: Actor, scope: ListScope
) -> tuple[tuple[str, ...] | None, ListScope]:
    """Whose deals, and the scope that says so: a team list without a team is everyone's."""
    if scope == "mine":
        return (actor.user_id,), "mine"
    if scope == "team":
        owners = await team_around(session, team_id=actor.team_id, user_id=actor.user_id)
        if owners is not None:
            return tuple(owners), "team"
    return None, "all"


def _title(whose: ListScope, stage: Stage | None, days: int | None, *, closed: bool) -> str:
    if stage is None:
        titles = {
            "mine": _("Your open deals"),
            "team": _("Your team's open deals"),
            "all": _("Open deals in this workspace"),
        }
        title = titles[whose]
    else:
        titles = {
            "mine": _("Your deals in {stage}"),
            "team": _("Your team's deals in {stage}"),
            "all": _("Deals in {stage}"),
        }
        title = titles[whose].format(stage=stage.name)
    if days is None:
        return title
    period = _("closed in the last {days} days") if closed else _("entered in the last {days} days")
    return f"{title}, {period.format(days=days)}"


def _sorted(sort: ListSort | None) -> str:
    if sort is None:
        return ""
    said = {
        "amount": _("largest amount first"),
        "age": _("longest in stage first"),
        "close": _("soonest expected close first"),
    }
    return f" · {said[sort]}"


def _stage_id(process_map: ProcessMap, text: str) -> str | Invalid:
    """By id, name or the start of its name; "won", "lost", "disqualified" and "nurture"
    name the stage where deals end so, whatever the map calls it."""
    key = caseless(text.strip())
    for stage in process_map.stages:
        if key in (stage.id, caseless(stage.name)) or (
            len(key) >= 3 and caseless(stage.name).startswith(key)
        ):
            return stage.id
    for stage in process_map.stages:
        if (stage.won and key == DealStatus.WON) or (
            stage.kind is not StageKind.OPEN and key == stage.kind.value
        ):
            return stage.id
    return Invalid(
        _("'{stage}' is not a stage of the {map} map").format(stage=text, map=process_map.title),
        _("stages: ") + ", ".join(stage.id for stage in process_map.stages),
    )

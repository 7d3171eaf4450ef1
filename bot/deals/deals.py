"""Creating, showing, listing and binding deals, and reading their history."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import is_admin_or_manager_of, may_change
from bot.core.context import Actor, Services
from bot.core.outcomes import Done, Failure, Invalid, NotAllowed, Outcome
from bot.core.values import Amount, BadValue, looks_like_amount, parse_amount
from bot.deals.lookup import build_deal_card, card_of, find_deal, rows_for
from bot.deals.outcomes import Created, DealHistory, DealList, HistoryEntry, MapPicture, Shown
from bot.deals.writes import Change, LostRace, change_deal
from flows.i18n import _
from flows.schema import ProcessMap
from storage import deal_queries, queries
from storage.models import Deal, DealEvent, EventKind

MAX_NAME = 120


def check_name(name: str | None) -> str | Invalid:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        return Invalid(_("a deal needs a name"), _("e.g. /deal new Acme Corp 50k"), field="name")
    if len(cleaned) > MAX_NAME:
        return Invalid(
            _("the name is {count} characters long").format(count=len(cleaned)),
            _("keep it under {most} characters").format(most=MAX_NAME),
            field="name",
        )
    if cleaned.lstrip("#").isdigit() or (looks_like_amount(cleaned) and " " not in cleaned):
        return Invalid(
            _("'{name}' looks like a number or an amount, not a deal name").format(name=cleaned),
            _("name the deal after the buyer, e.g. /deal new Acme Corp 50k"),
            field="name",
        )
    return cleaned


async def create_deal(
    services: Services,
    actor: Actor,
    *,
    name: str | None,
    amount: str | None = None,
    owner_id: str | None = None,
    company: str | None = None,
    is_practice: bool = False,
) -> Outcome:
    cleaned = check_name(name)
    if isinstance(cleaned, Invalid):
        return cleaned
    value = parse_amount(amount) if amount else None
    if isinstance(value, BadValue):
        return Invalid(value.message, value.hint, field="amount")
    owner = owner_id or actor.user_id
    process_map = services.catalog.current
    if owner != actor.user_id:
        async with services.db.read() as session:
            denied = await _may_assign(session, services, actor, owner)
        if denied:
            return denied
    new = _new_deal(services, actor, process_map, cleaned, value, owner, company, is_practice)
    created = _created_event(new, actor, process_map.first_stage.id)
    # Both are people of the workspace from now.
    deal = await services.deals.create(new, created, people={actor.user_id, owner})
    card = await build_deal_card(services, deal, ticks=[])  # a new deal has no ticks yet
    # Only once committed: a deal id rolled back is reused by the next deal (SQLite).
    services.touch(actor, card.deal_id)
    return Created(card=card)


def _new_deal(
    services: Services,
    actor: Actor,
    process_map: ProcessMap,
    name: str,
    value: Amount | None,
    owner: str,
    company: str | None,
    is_practice: bool,
) -> Deal:
    now = services.clock()
    return Deal(
        team_id=actor.team_id,
        name=name,
        name_key=name.lower(),
        company=" ".join(company.split()) if company and company.strip() else None,
        amount=value.value if value else None,
        currency=(value.currency if value and value.currency else process_map.currency),
        owner_id=owner,
        created_by=actor.user_id,
        map_id=process_map.id,
        map_version=process_map.version,
        stage=process_map.first_stage.id,
        is_practice=is_practice,
        created_at=now,
        updated_at=now,
        stage_entered_at=now,
        last_activity_at=now,
    )


def _created_event(deal: Deal, actor: Actor, stage: str) -> DealEvent:
    """The deal's first event (storage gives it the deal's id once the deal has one)."""
    return DealEvent(
        team_id=deal.team_id,
        map_id=deal.map_id,
        kind=EventKind.CREATED,
        actor_id=actor.user_id,
        at=deal.created_at,
        to_stage=stage,
        value=str(deal.amount) if deal.amount is not None else None,
    )


async def _may_assign(
    session: AsyncSession, services: Services, actor: Actor, owner: str
) -> NotAllowed | None:
    if await is_admin_or_manager_of(session, services, actor, user_id=owner):
        return None
    return NotAllowed(
        _("only an admin or the manager of <@{owner}> can create a deal for them").format(
            owner=owner
        ),
        _("create it for yourself: leave out the @owner"),
    )


async def show_deal(services: Services, actor: Actor, ref: str | None) -> Outcome:
    # Naming a deal makes it the default for the next command (card_of; written behind:
    # a show stays a read, with no write transaction and no write lock on SQLite).
    found = await card_of(services, actor, ref)
    if isinstance(found, Failure):
        return found
    return Shown(card=found)


async def deal_history(services: Services, actor: Actor, ref: str | None) -> Outcome:
    found = await find_deal(services, actor, ref)
    if isinstance(found, Failure):
        return found
    assert found.id is not None
    events = await services.deals.history(actor.team_id, found.id)
    process_map = await services.catalog.get(
        services.db, map_id=found.map_id, version=found.map_version
    )
    return DealHistory(
        deal_id=found.id, name=found.name, entries=[_entry(process_map, e) for e in events]
    )


def _entry(process_map: ProcessMap, event: DealEvent) -> HistoryEntry:
    def name(stage_id: str | None) -> str | None:
        return (
            process_map.stage(stage_id).name
            if stage_id and process_map.has_stage(stage_id)
            else stage_id
        )

    return HistoryEntry(
        event=event,
        from_name=name(event.from_stage),
        to_name=name(event.to_stage),
        item_text=_item_texts(process_map, event),
    )


def _item_texts(process_map: ProcessMap, event: DealEvent) -> str | None:
    """The exit item an event is about, or for an override the items it skipped, as the
    map words them (ids only where the map no longer has the item)."""
    ids = [event.item_id] if event.item_id else []
    if event.kind == EventKind.OVERRIDDEN and event.value:
        ids = event.value.split(",")
    if not ids or not event.from_stage or not process_map.has_stage(event.from_stage):
        return None
    stage = process_map.stage(event.from_stage)
    return "; ".join(found.text if (found := stage.item(i)) else i for i in ids)


async def list_deals(
    services: Services, actor: Actor, *, scope: str = "mine", stage: str | None = None
) -> Outcome:
    async with services.db.read() as session:
        owners, title = await _scope_owners(session, services, actor, scope)
        stage_id = None
        if stage is not None:
            found = _stage_id(services.catalog.current, stage)
            if isinstance(found, Invalid):
                return found
            stage_id, title = (
                found,
                _("Deals in {stage}").format(stage=services.catalog.current.stage(found).name),
            )
        deals = await deal_queries.list_deals(
            session, team_id=actor.team_id, owner_ids=owners, stage=stage_id
        )
        rows = await rows_for(session, services, deals)
    return DealList(title=title, rows=rows, total=len(rows))


async def _scope_owners(
    session: AsyncSession, services: Services, actor: Actor, scope: str
) -> tuple[list[str] | None, str]:
    if scope == "mine":
        return [actor.user_id], _("Your open deals")
    if scope == "team":
        reports = list(
            await queries.reports_of(session, team_id=actor.team_id, manager_id=actor.user_id)
        )
        if reports:
            return [actor.user_id, *reports], _("Your team's open deals")
        me = await queries.person(session, team_id=actor.team_id, user_id=actor.user_id)
        if me and me.manager_id:
            peers = list(
                await queries.reports_of(session, team_id=actor.team_id, manager_id=me.manager_id)
            )
            return [me.manager_id, *peers], _("Your team's open deals")
        return None, _("Open deals in this workspace")
    return None, _("Open deals in this workspace")


def _stage_id(process_map: ProcessMap, text: str) -> str | Invalid:
    key = text.strip().lower()
    for stage in process_map.stages:
        if key in (stage.id, stage.name.lower()) or (
            len(key) >= 3 and stage.name.lower().startswith(key)
        ):
            return stage.id
    return Invalid(
        _("'{stage}' is not a stage of the {map} map").format(stage=text, map=process_map.title),
        _("stages: ") + ", ".join(stage.id for stage in process_map.stages),
    )


async def bind_deal(services: Services, actor: Actor, ref: str | None) -> Outcome:
    """Bind a deal to the current channel (a deal room): commands there need no reference."""
    if not actor.channel_id:
        return Invalid(_("binding needs a channel"), _("run /deal bind in the deal's channel"))

    async def apply(change: Change) -> Outcome:
        previous = await change.held.lock_bound_to(actor.channel_id or "")
        replaced = previous if previous is not None and previous.id != change.deal.id else None
        # One deal per channel: the one bound before is unbound, at its version too.
        if replaced is not None and not await change.held.save(replaced, {"channel_id": None}):
            raise LostRace
        await change.save(channel_id=actor.channel_id)
        change.event(EventKind.BOUND, value=actor.channel_id)
        note = _(" (it replaces {name})").format(name=replaced.name) if replaced else ""
        return Done(
            _("{name} is now bound to this channel{note}: /deal here needs no deal name").format(
                name=change.deal.name, note=note
            ),
            card=await change.card(),
        )

    return await change_deal(services, actor, ref, apply, permission=may_change)


async def unbind_deal(services: Services, actor: Actor) -> Outcome:
    bound = await services.deals.bound_to(actor.team_id, actor.channel_id or "")
    if bound is None:
        return Invalid(_("no deal is bound to this channel"), _("bind one with /deal bind <deal>"))

    async def apply(change: Change) -> Outcome:
        await change.save(channel_id=None)
        change.event(EventKind.UNBOUND, value=actor.channel_id)
        return Done(_("{name} is no longer bound to this channel").format(name=change.deal.name))

    return await change_deal(services, actor, f"#{bound.id}", apply)


async def map_picture(services: Services, actor: Actor) -> Outcome:
    """The current map, with the user's open deals counted per stage."""
    process_map = services.catalog.current
    async with services.db.read() as session:
        mine = await deal_queries.list_deals(
            session, team_id=actor.team_id, owner_ids=[actor.user_id], limit=1000
        )
    counts: dict[str, int] = {}
    for deal in mine:
        if deal.map_id == process_map.id and process_map.has_stage(deal.stage):
            counts[deal.stage] = counts.get(deal.stage, 0) + 1
    return MapPicture(process_map=process_map, counts=counts)

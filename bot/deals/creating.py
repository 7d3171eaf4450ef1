"""Creating a deal: its name and amount checked, at the map's first stage, owned by the
creator or (for an admin or their manager) by someone else."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import is_admin_or_manager_of
from bot.core.context import Actor, Services
from bot.core.dates import WrittenDate
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.slack_text import as_text
from bot.core.values import Amount, BadValue, looks_like_amount, parse_amount
from bot.core.workspace_settings import workspace_map
from bot.deals.close_dates import close_date_from
from bot.deals.lookup import build_deal_card
from bot.deals.outcomes import Created
from flows.i18n import _
from flows.schema import ProcessMap
from storage.models import Deal, DealEvent, EventKind
from storage.name_keys import name_key

MAX_NAME = 120


def clean_name(name: str) -> str:
    """A deal's name as it reads, however it came (command, form, import): one space
    between words, and a mention as the name it shows (bot.core.slack_text), so that the
    same name typed anywhere is the same name."""
    return " ".join(as_text(name).split())


def check_name(name: str | None, *, certain: bool = False) -> str | Invalid:
    """`certain`: the command left no doubt it is a name (quoted, or an amount came after
    it), so one word that reads like an amount (`3M`) is kept. Digits alone never are: they
    would read as the deal's number (`/deal show 2027` is deal #2027)."""
    cleaned = clean_name(name or "")
    if not cleaned:
        return Invalid(_("a deal needs a name"), _("e.g. /deal new Acme Corp 50k"), field="name")
    if len(cleaned) > MAX_NAME:
        return Invalid(
            _("the name is {count} characters long").format(count=len(cleaned)),
            _("keep it under {most} characters").format(most=MAX_NAME),
            field="name",
        )
    if cleaned.lstrip("#").isdigit():
        return Invalid(
            _("'{name}' is a number, not a deal name: it would read as deal #{number}").format(
                name=cleaned, number=cleaned.lstrip("#")
            ),
            _('add a word, e.g. /deal new "Project {number}" 50k').format(
                number=cleaned.lstrip("#")
            ),
            field="name",
        )
    if not certain and looks_like_amount(cleaned) and " " not in cleaned:
        return Invalid(
            _("'{name}' looks like an amount, not a deal name").format(name=cleaned),
            _(
                'name the deal after the buyer, e.g. /deal new Acme Corp 50k; a name that reads like an amount goes in quotes: /deal new "3M" 50k'
            ),
            field="name",
        )
    return cleaned


async def create_deal(
    services: Services,
    actor: Actor,
    *,
    name: str | None,
    amount: Amount | str | None = None,
    owner_id: str | None = None,
    company: str | None = None,
    is_practice: bool = False,
    name_is_certain: bool = False,
    close: WrittenDate | None = None,
) -> Outcome:
    """`amount`: read by the command's parser, or as typed in the form (read here);
    `name_is_certain`: see check_name; `close`: the expected close date as written."""
    cleaned = check_name(name, certain=name_is_certain)
    if isinstance(cleaned, Invalid):
        return cleaned
    value = parse_amount(amount) if isinstance(amount, str) and amount else amount or None
    if isinstance(value, BadValue):
        return Invalid(value.message, value.hint, field="amount")
    closing = close_date_from(close, today=services.clock().date()) if close is not None else None
    if isinstance(closing, BadValue):
        return Invalid(closing.message, closing.hint, field="date")
    owner = owner_id or actor.user_id
    process_map = await workspace_map(services, actor.team_id)
    if owner != actor.user_id:
        async with services.db.read() as session:
            denied = await may_assign(session, services, actor, owner)
        if denied:
            return denied
    new = _new_deal(services, actor, process_map, cleaned, value, owner, company, is_practice)
    new.expected_close = closing
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
        name_key=name_key(name),
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


async def may_assign(
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

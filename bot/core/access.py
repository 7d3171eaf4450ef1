"""Who may do what (the rule the README states under "The /deal command"): anyone in the
workspace reads; the owner, the owner's manager or an admin changes a deal; only a manager
of the owner or an admin overrides a gate; admins set roles and teams; nobody from another
organisation does anything."""

from __future__ import annotations

from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Actor, Services
from bot.core.outcomes import NotAllowed
from flows.i18n import _
from storage import queries
from storage.models import Person, Role


class Owned(Protocol):
    """A deal as access sees it: a row, or the card a click came from."""

    @property
    def owner_id(self) -> str: ...

    @property
    def name(self) -> str: ...


async def role_of(session: AsyncSession, services: Services, actor: Actor) -> Role:
    person = await queries.person(session, team_id=actor.team_id, user_id=actor.user_id)
    return effective_role(services, actor.user_id, person)


def effective_role(services: Services, user_id: str, person: Person | None) -> Role:
    """The role that counts: admin for everyone in STAGECOACH_ADMINS, whatever their row
    says; else the row's; rep for someone with no row (everyone starts as a rep)."""
    if user_id in services.admins:
        return Role.ADMIN
    return Role(person.role) if person else Role.REP


async def manages(session: AsyncSession, *, team_id: str, manager_id: str, rep_id: str) -> bool:
    rep = await queries.person(session, team_id=team_id, user_id=rep_id)
    return rep is not None and rep.manager_id == manager_id


async def may_change(
    session: AsyncSession, services: Services, actor: Actor, deal: Owned
) -> NotAllowed | None:
    """None when `actor` may tick, advance or branch `deal`; otherwise why not."""
    if deal.owner_id == actor.user_id:
        return None
    if await is_admin_or_manager_of(session, services, actor, user_id=deal.owner_id):
        return None
    return NotAllowed(
        _("only the deal's owner <@{owner}>, their manager or an admin can change {name}").format(
            owner=deal.owner_id, name=deal.name
        ),
        _("ask <@{owner}> to do it, or ask an admin to make you their manager").format(
            owner=deal.owner_id
        ),
    )


async def may_override(
    session: AsyncSession, services: Services, actor: Actor, deal: Owned
) -> NotAllowed | None:
    if await is_admin_or_manager_of(session, services, actor, user_id=deal.owner_id):
        return None
    return NotAllowed(
        _("only the manager of <@{owner}> or an admin can override a stage gate").format(
            owner=deal.owner_id
        ),
        _("tick the open items and use /deal advance, or ask the owner's manager"),
    )


async def may_administer(
    session: AsyncSession, services: Services, actor: Actor
) -> NotAllowed | None:
    if await role_of(session, services, actor) is Role.ADMIN:
        return None
    return NotAllowed(
        _("only an admin can change roles and teams"),
        _("ask an admin; the first admins are named in STAGECOACH_ADMINS"),
    )


async def is_admin_or_manager_of(
    session: AsyncSession, services: Services, actor: Actor, *, user_id: str
) -> bool:
    """True when `actor` is an admin, or the manager `user_id` reports to."""
    if await role_of(session, services, actor) is Role.ADMIN:
        return True
    return await manages(session, team_id=actor.team_id, manager_id=actor.user_id, rep_id=user_id)


async def validators_of(
    session: AsyncSession, services: Services, *, team_id: str, owner_id: str
) -> tuple[str, ...]:
    """Who is asked to validate an item the owner ticked (`validate: manager`): their
    manager; with none, the workspace's admins. Any of them, or any admin, may answer."""
    owner = await queries.person(session, team_id=team_id, user_id=owner_id)
    if owner is not None and owner.manager_id:
        return (owner.manager_id,)
    admins = await admins_of(session, services, team_id=team_id)
    return tuple(a for a in admins if a != owner_id) or admins


async def admins_of(session: AsyncSession, services: Services, *, team_id: str) -> tuple[str, ...]:
    """The workspace's admins: by role, and everyone in STAGECOACH_ADMINS; sorted."""
    people = await queries.people(session, team_id=team_id)
    return tuple(sorted({p.user_id for p in people if p.role == Role.ADMIN} | set(services.admins)))


def outsider_refused() -> NotAllowed:
    """The answer to someone from another organisation (a Slack Connect partner in a shared
    channel), whatever they asked: the deals are the installing company's confidential
    pipeline, so they read nothing and change nothing (the README, "Shared channels")."""
    return NotAllowed(
        _(
            "stagecoach works only for the members of the workspace it is installed in; "
            "people from other organisations in a shared channel cannot use it"
        ),
        _("ask someone from that workspace to do it for you"),
    )


async def may_own_map(session: AsyncSession, services: Services, actor: Actor) -> NotAllowed | None:
    """The map's owners read and close its feedback: its managers and admins, who revise
    the map (docs/living-map.md says why a role and not a list in the map file)."""
    if await role_of(session, services, actor) in (Role.MANAGER, Role.ADMIN):
        return None
    return NotAllowed(
        _("only the map's owners, its managers and admins, read and close feedback on the map"),
        _(
            "your own feedback reaches them with /deal feedback <text>; an admin makes "
            "someone a manager with /deal role @dana manager"
        ),
    )

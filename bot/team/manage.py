"""Roles and teams, set by admins (`/deal role`, `/deal team`, `stagecoach roles`)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.access import may_administer
from bot.core.context import Actor, Services
from bot.core.outcomes import Done, Invalid, Outcome
from flows.i18n import _
from storage import queries
from storage.models import Role


async def set_role(services: Services, actor: Actor, *, user_id: str, role: str) -> Outcome:
    try:
        chosen = Role(role.strip().lower())
    except ValueError:
        return Invalid(
            _("'{role}' is not a role").format(role=role),
            _("use one of: rep, manager, admin — e.g. /deal role @dana manager"),
        )
    async with services.db.write() as session:
        denied = await may_administer(session, services, actor)
        if denied:
            return denied
        await queries.upsert_person(
            session, team_id=actor.team_id, user_id=user_id, values={"role": chosen.value}
        )
    return Done(_("<@{user}> is now a {role}.").format(user=user_id, role=chosen.value))


async def set_team(
    services: Services, actor: Actor, *, manager_id: str, action: str, rep_ids: list[str]
) -> Outcome:
    if action not in ("add", "remove"):
        return Invalid(
            _("'{action}' is neither add nor remove").format(action=action),
            _("e.g. /deal team @maria add @sam @lee"),
        )
    if not rep_ids:
        return Invalid(_("name at least one rep"), _("e.g. /deal team @maria add @sam @lee"))
    if manager_id in rep_ids:
        return Invalid(
            _("a manager cannot be their own rep"), _("name the reps who report to them")
        )
    async with services.db.write() as session:
        denied = await may_administer(session, services, actor)
        if denied:
            return denied
        await _write_team(session, actor, manager_id, action, rep_ids)
    names = ", ".join(f"<@{rep}>" for rep in rep_ids)
    if action == "add":
        return Done(_("{reps} now report to <@{manager}>.").format(reps=names, manager=manager_id))
    return Done(
        _("{reps} no longer report to <@{manager}>.").format(reps=names, manager=manager_id)
    )


async def _write_team(
    session: AsyncSession, actor: Actor, manager_id: str, action: str, rep_ids: list[str]
) -> None:
    manager = await queries.person(session, team_id=actor.team_id, user_id=manager_id)
    if manager is None or manager.role == Role.REP:
        await queries.upsert_person(
            session, team_id=actor.team_id, user_id=manager_id, values={"role": Role.MANAGER.value}
        )
    for rep in rep_ids:
        current = await queries.person(session, team_id=actor.team_id, user_id=rep)
        if action == "add":
            await queries.upsert_person(
                session, team_id=actor.team_id, user_id=rep, values={"manager_id": manager_id}
            )
        elif current is not None and current.manager_id == manager_id:
            await queries.upsert_person(
                session, team_id=actor.team_id, user_id=rep, values={"manager_id": None}
            )

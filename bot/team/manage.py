"""Roles and teams, set by admins (`/deal role`, `/deal team`).

One rule holds after every change: only a manager or an admin has reports. So reports are
added only to a manager or an admin, and nobody with reports becomes a rep until their
reports are moved. Both changes lock the rows they decide on (`queries.lock_people`):
a role change and a team change naming the same manager take turns, so neither can undo
the other's check.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.access import effective_role, may_administer
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, Outcome
from bot.team.outcomes import RepChange, RepMove, RoleChanged, TeamAction, TeamChanged, a_role
from flows.i18n import _
from storage import queries
from storage.models import Person, Role

_TEAM_EXAMPLE = "/deal team @maria add @sam @lee"


async def set_role(services: Services, actor: Actor, *, user_id: str, role: Role) -> Outcome:
    async with services.db.write() as session:
        denied = await may_administer(session, services, actor)
        if denied:
            return denied
        rows = await queries.lock_people(session, team_id=actor.team_id, user_ids=[user_id])
        before = effective_role(services, user_id, rows.get(user_id))
        if user_id in services.admins and role is not Role.ADMIN:
            return _admin_in_settings(user_id, role)
        reports = await queries.reports_of(session, team_id=actor.team_id, manager_id=user_id)
        if role is Role.REP and reports:
            return _has_reports(user_id, sorted(reports))
        if role is not before:
            await queries.upsert_person(
                session, team_id=actor.team_id, user_id=user_id, values={"role": role.value}
            )
    return RoleChanged(user_id, role, before)


async def set_team(
    services: Services,
    actor: Actor,
    *,
    manager_id: str,
    action: TeamAction,
    rep_ids: Sequence[str],
) -> Outcome:
    reps = tuple(dict.fromkeys(rep_ids))  # each once, in the order given
    if not reps:
        return Invalid(
            _("name at least one rep"), _("e.g. {example}").format(example=_TEAM_EXAMPLE)
        )
    if manager_id in reps:
        return Invalid(
            _("<@{manager}> cannot report to themselves").format(manager=manager_id),
            _("name the reps who report to them"),
        )
    async with services.db.write() as session:
        denied = await may_administer(session, services, actor)
        if denied:
            return denied
        rows = await queries.lock_people(
            session, team_id=actor.team_id, user_ids=[manager_id, *reps]
        )
        manager_role = effective_role(services, manager_id, rows.get(manager_id))
        if action is TeamAction.ADD and manager_role is Role.REP:
            return _rep_cannot_have_reports(manager_id)
        moves = tuple(_move(action, manager_id, rep, rows.get(rep)) for rep in reps)
        for move in moves:
            if move.change in (RepChange.JOINED, RepChange.MOVED, RepChange.LEFT):
                joined = manager_id if action is TeamAction.ADD else None
                await queries.upsert_person(
                    session,
                    team_id=actor.team_id,
                    user_id=move.rep_id,
                    values={"manager_id": joined},
                )
    return TeamChanged(manager_id, moves)


def _move(action: TeamAction, manager_id: str, rep_id: str, row: Person | None) -> RepMove:
    current = row.manager_id if row else None
    if action is TeamAction.REMOVE:
        if current == manager_id:
            return RepMove(rep_id, RepChange.LEFT)
        return RepMove(rep_id, RepChange.NOT_IN_TEAM, current)
    if current == manager_id:
        return RepMove(rep_id, RepChange.ALREADY)
    if current is None:
        return RepMove(rep_id, RepChange.JOINED)
    return RepMove(rep_id, RepChange.MOVED, current)


def _rep_cannot_have_reports(manager_id: str) -> Invalid:
    return Invalid(
        _("<@{user}> is a rep; only a manager or an admin can have reports").format(
            user=manager_id
        ),
        _("make them a manager first: /deal role <@{user}> manager, then run this again").format(
            user=manager_id
        ),
    )


def _has_reports(user_id: str, reports: Sequence[str]) -> Invalid:
    names = ", ".join(f"<@{rep}>" for rep in reports)
    mentions = " ".join(f"<@{rep}>" for rep in reports)
    return Invalid(
        _("<@{user}> has reports ({reports}); a rep cannot have reports").format(
            user=user_id, reports=names
        ),
        _(
            "move them to another manager first, /deal team @manager add {reps}, or out of "
            "the team, /deal team <@{user}> remove {reps}; then run this again"
        ).format(user=user_id, reps=mentions),
    )


def _admin_in_settings(user_id: str, role: Role) -> Invalid:
    return Invalid(
        _(
            "<@{user}> is an admin through STAGECOACH_ADMINS; a role set here cannot change that"
        ).format(user=user_id),
        _("to make them {role}, take them out of STAGECOACH_ADMINS and restart stagecoach").format(
            role=a_role(role)
        ),
    )

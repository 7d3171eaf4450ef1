"""The admins' commands: someone's role, and who reports to a manager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.core.slack_ids import user_id
from bot.team.manage import set_role, set_team
from flows.i18n import _


@dataclass(frozen=True, slots=True)
class RoleArgs:
    user: str  # a user id
    role: str  # as typed; the use case knows the roles


def _parse_role(rest: str) -> RoleArgs | Refused:
    words = rest.split()
    user = user_id(words[0]) if len(words) == 2 else None
    if user is None:
        return Refused(_("role needs a user and a role"), _("e.g. /deal role @dana manager"))
    return RoleArgs(user, words[1])


async def _role(services: Services, actor: Actor, args: RoleArgs) -> Answer:
    return await set_role(services, actor, user_id=args.user, role=args.role)


ROLE = CommandSpec(
    "role",
    "/deal role @user rep|manager|admin",
    _("Admins: set someone's role"),
    _parse_role,
    _role,
    ("/deal role @dana manager",),
    group="admin",
)

TeamAction = Literal["add", "remove"]
_TEAM_ACTIONS: dict[str, TeamAction] = {"add": "add", "remove": "remove"}


@dataclass(frozen=True, slots=True)
class TeamArgs:
    manager: str  # a user id
    action: TeamAction
    reps: tuple[str, ...]  # user ids


def _parse_team(rest: str) -> TeamArgs | Refused:
    words = rest.split()
    manager = user_id(words[0]) if words else None
    if len(words) < 3 or manager is None or words[1] not in _TEAM_ACTIONS:
        return Refused(
            _("team needs a manager, add or remove, and reps"),
            _("e.g. /deal team @maria add @sam @lee"),
        )
    reps = tuple(user_id(word) for word in words[2:])
    if any(rep is None for rep in reps):
        return Refused(_("mention each rep with @"))
    return TeamArgs(manager, _TEAM_ACTIONS[words[1]], tuple(rep for rep in reps if rep))


async def _team(services: Services, actor: Actor, args: TeamArgs) -> Answer:
    return await set_team(
        services, actor, manager_id=args.manager, action=args.action, rep_ids=list(args.reps)
    )


TEAM = CommandSpec(
    "team",
    "/deal team @manager add|remove @rep…",
    _("Admins: set who reports to a manager"),
    _parse_team,
    _team,
    ("/deal team @maria add @sam @lee",),
    group="admin",
)

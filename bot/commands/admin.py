"""`/deal role` and `/deal team`: who has which role and who reports to whom. Anyone reads
them; admins change them (bot.team.manage holds the rules)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import ROLE_WORDS, TEAM_ACTIONS, in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.core.slack_ids import user_id
from bot.team.manage import set_role, set_team
from bot.team.outcomes import TeamAction
from bot.team.roster import list_roles, list_teams, role_of_user, team_of_user
from flows.i18n import N_, _
from storage.models import Role

ROLE_EXAMPLE = "/deal role @dana manager"
_ACTIONS = {action.value: action for action in TeamAction}
TEAM_EXAMPLE = "/deal team @maria add @sam @lee"


@dataclass(frozen=True, slots=True)
class RoleArgs:
    user: str | None = None  # a user id; None: list everyone's role
    role: Role | None = None  # None: say the user's role


def _parse_role(rest: str) -> RoleArgs | Refused:
    words = rest.split()
    if not words:
        return RoleArgs()
    user = user_id(words[0])
    if user is None:
        return _not_a_person(words, "role", ROLE_EXAMPLE)
    if len(words) == 1:
        return RoleArgs(user)
    role = _role(words[1])
    if role is None:
        return Refused(
            _("'{word}' is not a role").format(word=words[1]),
            _("write rep, manager or admin, e.g. {example}").format(example=ROLE_EXAMPLE),
        )
    if len(words) > 2:
        return Refused(
            _("role takes one person and one role; '{extra}' is too much").format(
                extra=" ".join(words[2:])
            ),
            _("set one person's role at a time, e.g. {example}").format(example=ROLE_EXAMPLE),
        )
    return RoleArgs(user, role)


def _role(word: str) -> Role | None:
    try:
        return Role(in_english(word, ROLE_WORDS))  # `temsilci`, `yönetici` too
    except ValueError:
        return None


def _not_a_person(words: list[str], command: str, example: str) -> Refused:
    """The first word should name a person; say what it is instead."""
    first = words[0]
    if (
        len(words) > 1
        and user_id(words[1])
        and (_role(first) or in_english(first, TEAM_ACTIONS) in _ACTIONS)
    ):
        return Refused(
            _("the person comes first, then '{word}'").format(word=first),
            _("e.g. {example}").format(example=example),
        )
    return Refused(
        _("'{word}' is not a person").format(word=first),
        _("mention them with @, picked from Slack's list, e.g. /deal {command} @dana").format(
            command=command
        ),
    )


async def _role_command(services: Services, actor: Actor, args: RoleArgs) -> Answer:
    if args.user is None:
        return await list_roles(services, actor)
    if args.role is None:
        return await role_of_user(services, actor, user_id=args.user)
    return await set_role(services, actor, user_id=args.user, role=args.role)


ROLE = CommandSpec(
    "role",
    "/deal role [@user [rep|manager|admin]]",
    N_("Who has which role; admins: set someone's role"),
    _parse_role,
    _role_command,
    ("/deal role", "/deal role @dana", ROLE_EXAMPLE),
    group="admin",
    details=N_(
        "Anyone may read roles: /deal role lists everyone's (admins named in "
        "STAGECOACH_ADMINS are marked), /deal role @dana says dana's. Only an admin sets one. "
        "Everyone starts as a rep. Someone people report to cannot become a rep until their "
        "reports have moved to another manager (/deal team)."
    ),
)


@dataclass(frozen=True, slots=True)
class TeamArgs:
    manager: str | None = None  # a user id; None: list every team
    action: TeamAction | None = None  # None: list the manager's reps
    reps: tuple[str, ...] = ()  # user ids


def _parse_team(rest: str) -> TeamArgs | Refused:
    words = rest.split()
    if not words:
        return TeamArgs()
    manager = user_id(words[0])
    if manager is None:
        return _not_a_person(words, "team", TEAM_EXAMPLE)
    if len(words) == 1:
        return TeamArgs(manager)
    action = _ACTIONS.get(in_english(words[1], TEAM_ACTIONS))  # `ekle`, `çıkar` too
    if action is None:
        return _not_an_action(words[1], manager)
    reps = tuple(user_id(word) for word in words[2:])
    if not reps:
        return Refused(
            _("{action} needs at least one rep after it").format(action=action.value),
            _("e.g. {example}").format(example=TEAM_EXAMPLE),
        )
    for word, rep in zip(words[2:], reps, strict=True):
        if rep is None:
            return Refused(
                _("'{word}' is not a person: mention each rep with @").format(word=word),
                _("pick them from Slack's list, e.g. {example}").format(example=TEAM_EXAMPLE),
            )
    return TeamArgs(manager, action, tuple(rep for rep in reps if rep))


def _not_an_action(word: str, manager: str) -> Refused:
    if user_id(word):
        return Refused(
            _("add or remove? Say what to do with {word}").format(word=word),
            _("e.g. /deal team <@{manager}> add {word}").format(manager=manager, word=word),
        )
    return Refused(
        _("'{word}' is neither add nor remove").format(word=word),
        _("write add or remove after the manager, e.g. {example}").format(example=TEAM_EXAMPLE),
    )


async def _team_command(services: Services, actor: Actor, args: TeamArgs) -> Answer:
    if args.manager is None:
        return await list_teams(services, actor)
    if args.action is None:
        return await team_of_user(services, actor, user_id=args.manager)
    return await set_team(
        services, actor, manager_id=args.manager, action=args.action, rep_ids=args.reps
    )


TEAM = CommandSpec(
    "team",
    "/deal team [@manager [add|remove @rep…]]",
    N_("Who reports to whom; admins: add or remove a manager's reps"),
    _parse_team,
    _team_command,
    ("/deal team", "/deal team @maria", TEAM_EXAMPLE, "/deal team @maria remove @lee"),
    group="admin",
    details=N_(
        "Anyone may read teams: /deal team lists every manager with their reps, and who is "
        "in no team; /deal team @maria lists maria's reps. Only an admin changes them. Only a "
        "manager or an admin can have reports: make someone a manager first (/deal role "
        "@maria manager). A rep added to a team leaves the one they were in, and the answer "
        "says so."
    ),
)

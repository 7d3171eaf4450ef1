"""`/deal map`: the process map as a picture with the user's deals on it, and `/deal map
actual [period] [scope]`, what deals actually did on it (managers and admins)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import MAP_OPTIONS, in_english, period_in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.core.scope import ScopeKind
from bot.core.slack_ids import user_id
from bot.deals.map_picture import map_picture
from bot.reporting.flow_report import show_actual_flow
from flows.i18n import N_, _

ACTUAL = "actual"
SCOPE_WORDS = (ScopeKind.TEAM.value, ScopeKind.ALL.value)


@dataclass(frozen=True, slots=True)
class MapArgs:
    """`/deal map`: the map with the user's open deals on it."""


@dataclass(frozen=True, slots=True)
class ActualMapArgs:
    period: str | None = None  # as typed; the use case reads it (it knows today)
    scope: str | None = None  # team, all or owner; None: by role (admins all, managers team)
    scope_user: str | None = None  # the owner scope's user id


def _parse_map(rest: str) -> MapArgs | ActualMapArgs | Refused:
    words = rest.split()
    if not words:
        return MapArgs()
    if in_english(words[0], MAP_OPTIONS) != ACTUAL:  # `gerçek` too
        return Refused(
            _("'{word}' is not a kind of map picture").format(word=words[0]),
            _("write /deal map, or /deal map actual [period] [team|all|owner @user]"),
        )
    return _parse_actual(words[1:])


def _parse_actual(words: list[str]) -> ActualMapArgs | Refused:
    """`[period] [team|all|owner @user]`: the scope is read off the end, so one word
    alone is the period, except `team` and `owner …`; `all` alone is all time (as
    /deal stats all), the whole workspace is `90d all`."""
    lowered = [in_english(word, MAP_OPTIONS) for word in words]
    scope: tuple[str | None, str | None] = (None, None)
    if len(words) >= 2 and lowered[-2] == ScopeKind.OWNER.value:
        owner = user_id(words[-1])
        if owner is None:
            return Refused(
                _("'{text}' does not name a person").format(text=words[-1]),
                _("pick the person from Slack's list, e.g. owner @dana"),
            )
        scope, words = (ScopeKind.OWNER.value, owner), words[:-2]
    elif lowered and lowered[-1] in SCOPE_WORDS and (len(words) == 2 or lowered[-1] == "team"):
        scope, words = (lowered[-1], None), words[:-1]
    if words and in_english(words[-1], MAP_OPTIONS) == ScopeKind.OWNER.value:
        return Refused(_("whose deals?"), _("name them after owner, e.g. owner @dana"))
    if len(words) > 1:
        return Refused(
            _("'{text}' is not a period and a scope").format(text=" ".join(words)),
            _("e.g. /deal map actual 90d team, /deal map actual last-quarter all"),
        )
    return ActualMapArgs(period_in_english(words[0]) if words else None, *scope)


async def _map(services: Services, actor: Actor, args: MapArgs | ActualMapArgs) -> Answer:
    if isinstance(args, MapArgs):
        return await map_picture(services, actor)
    return await show_actual_flow(
        services, actor, period=args.period, scope=args.scope, scope_user=args.scope_user
    )


MAP: CommandSpec[MapArgs | ActualMapArgs] = CommandSpec(
    "map",
    "/deal map [actual [period] [team|all|owner @user]]",
    N_(
        "The process map as a picture, with your open deals on it. actual (managers and "
        "admins): what deals really did on it in a period (default 90d): moves by volume, "
        "moves the map lacks, stages whose deals overstay their target"
    ),
    _parse_map,
    _map,
    ("/deal map", "/deal map actual", "/deal map actual last-quarter all"),
)

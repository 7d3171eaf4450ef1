"""What `/deal room` answers (bot.deals.rooms), for bot.views.rooms to render. No Slack
types: a Web API refusal is carried as Slack's error name, which the view puts in words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.outcomes import DealCard, Outcome


@dataclass(frozen=True, slots=True)
class OwningTeam:
    """The team that owns a stage (the map's `owner:`), and the user group /deal owners
    gave it, whose members a room invites (None: it has none)."""

    owner: str
    usergroup_id: str | None


@dataclass(frozen=True, slots=True)
class RoomWanted(Outcome):
    """The room is claimed: the adapter asks Slack for a channel under the first of
    `names` that is free, then invites `invite` (the owner and whoever asked) and the
    members of `team`'s user group."""

    card: DealCard
    names: tuple[str, ...]
    invite: tuple[str, ...]
    team: OwningTeam | None = None


@dataclass(frozen=True, slots=True)
class RoomExists(Outcome):
    """The deal has its room already: a link to it, never a second one."""

    deal_id: int
    deal_name: str
    channel_id: str
    channel_name: str


class RoomStep(StrEnum):
    """What is done to a made room, each of which Slack may refuse on its own."""

    BIND = "bind"  # binding the deal to the channel (refused: `error` says why, in words)
    INVITE = "invite"
    TEAM = "team"  # listing the owning team's user group
    CARD = "card"  # posting the card
    PIN = "pin"


@dataclass(frozen=True, slots=True)
class RoomProblem:
    """One step Slack refused after the channel was made: the room still counts."""

    step: RoomStep
    error: str  # Slack's error name (`cant_invite`, `not_pinnable`…)
    user_id: str | None = None  # the person an invitation was for
    team: str | None = None  # the owning team whose group could not be listed


@dataclass(frozen=True, slots=True)
class RoomMade(Outcome):
    card: DealCard
    channel_id: str
    channel_name: str
    invited: tuple[str, ...]
    problems: tuple[RoomProblem, ...] = ()
    team: OwningTeam | None = None  # the stage's owning team, its group invited if it has one


@dataclass(frozen=True, slots=True)
class RoomNotMade(Outcome):
    """Slack made no channel: nothing was kept, `/deal room` may be tried again."""

    deal_id: int
    deal_name: str
    tried: tuple[str, ...]  # the names asked for, in order
    error: str  # Slack's error name for the last try

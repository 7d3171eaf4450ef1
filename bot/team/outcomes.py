"""What `/deal role` and `/deal team` answer, as plain data (bot.views.team renders it).

No Slack types here: people are user ids, roles are `Role`s, and each change a team
command made (or found already made) is a `RepChange`, so the view decides the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.outcomes import Outcome
from flows.i18n import N_, _
from storage.models import Role

# Marked here, translated where a view asks (flows/i18n.py: never at import).
_ROLE_NAMES = {Role.REP: N_("rep"), Role.MANAGER: N_("manager"), Role.ADMIN: N_("admin")}
_A_ROLE = {Role.REP: N_("a rep"), Role.MANAGER: N_("a manager"), Role.ADMIN: N_("an admin")}


def role_name(role: Role) -> str:
    """The role as a word ("manager"), translated."""
    return _(_ROLE_NAMES[role])


def a_role(role: Role) -> str:
    """The role with its article, for a sentence ("an admin"), translated."""
    return _(_A_ROLE[role])


class TeamAction(StrEnum):
    ADD = "add"
    REMOVE = "remove"


class RepChange(StrEnum):
    """What a team command did to one rep."""

    JOINED = "joined"  # reported to nobody; now reports to the manager
    MOVED = "moved"  # left another manager's team for this one
    ALREADY = "already"  # already reported to the manager: nothing changed
    LEFT = "left"  # no longer reports to the manager
    NOT_IN_TEAM = "not_in_team"  # did not report to the manager: nothing changed


@dataclass(frozen=True, slots=True)
class RepMove:
    rep_id: str
    change: RepChange
    # MOVED: the manager they left; NOT_IN_TEAM: the one they report to (None: nobody)
    other_manager: str | None = None


@dataclass(frozen=True, slots=True)
class TeamChanged(Outcome):
    """`/deal team @manager add|remove @rep…`: each rep named, in the order given."""

    manager_id: str
    moves: tuple[RepMove, ...]

    @property
    def changed(self) -> bool:
        return any(move.change not in _UNCHANGED for move in self.moves)


_UNCHANGED = (RepChange.ALREADY, RepChange.NOT_IN_TEAM)


@dataclass(frozen=True, slots=True)
class RoleChanged(Outcome):
    """`/deal role @user <role>`: `before` is `role` when nothing changed."""

    user_id: str
    role: Role
    before: Role


@dataclass(frozen=True, slots=True)
class Member:
    """A person of the workspace as roles and teams see them."""

    user_id: str
    role: Role  # the one that counts (bot.core.access.effective_role)
    in_settings: bool  # an admin named in STAGECOACH_ADMINS
    manager_id: str | None
    reports: tuple[str, ...]  # who reports to them directly, by user id

    @property
    def may_have_reports(self) -> bool:
        return self.role is not Role.REP


@dataclass(frozen=True, slots=True)
class Roles(Outcome):
    """`/deal role`: everyone the workspace knows, admins first, then managers, then reps."""

    members: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class RoleOf(Outcome):
    """`/deal role @user`."""

    member: Member


@dataclass(frozen=True, slots=True)
class Teams(Outcome):
    """`/deal team`: every manager (and anyone else with reports) with their reps, and the
    people who are in no team: no manager, and nobody reports to them."""

    heads: tuple[Member, ...]
    unassigned: tuple[Member, ...]


@dataclass(frozen=True, slots=True)
class TeamOf(Outcome):
    """`/deal team @manager`."""

    member: Member


class Setting(StrEnum):
    """What `/deal settings` changes."""

    MAP = "map"
    TIME_ZONE = "timezone"
    CURRENCY = "currency"
    LANGUAGE = "language"


@dataclass(frozen=True, slots=True)
class WorkspaceSettingsShown(Outcome):
    """`/deal settings`, and the answer to a change (`changed` names what changed)."""

    map_id: str
    map_version: int
    map_title: str
    map_chosen: bool  # False: the deployment's STAGECOACH_MAP
    maps: tuple[str, ...]  # the map ids a workspace may choose
    time_zone: str
    time_zone_chosen: bool
    currency: str | None  # None: money per currency
    currency_chosen: bool
    converted: tuple[str, ...]  # the currencies with a rate into `currency`
    admins: tuple[Member, ...]
    language: str | None = None  # None: each person's own Slack language, else the map's
    changed: Setting | None = None

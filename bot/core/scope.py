"""Whose numbers a KPI report or a digest covers: everyone, a manager's team, one owner, or
one map. Who is in a team, and so whose deals a scope covers, is bot.core.teams."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.slack_ids import is_user_id
from bot.core.values import BadValue
from flows.i18n import _
from flows.schema import MAP_ID_PATTERN

SCOPE_EXAMPLES = "all, team:maria, owner:ana, team:U012AB3CD, map:default"
_MAP = re.compile(rf"^(?=.{{1,40}}$){MAP_ID_PATTERN}$")


class ScopeKind(StrEnum):
    ALL = "all"
    TEAM = "team"  # the manager and everyone reporting to them
    OWNER = "owner"
    MAP = "map"


@dataclass(frozen=True, slots=True)
class Scope:
    kind: ScopeKind = ScopeKind.ALL
    user_id: str | None = None  # team: the manager; owner: the owner
    map_id: str | None = None  # map: the map; otherwise the deployment's current map

    @property
    def label(self) -> str:
        """As `stagecoach stats --scope` takes it, and as the JSON `scope` shows it."""
        if self.kind in (ScopeKind.TEAM, ScopeKind.OWNER):
            return f"{self.kind.value}:{self.user_id}"
        if self.kind is ScopeKind.MAP:
            return f"map:{self.map_id}"
        return "all"

    @classmethod
    def everyone(cls) -> Scope:
        return cls()

    @classmethod
    def team(cls, manager_id: str) -> Scope:
        return cls(ScopeKind.TEAM, user_id=manager_id)

    @classmethod
    def owner(cls, user_id: str) -> Scope:
        return cls(ScopeKind.OWNER, user_id=user_id)

    @classmethod
    def of(cls, kind: ScopeKind, user_id: str | None) -> Scope:
        """A stored scope (a digest subscription's kind and user) as a Scope: a team or
        owner scope without its user covers everyone, as it always has."""
        if kind is ScopeKind.TEAM and user_id:
            return cls.team(user_id)
        if kind is ScopeKind.OWNER and user_id:
            return cls.owner(user_id)
        return cls.everyone()


def parse_scope(text: str | None) -> Scope | BadValue:
    kind, _sep, value = (text or "all").strip().partition(":")
    kind = kind.lower()
    if kind == ScopeKind.ALL and not value:
        return Scope.everyone()
    if kind in (ScopeKind.TEAM, ScopeKind.OWNER) and is_user_id(value):
        return Scope(ScopeKind(kind), user_id=value)
    if kind == ScopeKind.MAP and _MAP.match(value):
        return Scope(ScopeKind.MAP, map_id=value)
    return BadValue(
        _("'{text}' is not a scope").format(text=(text or "").strip()),
        _("write one of: {examples}").format(examples=SCOPE_EXAMPLES),
    )

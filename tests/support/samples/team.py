"""A sample of each outcome type roles and teams add, for the view suite's "every outcome
type has a view" check (tests/views/test_views_outcomes.py merges SAMPLES). The lists are
long on purpose: the views must keep a large workspace within Slack's limits."""

from __future__ import annotations

from collections.abc import Callable

from bot.team.outcomes import (
    Member,
    RepChange,
    RepMove,
    RoleChanged,
    RoleOf,
    Roles,
    Setting,
    TeamChanged,
    TeamOf,
    Teams,
    WorkspaceSettingsShown,
)
from storage.models import Role


def user(n: int) -> str:
    return f"U{n:010d}"  # as long as Slack's ids get


def member(
    n: int, role: Role = Role.REP, *, reports: int = 0, manager: int | None = None
) -> Member:
    reps = tuple(user(n * 1000 + i) for i in range(reports))
    return Member(user(n), role, n == 0, user(manager) if manager is not None else None, reps)


MANY_TEAMS = Teams(
    heads=tuple(member(n, Role.MANAGER, reports=80) for n in range(1, 61)),
    unassigned=tuple(member(n) for n in range(100, 600)),
)
EVERYONE = Roles(
    tuple(member(n, Role.ADMIN) for n in range(3))
    + tuple(member(n, Role.MANAGER) for n in range(3, 150))
    + tuple(member(n) for n in range(150, 900))
)
ALL_CHANGES = TeamChanged(
    user(1),
    tuple(RepMove(user(10 + i), RepChange.JOINED) for i in range(120))
    + tuple(RepMove(user(200 + i), RepChange.MOVED, user(2)) for i in range(60))
    + (RepMove(user(300), RepChange.ALREADY), RepMove(user(301), RepChange.NOT_IN_TEAM)),
)

SAMPLES: dict[type, Callable[[], object]] = {
    RoleChanged: lambda: RoleChanged(user(1), Role.MANAGER, Role.REP),
    Roles: lambda: EVERYONE,
    RoleOf: lambda: RoleOf(member(1, Role.MANAGER, reports=300, manager=2)),
    TeamChanged: lambda: ALL_CHANGES,
    Teams: lambda: MANY_TEAMS,
    TeamOf: lambda: TeamOf(member(1, Role.MANAGER, reports=300, manager=2)),
    WorkspaceSettingsShown: lambda: WorkspaceSettingsShown(
        map_id="extended",
        map_version=2,
        map_title="B2B sales process (extended, marketing to customer success)",
        map_chosen=True,
        maps=("default", "extended"),
        time_zone="America/Argentina/ComodRivadavia",
        time_zone_chosen=False,
        currency="EUR",
        currency_chosen=True,
        converted=("GBP", "TRY", "USD"),
        admins=tuple(member(n, Role.ADMIN) for n in range(400)),
        changed=Setting.MAP,
    ),
}

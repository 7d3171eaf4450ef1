"""Roles and teams stay consistent, over random sequences of `/deal role` and `/deal team`.

The invariant: everyone with reports is a manager or an admin, so every `manager_id`
points at one. The state machine below types role and team lines as admins and as others
would, on a real database, and after every line compares what the database holds with a
model that knows only the rules the README states (an admin named in STAGECOACH_ADMINS
stays one; only admins change anything; reports go only to a manager or an admin; someone
with reports does not become a rep; a rep reports to one manager).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import SQLModel

from bot.commands import ParseError, parse, run_command
from bot.core.access import effective_role
from bot.core.catalog import MapCatalog
from bot.core.context import Actor, Services
from storage import queries
from storage.models import Role
from tests.conftest import BACKENDS, drop_database, fresh_database

TEAM = "T0ROLES01"
ADMIN = "UADMIN"  # named in STAGECOACH_ADMINS
PEOPLE = [ADMIN, *(f"U0PERSON{n}" for n in range(1, 7))]
ROLES = list(Role)
STEPS = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class Model:
    """Who has which role and who reports to whom, by the rules alone."""

    def __init__(self) -> None:
        self.roles: dict[str, Role] = {}
        self.manager: dict[str, str | None] = {}

    def role(self, user: str) -> Role:
        return Role.ADMIN if user == ADMIN else self.roles.get(user, Role.REP)

    def reports(self, user: str) -> list[str]:
        return [rep for rep, manager in self.manager.items() if manager == user]

    def set_role(self, actor: str, user: str, role: Role) -> None:
        if self.role(actor) is not Role.ADMIN or user == ADMIN:
            return  # not an admin; or an admin of the settings, whom no role changes
        if role is Role.REP and self.reports(user):
            return
        self.roles[user] = role

    def set_team(self, actor: str, manager: str, action: str, reps: list[str]) -> None:
        if self.role(actor) is not Role.ADMIN or manager in reps:
            return
        if action == "add" and self.role(manager) is Role.REP:
            return
        for rep in reps:
            if action == "add":
                self.manager[rep] = manager
            elif self.manager.get(rep) == manager:
                self.manager[rep] = None


class RolesAndTeams(RuleBasedStateMachine):
    backend: str
    tmp: Any

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.services: Services | None = None
        self.model = Model()

    @initialize()
    def open_workspace(self) -> None:
        self.services = self.loop.run_until_complete(self._open())

    async def _open(self) -> Services:
        db = await fresh_database(self.backend, self.tmp)
        async with db.write_engine.begin() as connection:
            await connection.run_sync(SQLModel.metadata.create_all)
        catalog = MapCatalog.from_ref("default")
        await catalog.register(db)
        return Services(db=db, catalog=catalog, admins=frozenset({ADMIN}))

    def teardown(self) -> None:
        if self.services is not None:
            self.loop.run_until_complete(self._close(self.services))
        self.loop.close()

    @staticmethod
    async def _close(services: Services) -> None:
        await services.close()
        await drop_database(services.db)

    def say(self, user: str, line: str) -> None:
        command = parse(line)
        assert not isinstance(command, ParseError), f"{line!r}: {command}"
        assert self.services is not None
        self.loop.run_until_complete(run_command(self.services, Actor(TEAM, user), command))

    # -- what people type ---------------------------------------------------------------

    # Mostly admins: the changes are theirs; now and then someone else tries.
    actors = st.sampled_from([ADMIN, ADMIN, ADMIN, *PEOPLE[1:]])

    @rule(actor=actors, user=st.sampled_from(PEOPLE), role=st.sampled_from(ROLES))
    def set_role(self, actor: str, user: str, role: Role) -> None:
        self.say(actor, f"role <@{user}> {role.value}")
        self.model.set_role(actor, user, role)

    @rule(
        actor=actors,
        manager=st.sampled_from(PEOPLE),
        action=st.sampled_from(["add", "remove"]),
        reps=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4),
    )
    def set_team(self, actor: str, manager: str, action: str, reps: list[str]) -> None:
        mentions = " ".join(f"<@{rep}>" for rep in reps)
        self.say(actor, f"team <@{manager}> {action} {mentions}")
        self.model.set_team(actor, manager, action, reps)

    @rule(user=st.sampled_from(PEOPLE))
    def read(self, user: str) -> None:
        """Reads change nothing (the model does not move)."""
        for line in ("role", "team", f"role <@{user}>", f"team <@{user}>"):
            self.say(user, line)

    # -- what must hold after every line --------------------------------------------------

    @invariant()
    def everyone_with_reports_is_a_manager_or_an_admin(self) -> None:
        if self.services is None:
            return
        roles, managers = self.loop.run_until_complete(self._stored())
        for rep, manager in managers.items():
            if manager is not None:
                assert roles[manager] is not Role.REP, f"{rep} reports to {manager}, a rep"

    @invariant()
    def the_database_holds_what_the_rules_say(self) -> None:
        if self.services is None:
            return
        roles, managers = self.loop.run_until_complete(self._stored())
        assert roles == {user: self.model.role(user) for user in PEOPLE}
        assert managers == {user: self.model.manager.get(user) for user in PEOPLE}

    async def _stored(self) -> tuple[dict[str, Role], dict[str, str | None]]:
        """Each person's role as it counts (an admin of the settings is one, whatever
        their row says; no row: a rep) and their manager, from the database."""
        assert self.services is not None
        async with self.services.db.read() as session:
            rows = {p.user_id: p for p in await queries.people(session, team_id=TEAM)}
        roles = {user: effective_role(self.services, user, rows.get(user)) for user in PEOPLE}
        managers = {user: row.manager_id if (row := rows.get(user)) else None for user in PEOPLE}
        return roles, managers


@pytest.mark.parametrize("backend", BACKENDS)
def test_roles_and_teams_stay_consistent(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    class Run(RolesAndTeams):
        pass

    Run.backend, Run.tmp = backend, tmp_path_factory
    run_state_machine_as_test(Run, settings=STEPS)

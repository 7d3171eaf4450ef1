"""What the report and history commands share: opening the database and map as
`stagecoach serve` does, choosing the workspace, and failing with one line on stderr.

The workspace (Slack team id) is `--team-id`, else STAGECOACH_TEAM_ID, else the only
workspace the database holds; with several, the command says which there are.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.core.boot import StartupError, open_services
from bot.core.context import Services
from bot.core.scope import Scope
from bot.core.scope_names import resolve_scope
from bot.core.settings import Settings, SettingsError
from bot.core.values import BadValue
from flows.i18n import _
from flows.problems import MapError
from storage import history_store

OK, FAILED, USAGE = 0, 1, 2
TEAM_ENV = "STAGECOACH_TEAM_ID"
T = TypeVar("T")


class CliError(Exception):
    """A mistake the user can fix; the message is the one line to print."""

    def __init__(self, message: str, *, code: int = USAGE) -> None:
        super().__init__(message)
        self.code = code


async def with_services(
    action: Callable[[Services], Awaitable[T]], *, map_ref: str | None = None
) -> T:
    """Open the database (migrated if new) and the map, run `action`, close the database."""
    try:
        settings = Settings.from_env(os.environ)
        if map_ref:
            settings = dataclasses.replace(settings, map_ref=map_ref)
        services = await open_services(settings)
    except (SettingsError, StartupError, MapError) as exc:
        raise CliError(str(exc), code=FAILED) from exc
    try:
        return await action(services)
    finally:
        await services.close()


async def team_id_for(services: Services, given: str | None) -> str:
    chosen = given or os.environ.get(TEAM_ENV, "").strip() or None
    if chosen:
        return chosen
    async with services.db.read() as session:
        teams = await history_store.team_ids(session)
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise CliError(
            _("this database has no workspace yet; name it with --team-id T… or {env}").format(
                env=TEAM_ENV
            )
        )
    raise CliError(
        _("this database holds several workspaces ({teams}); pick one with --team-id").format(
            teams=", ".join(teams)
        )
    )


async def scope_of(services: Services, team_id: str, text: str) -> Scope:
    """`--scope` as given (`team:maria`, `owner:U0…`, `all`…), its person found by name."""
    scope = await resolve_scope(services.db, team_id=team_id, text=text)
    if isinstance(scope, BadValue):
        raise CliError(f"{scope.message}; {scope.hint}")
    return scope


def fail(error: CliError) -> int:
    print(f"stagecoach: {error}", file=sys.stderr)
    return error.code

"""Queries on a workspace's installation, the OAuth states, a workspace's settings, and
deleting everything a workspace left in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import utcnow
from storage.rollup_models import TOTALS
from storage.statements import dialect_insert
from storage.tables import METADATA
from storage.workspace_models import OAuthState, SlackInstallation, WorkspaceSetting

# -- installations ---------------------------------------------------------------------------


async def installation(session: AsyncSession, *, team_id: str) -> SlackInstallation | None:
    return await session.get(SlackInstallation, team_id)


async def save_installation(
    session: AsyncSession, *, team_id: str, values: Mapping[str, Any]
) -> None:
    """Insert the workspace's installation, or replace its tokens (a reinstall, a rotation)."""
    now = utcnow()
    changed = {**values, "updated_at": now}
    statement = (
        dialect_insert(session)(SlackInstallation)
        .values(team_id=team_id, installed_at=now, **changed)
        .on_conflict_do_update(index_elements=["team_id"], set_=changed)
    )
    await session.exec(statement)  # type: ignore[call-overload]


async def delete_installation(session: AsyncSession, *, team_id: str) -> bool:
    """Forget the workspace's tokens; True if there were any."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(SlackInstallation).where(SlackInstallation.team_id == team_id)  # type: ignore[arg-type]
    )
    return bool(result.rowcount)


# -- OAuth states ----------------------------------------------------------------------------


async def issue_state(session: AsyncSession, *, state: str, expires_at: dt.datetime) -> None:
    session.add(OAuthState(state=state, expires_at=expires_at))


async def consume_state(session: AsyncSession, *, state: str, now: dt.datetime) -> bool:
    """Use up `state`: True once, if it was issued and has not expired. Expired states go too."""
    await session.exec(  # type: ignore[call-overload]
        delete(OAuthState).where(OAuthState.expires_at <= now)  # type: ignore[arg-type]
    )
    result = await session.exec(  # type: ignore[call-overload]
        delete(OAuthState).where(OAuthState.state == state)  # type: ignore[arg-type]
    )
    return bool(result.rowcount)


# -- settings --------------------------------------------------------------------------------


async def workspace_setting(session: AsyncSession, *, team_id: str) -> WorkspaceSetting | None:
    return await session.get(WorkspaceSetting, team_id)


async def save_workspace_setting(
    session: AsyncSession, *, team_id: str, values: Mapping[str, Any]
) -> None:
    changed = {**values, "updated_at": utcnow()}
    statement = (
        dialect_insert(session)(WorkspaceSetting)
        .values(team_id=team_id, **changed)
        .on_conflict_do_update(index_elements=["team_id"], set_=changed)
    )
    await session.exec(statement)  # type: ignore[call-overload]


# -- deleting a workspace --------------------------------------------------------------------


def workspace_tables() -> list[Any]:
    """Every table whose rows belong to a workspace, children before parents: a table added
    later with a `team_id` column is deleted too, with no list here to forget it in. The
    all-time totals come last: deleting the events and items they count updates them
    (storage.rollup_triggers), which would otherwise leave rows behind."""
    tables = [table for table in reversed(METADATA.sorted_tables) if "team_id" in table.c]
    last = {name: place for place, name in enumerate(TOTALS, start=1)}
    return sorted(tables, key=lambda table: last.get(table.name, 0))


async def delete_workspace(session: AsyncSession, *, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace; how many went, per table: counted before, in
    the same transaction, because a table's own DELETE may find fewer than it held (the
    totals' per-deal items go with the events they count, through the triggers)."""
    held = await count_workspace_rows(session, team_id=team_id)
    for table in workspace_tables():
        await session.exec(delete(table).where(table.c.team_id == team_id))  # type: ignore[call-overload]
    return held


async def count_workspace_rows(session: AsyncSession, *, team_id: str) -> dict[str, int]:
    """How many rows each workspace table holds for `team_id` (what a delete would remove)."""
    counts: dict[str, int] = {}
    connection = await session.connection()
    for table in workspace_tables():
        query = select(func.count()).select_from(table).where(table.c.team_id == team_id)
        counts[table.name] = int((await connection.execute(query)).scalar_one())
    return counts

"""A workspace coming and going: whoever installs the app into a workspace that has no
admin yet becomes its first admin; deleting a workspace removes all it left in the
database (docs/workspaces.md)."""

from __future__ import annotations

from bot.core.context import Services
from bot.core.workspace_settings import forget
from storage import queries, workspace_store
from storage.models import Role


async def installed_by(services: Services, *, team_id: str, user_id: str) -> bool:
    """Make `user_id` an admin of `team_id` if it has none; True if they became one."""
    async with services.db.write() as session:
        people = await queries.people(session, team_id=team_id)
        if any(person.role == Role.ADMIN for person in people):
            return False
        await queries.upsert_person(
            session, team_id=team_id, user_id=user_id, values={"role": Role.ADMIN.value}
        )
    return True


async def workspace_rows(services: Services, *, team_id: str) -> dict[str, int]:
    """What the workspace holds, per table (what `stagecoach workspace delete` removes)."""
    async with services.db.read() as session:
        return await workspace_store.count_workspace_rows(session, team_id=team_id)


async def delete_workspace(services: Services, *, team_id: str) -> dict[str, int]:
    """Every row of the workspace, deleted in one transaction: deals and their history,
    people, onboarding, digests, settings and tokens. Maps stay (they are the deployment's)."""
    async with services.db.write() as session:
        deleted = await workspace_store.delete_workspace(session, team_id=team_id)
    forget(services, team_id)
    return deleted

"""What installing the app into a workspace decides: whoever installs it into a workspace
that has no admin yet becomes its first admin (docs/workspaces.md)."""

from __future__ import annotations

from bot.core.context import Services
from storage import queries
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

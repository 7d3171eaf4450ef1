"""`/deal owners`: each owner the workspace's map names, and the channel (and user group) its
handoffs go to (docs/handoffs.md). Anyone reads the list; only an admin changes it. An owner
is named as the map writes it, compared without case or accents; one the map does not know
is refused with the ones it does.
"""

from __future__ import annotations

from bot.core.access import role_of
from bot.core.context import Actor, Services
from bot.core.outcomes import Invalid, NotAllowed, Outcome
from bot.core.workspace_settings import workspace_map
from bot.deals.handoffs import owner_key
from bot.deals.outcomes import OwnersShown, OwnerTeam
from bot.deals.room_outcomes import OwningTeam
from flows.i18n import _
from storage import handoff_queries
from storage.handoff_models import OwnerChannel
from storage.models import Role

EXAMPLE = "/deal owners set Implementation #implementation @impl-team"


async def list_owners(
    services: Services, actor: Actor, *, changed: str | None = None, removed: str | None = None
) -> Outcome:
    labels = await _map_owners(services, actor)
    async with services.db.read() as session:
        rows = await handoff_queries.owner_channels(session, team_id=actor.team_id)
    by_key = {row.owner_key: row for row in rows}
    teams = tuple(_team(label, by_key.get(owner_key(label))) for label in labels)
    known = {owner_key(label) for label in labels}
    others = tuple(_team(row.owner, row) for row in rows if row.owner_key not in known)
    return OwnersShown(teams, others, changed=changed, removed=removed)


def _team(label: str, row: OwnerChannel | None) -> OwnerTeam:
    if row is None:
        return OwnerTeam(label, None)
    return OwnerTeam(label, row.channel_id, row.usergroup_id)


async def owning_team(services: Services, team_id: str, owner: str) -> OwningTeam:
    """The team owning a stage, as the map names it, and the user group mapped to it."""
    async with services.db.quick_read() as session:
        row = await handoff_queries.owner_channel(
            session, team_id=team_id, owner_key=owner_key(owner)
        )
    return OwningTeam(owner, row.usergroup_id if row else None)


async def set_owner(
    services: Services, actor: Actor, *, owner: str, channel_id: str, usergroup_id: str | None
) -> Outcome:
    denied = await _not_admin(services, actor)
    if denied:
        return denied
    label = await _known(services, actor, owner)
    if isinstance(label, Invalid):
        return label
    row = OwnerChannel(
        team_id=actor.team_id,
        owner_key=owner_key(label),
        owner=label,
        channel_id=channel_id,
        usergroup_id=usergroup_id,
        set_by=actor.user_id,
        set_at=services.clock(),
    )
    async with services.db.write() as session:
        await handoff_queries.set_owner_channel(session, row)
    return await list_owners(services, actor, changed=label)


async def remove_owner(services: Services, actor: Actor, *, owner: str) -> Outcome:
    denied = await _not_admin(services, actor)
    if denied:
        return denied
    key = owner_key(owner)
    async with services.db.write() as session:
        row = await handoff_queries.owner_channel(session, team_id=actor.team_id, owner_key=key)
        removed = await handoff_queries.remove_owner_channel(
            session, team_id=actor.team_id, owner_key=key
        )
    if not removed or row is None:
        return Invalid(
            _("'{owner}' has no channel to remove").format(owner=owner),
            _("/deal owners lists the owners that have one"),
        )
    return await list_owners(services, actor, removed=row.owner)


async def _map_owners(services: Services, actor: Actor) -> list[str]:
    """The owners of the workspace's map, in the order its stages first name them."""
    process_map = await workspace_map(services, actor.team_id)
    labels: dict[str, str] = {}
    for stage in process_map.stages:
        labels.setdefault(owner_key(stage.owner), stage.owner)
    return list(labels.values())


async def _known(services: Services, actor: Actor, owner: str) -> str | Invalid:
    labels = await _map_owners(services, actor)
    found = next((label for label in labels if owner_key(label) == owner_key(owner)), None)
    if found is not None:
        return found
    return Invalid(
        _("'{owner}' is not an owner in this workspace's map").format(owner=owner),
        _("its owners are {owners}, e.g. {example}").format(
            owners=", ".join(labels), example=EXAMPLE
        ),
        field="owner",
    )


async def _not_admin(services: Services, actor: Actor) -> NotAllowed | None:
    async with services.db.read() as session:
        role = await role_of(session, services, actor)
    if role is Role.ADMIN:
        return None
    return NotAllowed(
        _("only an admin can say which channel an owning team's handoffs go to"),
        _("ask an admin (/deal role lists them); anyone may read them with /deal owners"),
    )

"""Slack ids in a command's terminal text as the names people go by: a terminal reader
knows "@Ana Lopez" and "owner:Ana Lopez", not U0123ABCD. The names come from the
workspace's people table; an id nobody in it carries stays as it is."""

from __future__ import annotations

import re

from bot.core.context import Services
from bot.core.slack_ids import ANY_ID
from storage import queries

# A mention as the plain-text renderer leaves it (`@U…`), or a person scope's label.
_SHOWN_ID = re.compile(rf"(@|\b(?:team|owner):)({ANY_ID})\b")


async def display_names(services: Services, team_id: str) -> dict[str, str]:
    """People's display names by Slack id, in the `team_id` workspace."""
    async with services.db.read() as session:
        people = await queries.people(session, team_id=team_id)
    return {p.user_id: p.display_name for p in people if p.display_name}


def with_names(text: str, names: dict[str, str]) -> str:
    return _SHOWN_ID.sub(lambda m: m[1] + names.get(m[2], m[2]), text)

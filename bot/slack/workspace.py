"""Whose workspace a request belongs to, and whether the person acting is one of its members:
one rule for every request Slack sends (commands, clicks, modals, shortcuts, events).

The workspace is the installation's, decided by Bolt's own rule, the one that fills
`context.team_id` and `context.enterprise_id` (slack_bolt.request.internals): a modal's
`view.app_installed_team_id` first, then `team`, then the event's `authorizations`, then
`team_id`. It is never the acting user's own team: in a Slack Connect channel a partner's
modal carries the partner's `team.id`, and their clicks carry ours, so reading the user's
team would split one conversation between two workspaces. An org-wide install (Enterprise
Grid, `is_enterprise_install`) is one installation for every workspace of the organisation,
and its payloads may carry no team at all: there the organisation's id is the workspace,
as Bolt finds an org-wide installation by the enterprise alone.

The acting user's own team is `user.team_id` in an interaction and, in an event from a
shared channel, the one Bolt reads as the actor's (`event.user_team`). A slash command
carries none: Slack offers a command only where its app is installed.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.request.internals import (
    extract_actor_team_id,
    extract_enterprise_id,
    extract_is_enterprise_install,
    extract_team_id,
)

Body = dict[str, Any]


def installation_of(body: Body) -> Any:
    """The workspace every request's data belongs to (unchecked: the caller checks the id)."""
    if extract_is_enterprise_install(body):
        return extract_enterprise_id(body)
    return extract_team_id(body)


def home_team_of(body: Body) -> Any:
    """The acting user's own team, when the payload says it; else None."""
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("team_id")
    if body.get("type") == "event_callback" and body.get("is_ext_shared_channel") is True:
        return extract_actor_team_id(body)
    return None


def from_another_organisation(body: Body) -> bool:
    """A user whose own team is not the installation's: a Slack Connect partner.

    In an org-wide install every workspace of the organisation is a member, and the payload
    names the user's workspace, not their organisation: it cannot tell a partner from a
    colleague, so nobody is treated as a partner there."""
    if extract_is_enterprise_install(body):
        return False
    home = home_team_of(body)
    return home is not None and home != installation_of(body)

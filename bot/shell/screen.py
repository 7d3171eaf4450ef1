"""What the current user sees in the stand-in: their ephemeral messages, the messages of
the channel they are in and of their DM with the bot, and their App Home. A snapshot
before and after a request tells what is new or changed: that is the reply to show."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from bot.slack_standin import SlackStandIn
from bot.slack_standin.workspace import dm_channel
from bot.views.text import Choice, interactive_choices

JsonDict = dict[str, Any]
SurfaceKind = Literal["ephemeral", "message", "home"]
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Surface:
    """One message or App Home, as Slack shows it to the user."""

    kind: SurfaceKind
    channel: str | None  # where the message is (an ephemeral: where it was posted)
    ts: str  # the message's ts; App Home: its view id
    content: JsonDict  # the message (or home view) as the stand-in keeps it
    updated: bool = False  # an earlier version was shown: the app replaced it

    @property
    def key(self) -> Key:
        return (self.kind if self.kind != "message" else str(self.channel), self.ts)

    @property
    def blocks(self) -> list[JsonDict]:
        blocks = self.content.get("blocks")
        return blocks if isinstance(blocks, list) else []

    @property
    def text(self) -> str:
        """The fallback text (a message's `text`; App Home has none)."""
        return str(self.content.get("text") or "")

    def choices(self) -> list[Choice]:
        return interactive_choices(self.blocks)


Snapshot = dict[Key, Surface]


def capture(standin: SlackStandIn, *, user_id: str, channel_id: str) -> Snapshot:
    """Everything the user can see right now, by key."""
    surfaces: list[Surface] = [
        Surface("ephemeral", m.get("channel"), m["ts"], m) for m in standin.ephemerals(user_id)
    ]
    for channel in dict.fromkeys((channel_id, dm_channel(user_id))):
        surfaces += [Surface("message", channel, m["ts"], m) for m in standin.messages(channel)]
    home = standin.home(user_id)
    if home is not None:
        surfaces.append(Surface("home", None, str(home["id"]), home))
    return {surface.key: surface for surface in surfaces}


def changes(before: Snapshot, after: Snapshot) -> list[Surface]:
    """New surfaces, and ones whose content changed, in the order Slack would show them."""
    found = []
    for key, surface in after.items():
        earlier = before.get(key)
        if earlier is None:
            found.append(surface)
        elif earlier.content != surface.content:
            found.append(
                Surface(surface.kind, surface.channel, surface.ts, surface.content, updated=True)
            )
    return sorted(found, key=_order)


def _order(surface: Surface) -> tuple[int, float]:
    if surface.kind == "home":
        return (1, 0.0)
    try:
        return (0, float(surface.ts))
    except ValueError:
        return (0, 0.0)


def direct_messages(standin: SlackStandIn, *, user_id: str, after: float = 0.0) -> list[Surface]:
    """The app's direct messages to the user posted after `after` (a ts), oldest first."""
    channel = dm_channel(user_id)
    messages = standin.messages(channel)
    return [Surface("message", channel, m["ts"], m) for m in messages if _ts(m["ts"]) > after]


def _ts(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return 0.0


def find(
    standin: SlackStandIn, *, user_id: str, kind: SurfaceKind, channel: str | None, ts: str
) -> Surface | None:
    """The current version of a surface shown earlier (it may have been replaced since)."""
    if kind == "home":
        home = standin.home(user_id)
        return Surface("home", None, ts, home) if home and home["id"] == ts else None
    messages = (
        standin.ephemerals(user_id) if kind == "ephemeral" else standin.messages(channel or "")
    )
    found = next((m for m in messages if m["ts"] == ts), None)
    return Surface(kind, channel, ts, found) if found else None


def restore(standin: SlackStandIn, *, user_id: str, surface: Surface) -> None:
    """Put a surface saved by an earlier run back, so its clicks work as they did then."""
    workspace = standin.workspace
    content = copy.deepcopy(surface.content)
    if surface.kind == "home":
        workspace.homes[user_id] = content
    elif surface.kind == "ephemeral":
        workspace.ephemerals[user_id].append({**content, "channel": surface.channel})
    else:
        workspace.channels[str(surface.channel)].append(content)
    # Timestamps and view ids come from one counter: keep new ones after the restored ones.
    workspace.serial = max(workspace.serial, _serial_of(surface.ts))


def _serial_of(ts: str) -> int:
    digits = "".join(ch for ch in ts.rsplit(".", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0

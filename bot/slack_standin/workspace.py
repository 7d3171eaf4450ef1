"""The stand-in's Slack workspace: channels, ephemeral messages, views, users, files, response URLs."""

from __future__ import annotations

import copy
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.slack_ids import is_user_id
from bot.slack_standin import ids
from bot.slack_standin.records import JsonDict

# Timestamps start at a fixed instant (2026-01-01) so transcripts are stable between runs.
TS_EPOCH = 1_767_225_600
# The characters Slack's generated block ids use (e.g. "4j/Gd", "VSVtX").
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+="


@dataclass(slots=True)
class ResponseHook:
    """A response URL: where its messages go and which message it may replace or delete."""

    channel: str
    user: str
    source_ts: str | None = None
    uses: int = 0


@dataclass(slots=True)
class UploadedFile:
    """A file going through the files v2 flow: announced, uploaded, then completed."""

    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    content: bytes | None = None
    title: str | None = None
    channels: list[str] = field(default_factory=list)
    completed: bool = False


@dataclass
class Workspace:
    """Everything the stand-in keeps between calls, shaped as Slack returns it."""

    base_url: str = ""
    team_id: str = ids.TEAM_ID
    channels: defaultdict[str, list[JsonDict]] = field(default_factory=lambda: defaultdict(list))
    ephemerals: defaultdict[str, list[JsonDict]] = field(default_factory=lambda: defaultdict(list))
    modal_stacks: list[list[JsonDict]] = field(default_factory=list)
    homes: dict[str, JsonDict] = field(default_factory=dict)
    users: dict[str, JsonDict] = field(default_factory=dict)
    default_locale: str = "en-US"  # the Slack language of a user made up on first sight
    files: dict[str, UploadedFile] = field(default_factory=dict)
    hooks: dict[str, ResponseHook] = field(default_factory=dict)
    # channels made through conversations.create: name, members, pins (conversation_methods)
    conversations: dict[str, JsonDict] = field(default_factory=dict)
    usergroups: dict[str, JsonDict] = field(default_factory=dict)  # id → handle, users
    used_triggers: set[str] = field(default_factory=set)
    serial: int = 0

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def next_ts(self) -> str:
        """Message timestamps: unique, increasing, and shaped like Slack's ("1767225601.000001")."""
        n = self.next_serial()
        return f"{TS_EPOCH + n}.{n:06d}"

    def new_id(self, prefix: str) -> str:
        return f"{prefix}0SC{self.next_serial():06d}"

    def resolve_channel(self, channel: str) -> str:
        """Posting to a user id posts in the bot's DM with that user, as Slack does."""
        return dm_channel(channel) if is_user_id(channel) else channel

    def bot_message(self, *, text: str, blocks: list[JsonDict] | None, ts: str) -> JsonDict:
        """A message as Slack stores and returns it (the shape block_actions payloads carry)."""
        message: JsonDict = {
            "user": ids.BOT_USER_ID,
            "type": "message",
            "ts": ts,
            "bot_id": ids.BOT_ID,
            "app_id": ids.APP_ID,
            "text": text,
            "team": self.team_id,
        }
        if blocks:
            message["blocks"] = with_generated_ids(blocks)
        return message

    def find_message(self, channel: str, ts: str) -> JsonDict | None:
        return next((m for m in self.channels.get(channel, []) if m["ts"] == ts), None)

    def find_ephemeral(self, ts: str) -> JsonDict | None:
        for messages in self.ephemerals.values():
            for message in messages:
                if message["ts"] == ts:
                    return message
        return None

    def remove_message(self, message: JsonDict) -> None:
        for messages in (*self.channels.values(), *self.ephemerals.values()):
            if message in messages:
                messages.remove(message)
                return

    def user(self, user_id: str) -> JsonDict | None:
        """A known user, or one made up for any plausible id (with UTC as time zone)."""
        if user_id not in self.users and is_user_id(user_id):
            self.users[user_id] = user_profile(
                user_id, team_id=self.team_id, locale=self.default_locale
            )
        return self.users.get(user_id)

    def find_view(self, view_id: str | None, external_id: str | None = None) -> JsonDict | None:
        views = [*(v for stack in self.modal_stacks for v in stack), *self.homes.values()]
        for view in views:
            if (view_id and view["id"] == view_id) or (
                external_id and view.get("external_id") == external_id
            ):
                return view
        return None


def user_message(ws: Workspace, *, user: str, text: str, ts: str) -> JsonDict:
    """A message a person posted, as Slack stores it (bolt-python's message shortcut
    fixture: a client_msg_id, the text and the same words as a rich_text block)."""
    seed = hashlib.sha1(f"{user}{ts}".encode()).hexdigest()
    words = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {
        "client_msg_id": f"{seed[:8]}-{seed[8:12]}-{seed[12:16]}-{seed[16:20]}-{seed[20:32]}",
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": ws.team_id,
        "blocks": [{"type": "rich_text", "block_id": _short_id(ts), "elements": [words]}],
    }


def dm_channel(user_id: str) -> str:
    return "D" + user_id[1:]


def user_profile(
    user_id: str,
    *,
    team_id: str,
    name: str | None = None,
    real_name: str | None = None,
    tz: str = "UTC",
    is_admin: bool = False,
    is_bot: bool = False,
    locale: str = "en-US",
) -> JsonDict:
    """A users.info `user` object; digests read `tz` and `tz_offset` from it, requests
    `locale` (which users.info gives only with `include_locale`)."""
    name = name or user_id.lower()
    real_name = real_name or name
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "deleted": False,
        "real_name": real_name,
        "tz": tz,
        "locale": locale,
        "tz_label": _tz_label(tz),
        "tz_offset": _tz_offset(tz),
        "is_admin": is_admin,
        "is_owner": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": TS_EPOCH,
        "profile": {"real_name": real_name, "display_name": name, "team": team_id},
    }


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _tz_offset(tz: str) -> int:
    offset = datetime.now(UTC).astimezone(_zone(tz)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def _tz_label(tz: str) -> str:
    return datetime.now(UTC).astimezone(_zone(tz)).tzname() or "UTC"


def with_generated_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """Copy blocks, adding the block_id / action_id Slack invents when the app sends none.

    Slack's ids are random; ours derive from position and content so they are stable.
    """
    result = copy.deepcopy(blocks)
    for index, block in enumerate(result):
        if isinstance(block, dict):
            block.setdefault("block_id", _short_id(f"{index}:{block.get('type')}"))
            for n, element in enumerate(_elements(block)):
                element.setdefault("action_id", _short_id(f"{index}:{n}:{element.get('type')}"))
    return result


def _elements(block: JsonDict) -> list[JsonDict]:
    found = [block.get("accessory"), block.get("element")]
    if block.get("type") == "actions":
        found.extend(block.get("elements") or [])
    return [e for e in found if isinstance(e, dict) and e.get("type") not in (None, "image")]


def _short_id(seed: str) -> str:
    digest = hashlib.sha1(seed.encode()).digest()
    return "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:5])


# A Web API method: reads the workspace and the call's arguments, answers or raises SlackError.
Handler = Callable[[Workspace, JsonDict], JsonDict]

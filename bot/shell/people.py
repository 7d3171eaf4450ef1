"""The shell's workspace: its demo people, user and channel ids made from names, and what
the user types escaped as Slack escapes it (`R&D` → `R&amp;D`, `@ben` → `<@U0BEN|ben>`:
the manifest has `should_escape: true`), so the app parses exactly what it parses from Slack."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.core.context import Services
from bot.core.slack_ids import ANY_ID, USERGROUP_ID
from bot.slack_standin import SlackStandIn
from bot.views.mrkdwn import escape
from storage import queries
from storage.models import Role

TEAM_ID = "T0SHELL"
DEFAULT_USER = "ana"
DEFAULT_CHANNEL = "sales"

_NAME = re.compile(r"[a-z][a-z0-9._-]{0,30}")
# A mention or channel starts a word; `a@b.com` and the deal reference `#42` stay as typed.
_MENTION = re.compile(r"(?<![\w<])@([a-zA-Z][a-zA-Z0-9._-]{0,30})")
_CHANNEL = re.compile(r"(?<![\w<])#([a-zA-Z][a-zA-Z0-9_-]{0,79})")
_BROADCASTS = ("here", "channel", "everyone")  # `@here` is no person: Slack sends `<!here>`
GROUP_SUFFIX = "-team"  # `@impl-team` is a user group here: Slack sends `<!subteam^S…|@impl-team>`
_SHOWN_ID = re.compile(rf"([@#])((?:{ANY_ID})|(?:{USERGROUP_ID}))\b")


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    user_id: str
    real_name: str
    role: Role = Role.REP
    manager: str | None = None  # the manager's name, for the demo team


DEMO_PEOPLE = (
    Identity("ana", "U0ANA", "Ana Alves", Role.REP, manager="maria"),
    Identity("ben", "U0BEN", "Ben Brooks", Role.REP, manager="maria"),
    Identity("maria", "U0MARIA", "Maria Moreno", Role.MANAGER),
    Identity("ada", "U0ADA", "Ada Admin", Role.ADMIN),
)


def clean_name(text: str) -> str | None:
    """`@Ben`, `ben`, `#sales` → the lower-case name, or None when it cannot be one."""
    name = text.strip().lstrip("@#").lower()
    return name if _NAME.fullmatch(name) else None


def _slug(name: str) -> str:
    """Upper-case letters and digits; a name that loses characters gets a hash so that
    `deal-room` and `dealroom` stay two channels."""
    plain = re.sub(r"[^A-Z0-9]", "", name.upper())[:16]
    if plain == name.upper():
        return plain
    return plain + hashlib.sha1(name.encode()).hexdigest()[:6].upper()


def user_id_for(name: str) -> str:
    """Ids derive from names, so every run (and every `say`) agrees on who is who."""
    demo = next((p for p in DEMO_PEOPLE if p.name == name), None)
    return demo.user_id if demo else f"U0{_slug(name)}"


def channel_id_for(name: str) -> str:
    return f"C0{_slug(name)}"


@dataclass(slots=True)
class Directory:
    """Names seen in this session, both ways, for escaping input and naming ids in output."""

    names: dict[str, str] = field(default_factory=dict)  # id → name

    def __post_init__(self) -> None:
        for person in DEMO_PEOPLE:
            self.names[person.user_id] = person.name

    def identity(self, name: str) -> Identity:
        demo = next((p for p in DEMO_PEOPLE if p.name == name), None)
        person = demo or Identity(name, user_id_for(name), name.capitalize())
        self.names[person.user_id] = person.name
        return person

    def channel(self, name: str) -> str:
        # a channel the app made (a deal room) has the stand-in's id: learn_channels
        known = (id_ for id_, known in self.names.items() if known == name and id_[0] in "CG")
        channel_id = next(known, None) or channel_id_for(name)
        self.names[channel_id] = name
        return channel_id

    def learn_channels(self, conversations: Mapping[str, Mapping[str, Any]]) -> None:
        """Channels the app made (deal rooms), by name: shown as #name, reached by /in."""
        for channel_id, channel in conversations.items():
            self.names[channel_id] = channel["name"]

    def group(self, name: str) -> str:
        group_id = f"S0{_slug(name)}"
        self.names[group_id] = name
        return group_id

    def escape(self, line: str) -> str:
        """What Slack sends for what the user typed: mentions and channels as links."""

        def user(match: re.Match[str]) -> str:
            if match[1].lower() in _BROADCASTS:
                return f"<!{match[1].lower()}>"
            if match[1].lower().endswith(GROUP_SUFFIX):
                group = self.group(match[1].lower())
                return f"<!subteam^{group}|@{match[1].lower()}>"
            person = self.identity(match[1].lower())
            return f"<@{person.user_id}|{person.name}>"

        def channel(match: re.Match[str]) -> str:
            name = match[1].lower()
            return f"<#{self.channel(name)}|{name}>"

        # Slack escapes the three characters its markup uses first, then links mentions
        # (bot.core.slack_text reads both back).
        typed = escape(line)
        return _CHANNEL.sub(channel, _MENTION.sub(user, typed))

    def humanize(self, text: str) -> str:
        """`@U0ANA` → `@ana` in rendered text, for the ids this session knows."""
        return _SHOWN_ID.sub(lambda m: m[1] + self.names.get(m[2], m[2]), text)


def introduce(standin: SlackStandIn, person: Identity) -> None:
    """Slack knows `person` by name, keeping the language their profile has (the
    workspace's default for someone new)."""
    known = standin.workspace.user(person.user_id)  # made up on first sight
    locale = str(known["locale"]) if known else standin.workspace.default_locale
    standin.add_user(person.user_id, name=person.name, real_name=person.real_name, locale=locale)


async def seed_people(services: Services, *, team_id: str = TEAM_ID) -> None:
    """The demo team, created once: later role or team changes made in the shell stay."""
    async with services.db.write() as session:
        for person in DEMO_PEOPLE:
            if await queries.person(session, team_id=team_id, user_id=person.user_id):
                continue
            manager = user_id_for(person.manager) if person.manager else None
            values: dict[str, object] = {
                "display_name": person.real_name,
                "role": person.role.value,
                "manager_id": manager,
            }
            await queries.upsert_person(
                session, team_id=team_id, user_id=person.user_id, values=values
            )


def admin_ids() -> frozenset[str]:
    return frozenset(p.user_id for p in DEMO_PEOPLE if p.role is Role.ADMIN)

"""`/deal owners`: the channel (and user group) each owning team's handoffs go to
(bot.deals.owning_teams; docs/handoffs.md)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.aliases import OWNERS_ACTIONS, in_english
from bot.commands.new_deal_line import split_quoted
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.core.slack_ids import channel_id, usergroup_id
from bot.deals.owning_teams import EXAMPLE, list_owners, remove_owner, set_owner
from flows.i18n import N_, _


@dataclass(frozen=True, slots=True)
class OwnersList:
    pass


@dataclass(frozen=True, slots=True)
class OwnerSet:
    owner: str  # the label as typed; the use case finds it among the map's owners
    channel: str  # a channel id
    usergroup: str | None = None  # a user group id


@dataclass(frozen=True, slots=True)
class OwnerRemove:
    owner: str


OwnersArgs = OwnersList | OwnerSet | OwnerRemove


def _parse(rest: str) -> OwnersArgs | Refused:
    action, *words = rest.split() or [""]
    action = in_english(action, OWNERS_ACTIONS)  # `liste`, `ata`, `kaldır` too
    if not action or action == "list":
        return OwnersList() if not words else Refused(_("owners list takes nothing after it"))
    if action.lower() == "remove":
        if not words:
            return Refused(
                _("name the owner to remove"), _("e.g. /deal owners remove Implementation")
            )
        return OwnerRemove(_unquoted(" ".join(words)))
    if action.lower() != "set":
        return Refused(
            _("'{word}' is not an owners action").format(word=action),
            _("write set, remove or nothing, e.g. {example}").format(example=EXAMPLE),
        )
    return _parse_set(words)


def _parse_set(words: list[str]) -> OwnerSet | Refused:
    """`<owner words…> <#channel> [@group]`: the owner is every word before the channel."""
    at = next((n for n, word in enumerate(words) if channel_id(word)), None)
    if at is None:
        return Refused(
            _("owners set needs a channel"),
            _("name it with #, picked from Slack's list, e.g. {example}").format(example=EXAMPLE),
        )
    owner = _unquoted(" ".join(words[:at]))
    if not owner:
        return Refused(
            _("name the owner before the channel"), _("e.g. {example}").format(example=EXAMPLE)
        )
    after = words[at + 1 :]
    group = usergroup_id(after[0]) if len(after) == 1 else None
    if after and group is None:
        return Refused(
            _("after the channel only a user group may follow, not '{rest}'").format(
                rest=" ".join(after)
            ),
            _("pick the group from Slack's list (@impl-team), e.g. {example}").format(
                example=EXAMPLE
            ),
        )
    return OwnerSet(owner, str(channel_id(words[at])), group)


def _unquoted(owner: str) -> str:
    """`"Sales (Account Executive)"`, quoted as a deal's name may be, is the name inside
    the quotes; anything else (an apostrophe, a quote not closed) is left as typed."""
    quoted = split_quoted(owner)
    if isinstance(quoted, tuple) and not quoted[1]:
        return quoted[0].strip()
    return owner


async def _owners(services: Services, actor: Actor, args: OwnersArgs) -> Answer:
    if isinstance(args, OwnerSet):
        return await set_owner(
            services, actor, owner=args.owner, channel_id=args.channel, usergroup_id=args.usergroup
        )
    if isinstance(args, OwnerRemove):
        return await remove_owner(services, actor, owner=args.owner)
    return await list_owners(services, actor)


OWNERS: CommandSpec[OwnersArgs] = CommandSpec(
    "owners",
    "/deal owners [set <owner> <#channel> [@group] | remove <owner>]",
    N_("Where each owning team's handoffs go; admins: set or remove a team's channel"),
    _parse,
    _owners,
    (
        "/deal owners",
        EXAMPLE,
        "/deal owners remove Implementation",
    ),
    group="admin",
    details=N_(
        "When a deal enters a stage owned by another team than the stage it left, a handoff "
        "with an Accept button goes to that team's channel, mentioning its user group. The "
        "owner is named as the map writes it (case does not matter); /deal owners lists the "
        "map's owners. Invite the bot to the channel first (/invite @stagecoach)."
    ),
)

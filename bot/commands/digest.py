"""`/deal digest`: subscribe a channel to a daily or weekly digest, unsubscribe it, list
the subscriptions, or preview the digest a subscription would post. The values themselves (frequency, time) are checked by
bot.digests.subscribe."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.aliases import DIGEST_OPTIONS, in_english
from bot.commands.spec import Answer, CommandSpec, Refused
from bot.core.context import Actor, Services
from bot.core.scope import ScopeKind
from bot.core.slack_ids import channel_id, user_id
from bot.digests.preview import preview_digest
from bot.digests.subscribe import list_subscriptions, subscribe, unsubscribe
from flows.i18n import N_, _

_TIME = re.compile(r"[\d:.]+")  # a time of day, as typed; the use case reads it


@dataclass(frozen=True, slots=True)
class DigestList:
    pass


@dataclass(frozen=True, slots=True)
class DigestUnsubscribe:
    channel: str  # a channel id


@dataclass(frozen=True, slots=True)
class DigestSubscribe:
    channel: str  # a channel id
    frequency: str  # daily or weekly, as typed
    at_time: str | None = None  # HH:MM, as typed; None: the default hour
    scope: str = ScopeKind.TEAM.value  # team, all or owner
    scope_user: str | None = None  # the owner's user id, for the owner scope


@dataclass(frozen=True, slots=True)
class DigestPreviewArgs:
    frequency: str = "daily"  # daily or weekly, as typed
    scope: str = ScopeKind.TEAM.value  # team, all or owner
    scope_user: str | None = None  # the owner's user id, for the owner scope


DigestArgs = DigestList | DigestUnsubscribe | DigestSubscribe | DigestPreviewArgs
_FREQUENCIES = ("daily", "weekly")


def _parse_digest(rest: str) -> DigestArgs | Refused:
    """`subscribe <#channel> daily|weekly [HH:MM] [team|all|owner @user]`, `unsubscribe
    <#channel>`, `list`."""
    action, *words = rest.split() or [""]
    action = in_english(action, DIGEST_OPTIONS)  # `abone`, `iptal`, `liste`, `önizle` too
    if action == "list" and not words:
        return DigestList()
    if action == "preview":
        return _parse_preview(words)
    if action not in ("subscribe", "unsubscribe"):
        return Refused(
            _("'{word}' is not a digest action").format(word=action)
            if action
            else _("digest needs an action"),
            _("write subscribe, unsubscribe, list or preview"),
        )
    channel = channel_id(words[0]) if words else None
    if channel is None:
        return Refused(
            _("'{token}' is not a channel").format(token=words[0] if words else ""),
            _("name the channel with #, picked from Slack's list, e.g. #sales"),
        )
    if action == "subscribe":
        return _parse_schedule(channel, words[1:])
    if len(words) > 1:
        return Refused(_("unsubscribe takes only the channel"))
    return DigestUnsubscribe(channel)


def _parse_schedule(channel: str, words: list[str]) -> DigestSubscribe | Refused:
    if not words:
        return Refused(_("daily or weekly?"))
    frequency, rest = _frequency(words[0]), words[1:]
    at_time = None
    if rest and _TIME.fullmatch(rest[0]):
        at_time, rest = rest[0], rest[1:]
    scope = _parse_scope(rest)
    if isinstance(scope, Refused):
        return scope
    return DigestSubscribe(channel, frequency, at_time, *scope)


def _parse_preview(words: list[str]) -> DigestPreviewArgs | Refused:
    """`preview [daily|weekly] [team|all|owner @user]`."""
    frequency = "daily"
    if words and _frequency(words[0]) in _FREQUENCIES:
        frequency, words = _frequency(words[0]), words[1:]
    scope = _parse_scope(words)
    if isinstance(scope, Refused):
        return Refused(
            _("'{text}' is neither daily or weekly nor a digest scope").format(
                text=" ".join(words)
            ),
            _(
                "write daily or weekly, then team (yours), all, or owner @dana, e.g. {example}"
            ).format(example="/deal digest preview weekly team"),
        )
    return DigestPreviewArgs(frequency, *scope)


def _frequency(word: str) -> str:
    """`günlük`, `haftalık` as daily and weekly; any other word as typed (the use case
    refuses it)."""
    english = in_english(word, DIGEST_OPTIONS)
    return english if english in _FREQUENCIES else word


def _parse_scope(words: list[str]) -> tuple[str, str | None] | Refused:
    """`team` (the default), `all` or `owner @user`: the scope and the owner's id."""
    lowered = [in_english(word, DIGEST_OPTIONS) for word in words]
    if lowered in (["team"], ["all"], []):
        return (lowered[0] if lowered else ScopeKind.TEAM.value), None
    owner = user_id(words[1]) if len(words) == 2 and lowered[0] == "owner" else None
    if owner:
        return ScopeKind.OWNER.value, owner
    return Refused(
        _("'{text}' is not a digest scope").format(text=" ".join(words)),
        _("write team (yours), all, or owner @dana"),
    )


async def _digest(services: Services, actor: Actor, args: DigestArgs) -> Answer:
    if isinstance(args, DigestList):
        return await list_subscriptions(services, actor)
    if isinstance(args, DigestUnsubscribe):
        return await unsubscribe(services, actor, channel_id=args.channel)
    if isinstance(args, DigestPreviewArgs):
        return await preview_digest(
            services,
            actor,
            frequency=args.frequency,
            scope=args.scope,
            scope_user=args.scope_user,
        )
    return await subscribe(
        services,
        actor,
        channel_id=args.channel,
        frequency=args.frequency,
        at_time=args.at_time,
        scope=args.scope,
        scope_user=args.scope_user,
    )


DIGEST: CommandSpec[DigestArgs] = CommandSpec(
    "digest",
    "/deal digest subscribe #channel daily|weekly [HH:MM] [team|all|owner @user] · unsubscribe #channel · list · preview [daily|weekly] [team|all|owner @user]",
    N_(
        "Managers: post a daily or weekly digest (movement, stuck and idle deals, gates passed "
        "without their items, items awaiting validation, objections, funnel) to a channel at "
        "your local time; weekly is on Mondays. preview: see the digest (and its funnel chart, "
        "in your DM) before subscribing"
    ),
    _parse_digest,
    _digest,
    (
        "/deal digest subscribe #sales weekly 09:00 team",
        "/deal digest unsubscribe #sales",
        "/deal digest list",
        "/deal digest preview team",
    ),
)

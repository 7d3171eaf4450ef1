"""The commands about deals as a whole: show, new, list, history, bind, unbind (map:
bot.commands.map_commands)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.commands.aliases import LIST_OPTIONS, LIST_SORT_WORD, days_in_english, in_english
from bot.commands.new_deal_line import read_name_and_amount, split_close
from bot.commands.spec import Answer, CommandSpec, NewDealForm, Refused
from bot.commands.words import (
    DealArgs,
    NoArgs,
    deal_only,
    free_text,
    no_arguments,
)
from bot.core.context import Actor, Services
from bot.core.dates import WrittenDate
from bot.core.slack_ids import user_id
from bot.core.values import Amount
from bot.deals.binding import bind_deal, unbind_deal
from bot.deals.creating import create_deal
from bot.deals.listing import ListScope, ListSort, list_deals
from bot.deals.showing import deal_history, show_deal
from flows.i18n import N_, _
from storage.name_keys import fold


async def _show(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await show_deal(services, actor, args.ref)


SHOW = CommandSpec(
    "show",
    "/deal show [deal]",
    N_("Show a deal's stage card (also plain /deal)"),
    deal_only(DealArgs),
    _show,
    ("/deal show acme", "/deal show #42"),
)


@dataclass(frozen=True, slots=True)
class NewArgs:
    """`<name> [amount [CUR]] [close <date>] [@owner]`; with neither a name nor an amount,
    the form."""

    name: str | None = None
    amount: Amount | None = None
    owner: str | None = None  # a user id; None: the one who creates it
    # the line left no doubt the name is one (quoted, or an amount after it): `3M 50k`
    name_is_certain: bool = False
    close: WrittenDate | None = None  # the expected close date, as written


def _parse_new(rest: str) -> NewArgs | Refused:
    """The owner is read off the end, then the close date (the owner may follow it or
    come before it), then the name and the amount (new_deal_line)."""
    owned = _take_owner(rest.strip())
    if isinstance(owned, Refused):
        return owned
    closing = split_close(owned[0])
    if isinstance(closing, Refused):
        return closing
    text, close = closing
    if close is not None and owned[1] is None:
        owned = _take_owner(text)
        if isinstance(owned, Refused):
            return owned
        text = owned[0]
    owner, written = owned[1], owned[2]
    read = read_name_and_amount(text, owner=written if owner else "")
    if isinstance(read, Refused):
        return read
    # the use case reads the name as a name (bot.deals.creating.clean_name)
    return NewArgs(read.name or None, read.amount, owner, read.certain, close)


def _take_owner(text: str) -> tuple[str, str | None, str] | Refused:
    """The text without an @owner at its end, the owner's user id, and the owner as written."""
    last = text.split()[-1] if text else ""
    if not (last.startswith(("<@", "@")) or user_id(last)):
        return text, None, ""
    owner = user_id(last)
    if owner is None:
        return Refused(
            _("'{token}' is not a Slack user").format(token=last),
            _("mention the owner with @, e.g. @dana"),
        )
    return text[: -len(last)].strip(), owner, last


async def _new(services: Services, actor: Actor, args: NewArgs) -> Answer:
    if not args.name and not args.amount:
        return NewDealForm()
    return await create_deal(
        services,
        actor,
        name=args.name,
        amount=args.amount,
        owner_id=args.owner,
        name_is_certain=args.name_is_certain,
        close=args.close,
    )


NEW = CommandSpec(
    "new",
    "/deal new <name> [amount] [close <date>] [@owner]",
    N_("Create a deal at the map's first stage (no name: a form)"),
    _parse_new,
    _new,
    (
        "/deal new Acme Corp 50k",
        "/deal new Globex $1.2m @dana",
        "/deal new Initech 80k close 31 March",
        '/deal new "Project 2027" 50k',
    ),
)


@dataclass(frozen=True, slots=True)
class ListArgs:
    scope: ListScope = "mine"
    stage: str | None = None  # a stage's id or name, as typed
    within_days: int | None = None  # `30d`: entered the stage in the last 30 days
    sort: ListSort | None = None


_LIST_SCOPES: dict[str, ListScope] = {"mine": "mine", "team": "team", "all": "all"}
_LIST_SORTS: dict[str, ListSort] = {"amount": "amount", "age": "age", "close": "close"}
_PERIOD = re.compile(r"(\d{1,6})d", re.IGNORECASE)
MAX_LIST_DAYS = 3660  # ten years: further back than any deal here


def _parse_list(rest: str) -> ListArgs | Refused:
    """`[mine|team|all] [stage <stage> [<N>d]] [by amount|age|close]`; a stage alone lists the
    whole workspace's deals in it. Turkish option words (`ekip aşama teklif 30g tutara
    göre`) are read only where the English ones stand (bot.commands.aliases)."""
    words = free_text(rest).split()
    sort = _list_sort(words)
    if isinstance(sort, Refused):
        return sort
    if sort is not None:
        words = words[:-2]
    scope = _LIST_SCOPES.get(in_english(words[0], LIST_OPTIONS)) if words else None
    if scope is not None:
        words = words[1:]
    if not words:
        return ListArgs(scope=scope or "mine", sort=sort)
    if in_english(words[0], LIST_OPTIONS) != "stage":
        return Refused(
            _("'{text}' is not a list scope").format(text=" ".join(words)),
            _("/deal list team, /deal list stage lost 30d, /deal list by amount"),
        )
    return _stage_list(words[1:], scope=scope or "all", sort=sort)


def _list_sort(words: list[str]) -> ListSort | None | Refused:
    """`by amount`, `by age` or `by close` at the end (`tutara göre`); `by` with anything
    else is refused."""
    if len(words) >= 2 and fold(words[-1]) == LIST_SORT_WORD:
        turkish = _LIST_SORTS.get(in_english(words[-2], LIST_OPTIONS))
        if turkish is not None:
            return turkish
    if "by" not in (word.lower() for word in words):
        return None
    if len(words) >= 2 and words[-2].lower() == "by" and words[-1].lower() in _LIST_SORTS:
        return _LIST_SORTS[words[-1].lower()]
    return Refused(
        _("a list is sorted by amount, by age or by close, at the end of the command"),
        _("/deal list team by amount"),
    )


def _stage_list(words: list[str], *, scope: ListScope, sort: ListSort | None) -> ListArgs | Refused:
    period = _PERIOD.fullmatch(days_in_english(words[-1])) if words else None
    if period is not None:
        words = words[:-1]
    if not words:
        return Refused(
            _("which stage? name it after 'stage'"),
            _("/deal list stage proposal, /deal list stage won"),
        )
    days = int(period[1]) if period else None
    if days is not None and not 1 <= days <= MAX_LIST_DAYS:
        return Refused(
            _("a period is 1 to {most} days, not {days}").format(most=MAX_LIST_DAYS, days=days),
            _("/deal list stage lost 30d"),
        )
    return ListArgs(scope=scope, stage=" ".join(words), within_days=days, sort=sort)


async def _list(services: Services, actor: Actor, args: ListArgs) -> Answer:
    return await list_deals(
        services,
        actor,
        scope=args.scope,
        stage=args.stage,
        within_days=args.within_days,
        sort=args.sort,
    )


LIST = CommandSpec(
    "list",
    "/deal list [mine|team|all] [stage <stage> [<N>d]] [by amount|age|close]",
    N_(
        "Deals by number, with stage, days in stage, open items and flags; a closed stage "
        "(won, lost, disqualified) lists the last 90 days, or <N>d"
    ),
    _parse_list,
    _list,
    (
        "/deal list",
        "/deal list team by amount",
        "/deal list stage proposal",
        "/deal list stage lost 30d",
    ),
)


async def _history(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await deal_history(services, actor, args.ref)


HISTORY = CommandSpec(
    "history",
    "/deal history [deal]",
    N_("Timeline of moves, ticks and overrides"),
    deal_only(DealArgs),
    _history,
    ("/deal history acme",),
)


async def _bind(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await bind_deal(services, actor, args.ref)


BIND = CommandSpec(
    "bind",
    "/deal bind <deal>",
    N_("Bind a deal to this channel: commands here need no deal name"),
    deal_only(DealArgs),
    _bind,
    ("/deal bind acme",),
)


async def _unbind(services: Services, actor: Actor, args: NoArgs) -> Answer:
    return await unbind_deal(services, actor)


UNBIND = CommandSpec(
    "unbind",
    "/deal unbind",
    N_("Unbind this channel's deal"),
    no_arguments("unbind", NoArgs),
    _unbind,
)

"""The commands about deals as a whole: show, new, list, history, bind, unbind, map."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.new_deal_line import read_name_and_amount
from bot.commands.spec import Answer, CommandSpec, NewDealForm, Refused
from bot.commands.words import (
    DealArgs,
    NoArgs,
    deal_only,
    free_text,
    no_arguments,
)
from bot.core.context import Actor, Services
from bot.core.slack_ids import user_id
from bot.core.values import Amount
from bot.deals.binding import bind_deal, unbind_deal
from bot.deals.creating import create_deal
from bot.deals.listing import ListScope, list_deals
from bot.deals.map_picture import map_picture
from bot.deals.showing import deal_history, show_deal
from flows.i18n import _


async def _show(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await show_deal(services, actor, args.ref)


SHOW = CommandSpec(
    "show",
    "/deal show [deal]",
    _("Show a deal's stage card (also plain /deal)"),
    deal_only(DealArgs),
    _show,
    ("/deal show acme", "/deal show #42"),
)


@dataclass(frozen=True, slots=True)
class NewArgs:
    """`<name> [amount [CUR]] [@owner]`; with neither a name nor an amount, the form."""

    name: str | None = None
    amount: Amount | None = None
    owner: str | None = None  # a user id; None: the one who creates it
    # the line left no doubt the name is one (quoted, or an amount after it): `3M 50k`
    name_is_certain: bool = False


def _parse_new(rest: str) -> NewArgs | Refused:
    """The owner is read off the end, then the name and the amount (new_deal_line)."""
    text = rest.strip()
    last = text.split()[-1] if text else ""
    owner = None
    if last.startswith(("<@", "@")) or user_id(last):
        owner = user_id(last)
        if owner is None:
            return Refused(
                _("'{token}' is not a Slack user").format(token=last),
                _("mention the owner with @, e.g. @dana"),
            )
        text = text[: -len(last)]
    read = read_name_and_amount(text, owner=last if owner else "")
    if isinstance(read, Refused):
        return read
    # the use case reads the name as a name (bot.deals.creating.clean_name)
    return NewArgs(read.name or None, read.amount, owner, read.certain)


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
    )


NEW = CommandSpec(
    "new",
    "/deal new <name> [amount] [@owner]",
    _("Create a deal at the map's first stage (no name: a form)"),
    _parse_new,
    _new,
    ("/deal new Acme Corp 50k", "/deal new Globex $1.2m @dana", '/deal new "Project 2027" 50k'),
)


@dataclass(frozen=True, slots=True)
class ListArgs:
    scope: ListScope = "mine"
    stage: str | None = None  # a stage's id or name, as typed


_LIST_SCOPES: dict[str, ListScope] = {"mine": "mine", "team": "team", "all": "all"}


def _parse_list(rest: str) -> ListArgs | Refused:
    words = rest.split()
    if not words:
        return ListArgs()
    if words[0] in _LIST_SCOPES and len(words) == 1:
        return ListArgs(scope=_LIST_SCOPES[words[0]])
    if words[0] == "stage" and len(words) > 1:
        return ListArgs(scope="all", stage=free_text(" ".join(words[1:])))
    return Refused(_("'{text}' is not a list scope").format(text=rest.strip()))


async def _list(services: Services, actor: Actor, args: ListArgs) -> Answer:
    return await list_deals(services, actor, scope=args.scope, stage=args.stage)


LIST = CommandSpec(
    "list",
    "/deal list [mine|team|all|stage <stage>]",
    _("Deals with stage, days in stage, open items and flags"),
    _parse_list,
    _list,
    ("/deal list", "/deal list team", "/deal list stage proposal"),
)


async def _history(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await deal_history(services, actor, args.ref)


HISTORY = CommandSpec(
    "history",
    "/deal history [deal]",
    _("Timeline of moves, ticks and overrides"),
    deal_only(DealArgs),
    _history,
    ("/deal history acme",),
)


async def _bind(services: Services, actor: Actor, args: DealArgs) -> Answer:
    return await bind_deal(services, actor, args.ref)


BIND = CommandSpec(
    "bind",
    "/deal bind <deal>",
    _("Bind a deal to this channel: commands here need no deal name"),
    deal_only(DealArgs),
    _bind,
    ("/deal bind acme",),
)


async def _unbind(services: Services, actor: Actor, args: NoArgs) -> Answer:
    return await unbind_deal(services, actor)


UNBIND = CommandSpec(
    "unbind",
    "/deal unbind",
    _("Unbind this channel's deal"),
    no_arguments("unbind", NoArgs),
    _unbind,
)


async def _map(services: Services, actor: Actor, args: NoArgs) -> Answer:
    return await map_picture(services, actor)


MAP = CommandSpec(
    "map",
    "/deal map",
    _("The process map as a picture, with your open deals on it"),
    no_arguments("map", NoArgs),
    _map,
    ("/deal map",),
)

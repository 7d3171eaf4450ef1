"""From a parsed `/deal` command to the use case that carries it out.

The same function serves Slack and the shell; it returns a use-case outcome, or one of
the two answers that are not about a deal: help, and "open the new-deal form".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.commands.grammar import Parsed
from bot.core.context import Actor, Services
from bot.core.outcomes import Outcome
from bot.deals import deals, moving, notes, ticking
from bot.digests import subscribe as digests
from bot.onboarding.start import invite, onboard
from bot.onboarding.status import onboarding_status
from bot.reporting import stats
from bot.team import manage as people


@dataclass(frozen=True, slots=True)
class HelpRequested:
    topic: str | None


@dataclass(frozen=True, slots=True)
class NewDealForm:
    """`/deal new` with no name: Slack opens a modal, the shell asks the questions."""


Answer = Outcome | HelpRequested | NewDealForm
Handler = Callable[[Services, Actor, Parsed], Awaitable[Answer]]


async def _show(s: Services, a: Actor, p: Parsed) -> Answer:
    return await deals.show_deal(s, a, p.deal)


async def _new(s: Services, a: Actor, p: Parsed) -> Answer:
    if not p.args.get("name") and not p.args.get("amount"):
        return NewDealForm()
    return await deals.create_deal(
        s, a, name=p.args.get("name"), amount=p.args.get("amount"), owner_id=p.args.get("owner")
    )


async def _tick(s: Services, a: Actor, p: Parsed) -> Answer:
    return await ticking.set_ticks(s, a, p.deal, tick=p.args["items"], evidence=p.args["evidence"])


async def _untick(s: Services, a: Actor, p: Parsed) -> Answer:
    return await ticking.set_ticks(s, a, p.deal, untick=p.args["items"])


async def _advance(s: Services, a: Actor, p: Parsed) -> Answer:
    return await moving.advance(s, a, p.deal)


async def _playbook(s: Services, a: Actor, p: Parsed) -> Answer:
    return await notes.show_playbook(s, a, p.args.get("words"), ref=p.deal)


async def _objection(s: Services, a: Actor, p: Parsed) -> Answer:
    return await notes.record_objection(s, a, p.args["text"], ref=p.deal)


async def _lose(s: Services, a: Actor, p: Parsed) -> Answer:
    return await moving.lose(s, a, p.deal, reason=p.args["reason"])


async def _nurture(s: Services, a: Actor, p: Parsed) -> Answer:
    return await moving.nurture(s, a, p.deal, until=p.args["until"])


async def _disqualify(s: Services, a: Actor, p: Parsed) -> Answer:
    return await moving.disqualify(s, a, p.deal, reason=p.args["reason"])


async def _reopen(s: Services, a: Actor, p: Parsed) -> Answer:
    return await moving.reopen(s, a, p.deal, stage=p.args.get("stage"))


async def _override(s: Services, a: Actor, p: Parsed) -> Answer:
    return await moving.override(s, a, p.deal, reason=p.args["reason"])


async def _list(s: Services, a: Actor, p: Parsed) -> Answer:
    return await deals.list_deals(s, a, scope=p.args["scope"], stage=p.args.get("stage"))


async def _history(s: Services, a: Actor, p: Parsed) -> Answer:
    return await deals.deal_history(s, a, p.deal)


async def _stats(s: Services, a: Actor, p: Parsed) -> Answer:
    return await stats.show_stats(s, a, period=p.args.get("period"))


async def _plan(s: Services, a: Actor, p: Parsed) -> Answer:
    return await stats.plan(s, a, quota=p.args.get("quota"), period=p.args.get("period"))


async def _feedback(s: Services, a: Actor, p: Parsed) -> Answer:
    return await notes.record_feedback(s, a, p.args["text"])


async def _onboard(s: Services, a: Actor, p: Parsed) -> Answer:
    if p.args["mode"] == "status":
        return await onboarding_status(s, a)
    if p.args["mode"] == "invite":
        return await invite(s, a, user_id=p.args["user"])
    return await onboard(s, a)


async def _bind(s: Services, a: Actor, p: Parsed) -> Answer:
    return await deals.bind_deal(s, a, p.deal)


async def _unbind(s: Services, a: Actor, p: Parsed) -> Answer:
    return await deals.unbind_deal(s, a)


async def _role(s: Services, a: Actor, p: Parsed) -> Answer:
    return await people.set_role(s, a, user_id=p.args["user"], role=p.args["role"])


async def _team(s: Services, a: Actor, p: Parsed) -> Answer:
    return await people.set_team(
        s, a, manager_id=p.args["manager"], action=p.args["action"], rep_ids=p.args["reps"]
    )


async def _map(s: Services, a: Actor, p: Parsed) -> Answer:
    return await deals.map_picture(s, a)


async def _digest(s: Services, a: Actor, p: Parsed) -> Answer:
    if p.args["action"] == "list":
        return await digests.list_subscriptions(s, a)
    if p.args["action"] == "unsubscribe":
        return await digests.unsubscribe(s, a, channel_id=p.args["channel"])
    return await digests.subscribe(
        s,
        a,
        channel_id=p.args["channel"],
        frequency=p.args["frequency"],
        at_time=p.args.get("time"),
        scope=p.args["scope"],
        scope_user=p.args.get("user"),
    )


async def _help(s: Services, a: Actor, p: Parsed) -> Answer:
    return HelpRequested(p.args.get("topic"))


HANDLERS: dict[str, Handler] = {
    "show": _show,
    "new": _new,
    "tick": _tick,
    "untick": _untick,
    "advance": _advance,
    "playbook": _playbook,
    "objection": _objection,
    "lose": _lose,
    "nurture": _nurture,
    "disqualify": _disqualify,
    "reopen": _reopen,
    "override": _override,
    "list": _list,
    "history": _history,
    "onboard": _onboard,
    "stats": _stats,
    "plan": _plan,
    "feedback": _feedback,
    "bind": _bind,
    "unbind": _unbind,
    "role": _role,
    "team": _team,
    "map": _map,
    "digest": _digest,
    "help": _help,
}


async def run_command(services: Services, actor: Actor, parsed: Parsed) -> Answer:
    return await HANDLERS[parsed.command](services, actor, parsed)

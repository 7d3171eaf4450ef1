"""Demo data: a handful of realistic deals across the map's stages, with back-dated
history (ticks, moves, a loss, a nurture, an override, objections), so that lists, App
Home and stats have something to show on a fresh database.

Everything goes through the use cases, as a rep would do it, with the services' clock
set back to when each step "happened".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.context import Actor, Services
from bot.core.dates import Ambiguous, read_date
from bot.core.outcomes import Failure, Outcome
from bot.core.refs import DealNumber, DealRef
from bot.core.values import BadValue
from bot.core.workspace_settings import workspace_map
from bot.deals import moving, notes, ticking, validating
from bot.deals.creating import create_deal
from bot.deals.evidence_values import read_evidence_value
from bot.deals.outcomes import Created, Ticked
from bot.shell.people import TEAM_ID, user_id_for
from flows.machine import Move, flow_for
from flows.schema import Evidence, EvidenceType, ExitItem, ProcessMap, Stage

log = logging.getLogger(__name__)
MANAGER = "maria"


@dataclass(frozen=True, slots=True)
class DemoDeal:
    name: str
    owner: str
    amount: str
    steps: int  # how far along the map's main path it got (0: the first stage)
    age: int  # created this many days ago
    in_stage: int  # in its current stage for this many days
    ticked: int = 0  # items of the current stage already ticked
    ending: str | None = None  # "lose:<reason>", "nurture:<when>", "override:<reason>"
    objection: str | None = None


DEMO_DEALS = (
    DemoDeal(
        "Globex Manufacturing",
        "ana",
        "85k",
        steps=1,
        age=20,
        in_stage=6,
        ticked=2,
        objection="Honestly, this isn't a priority for us right now",
    ),
    DemoDeal("Initech Payroll", "ana", "32k", steps=2, age=35, in_stage=18, ticked=1),
    DemoDeal(
        "Umbrella Health",
        "ana",
        "$140k",
        steps=3,
        age=50,
        in_stage=5,
        ticked=2,
        objection="Your price is higher than the other vendor's",
    ),
    DemoDeal("Cyberdyne Robotics", "ana", "70k", steps=0, age=1, in_stage=1),
    DemoDeal(
        "Vandelay Imports",
        "ana",
        "25k",
        steps=2,
        age=40,
        in_stage=10,
        ending="lose:Price too high - went with a cheaper spreadsheet add-on",
    ),
    DemoDeal("Stark Logistics", "ben", "60k", steps=0, age=9, in_stage=9, ticked=1),
    DemoDeal("Wayne Foods", "ben", "45k", steps=4, age=70, in_stage=4, ticked=3),
    DemoDeal("Hooli Cloud", "ben", "120k", steps=5, age=80, in_stage=2, ticked=2),
    DemoDeal("Soylent Nutrition", "ben", "15k", steps=1, age=30, in_stage=12, ending="nurture:2m"),
    DemoDeal(
        "Pied Piper",
        "ben",
        "38k",
        steps=1,
        age=25,
        in_stage=3,
        ending="override:Signed pilot agreement; budget confirmed by the CFO on the call",
    ),
)

# What a rep would write, by item id; a value the item's evidence type refuses (a map that
# types "pain_quantified" as money, say) gives way to one made for the type (evidence_for).
EVIDENCE = {
    "problem": "Quotes take three days to assemble by hand",
    "pain": "Quotes take three days to assemble by hand",
    "budget": "40-60k this fiscal year",
    "timeline": "Live before the Q3 busy season",
    "discovery_booked": "Tuesday 10:00 with the AE",
    "pain_quantified": "About $180k a year in lost orders",
    "economic_buyer": "Dana Ruiz, VP Operations",
    "champion": "Sam Lee, sales ops lead",
    "decision_process": "Decision by the end of next month",
    "demo_booked": "Thursday 14:00",
    "technical_fit": "Priya Shah, IT architect",
    "proposal_agreed": "Review on the 12th",
    "proposal_sent": "$48,000 per year",
    "proposal_reviewed": "Reviewed with the CFO on the 20th",
    "verbal_yes": "Start on the 1st of next month",
    "close_plan": "Signature by the 28th",
    "signer_confirmed": "Dana Ruiz, VP Operations",
    "contract_signed": "$120,000",
    "lead_score": "72",
    "users_trained": "25",
    "adoption_target": "180",
    "health_score": "8",
}


def evidence_for(item: ExitItem, deal: DemoDeal, *, day: dt.date) -> str:
    """A value the item's evidence accepts, as the rep on `deal` would give it on `day`."""
    evidence = item.evidence or Evidence(prompt=item.text)
    written = EVIDENCE.get(item.id)
    if written is not None and not isinstance(read_evidence_value(evidence, written), BadValue):
        return written
    options = evidence.options or [""]
    made = {
        EvidenceType.NUMBER: "12",
        EvidenceType.MONEY: deal.amount,
        EvidenceType.DATE: day.isoformat(),
        EvidenceType.PERSON: f"<@{user_id_for(deal.owner)}>",
        EvidenceType.URL: f"https://crm.example.com/{item.id}",
        EvidenceType.CHOICE: options[len(deal.name) % len(options)],  # varied, and stable
    }
    return made.get(evidence.type, f"{evidence.prompt}: recorded in the CRM")


async def seed_demo(services: Services, *, team_id: str = TEAM_ID) -> int:
    """Create the demo deals (once: none when they are there already); how many were made."""
    there = await services.deals.by_name(team_id, DEMO_DEALS[0].name.lower())
    if there.deals:
        return 0
    now, real_clock = services.clock(), services.clock
    try:
        for deal in DEMO_DEALS:
            await _walk(services, deal, team_id=team_id, now=now)
    finally:
        services.clock = real_clock
    return len(DEMO_DEALS)


async def _walk(services: Services, deal: DemoDeal, *, team_id: str, now: dt.datetime) -> None:
    owner = Actor(team_id=team_id, user_id=user_id_for(deal.owner))
    at = _at(services, now)
    at(deal.age)
    created = _ok(await create_deal(services, owner, name=deal.name, amount=deal.amount))
    assert isinstance(created, Created)
    ref, process_map = DealNumber(created.card.deal_id), await workspace_map(services, team_id)
    path = main_path(process_map)[: deal.steps + 1]
    gap = (deal.age - deal.in_stage) / max(len(path) - 1, 1)
    kind, _sep, detail = (deal.ending or "").partition(":")
    for index, stage_id in enumerate(path[:-1]):
        at(deal.age - gap * (index + 1))
        if index == len(path) - 2 and kind == "override":  # the manager skips the last gate
            manager = Actor(team_id=team_id, user_id=user_id_for(MANAGER))
            _ok(await moving.override(services, manager, ref, reason=detail))
            continue
        waiting = await _tick(services, owner, ref, deal, process_map.stage(stage_id), count=None)
        await _validate(services, ref, waiting, team_id=team_id)
        _ok(await moving.advance(services, owner, ref))
    at(deal.in_stage / 2)
    await _finish(services, owner, ref, deal)
    if deal.ticked and kind not in ("lose", "nurture"):  # left waiting for the manager, if so
        await _tick(services, owner, ref, deal, process_map.stage(path[-1]), count=deal.ticked)


async def _finish(services: Services, owner: Actor, ref: DealRef, deal: DemoDeal) -> None:
    """The objection heard, and the loss or the nurture (where the map allows it there)."""
    if deal.objection:
        _ok(await notes.record_objection(services, owner, deal.objection, ref=ref))
    kind, _sep, detail = (deal.ending or "").partition(":")
    outcome: Outcome | None = None
    if kind == "lose":
        outcome = await moving.lose(services, owner, ref, reason=detail)
    elif kind == "nurture":
        written = read_date(detail)
        until = None if isinstance(written, Ambiguous | BadValue) else written
        outcome = await moving.nurture(services, owner, ref, until=until)
    if isinstance(outcome, Failure):  # another map may not allow it at that stage
        log.info("demo deal %s stays open: %s", deal.name, outcome.message)


async def _tick(
    services: Services,
    owner: Actor,
    ref: DealRef,
    deal: DemoDeal,
    stage: Stage,
    *,
    count: int | None,
) -> list[str]:
    """All required items (count None), or the first `count` items, with their evidence;
    the items that wait for the manager's validation."""
    chosen = [i for i in stage.exit if i.required] if count is None else stage.exit[:count]
    day = services.clock().date()
    evidence = {i.id: evidence_for(i, deal, day=day) for i in chosen if i.evidence}
    plain = [i.id for i in chosen if not i.evidence]
    if not chosen:
        return []
    ticked = _ok(await ticking.set_ticks(services, owner, ref, tick=plain, evidence=evidence))
    return list(ticked.to_validate) if isinstance(ticked, Ticked) else []


async def _validate(services: Services, ref: DealRef, items: list[str], *, team_id: str) -> None:
    """The manager validates what the map has them validate, the day it was ticked."""
    manager = Actor(team_id=team_id, user_id=user_id_for(MANAGER))
    for item_id in items:
        _ok(await validating.validate(services, manager, ref, item_id))


def main_path(process_map: ProcessMap) -> list[str]:
    """The stages from the first, following each `advance` to the end of the map."""
    flow, path = flow_for(process_map), [process_map.first_stage.id]
    while (move := flow.find(path[-1], Move.ADVANCE)) is not None and move.dest not in path:
        path.append(move.dest)
    return path


def _at(services: Services, now: dt.datetime) -> Callable[[float], None]:
    """Set the services' clock to `days` before now."""

    def set_days_ago(days: float) -> None:
        moment = now - dt.timedelta(days=days)
        services.clock = lambda: moment

    return set_days_ago


def _ok(outcome: Outcome) -> Outcome:
    if isinstance(outcome, Failure):
        raise RuntimeError(f"demo data: {outcome.message} ({outcome.hint})")
    return outcome

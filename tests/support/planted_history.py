"""A history of the default map with patterns planted in it (or not), for the discovery
tests, written through the real paths: most deals through the CRM history import, and a
few walked through the use cases as a rep and an admin would (the ticks and overrides an
import has no way to carry). The generator keeps its own record of every move and stay,
so a test computes the figures it expects without the SQL.

Planted (`planted=True`):
- SKIPPED, "Negotiation and commit", is gone around by every imported deal that gets past
  Proposal (Proposal → Closed won);
- MISSING_BRANCH: deals are lost straight from Qualification, which has no `lose` branch;
- SLOW, "Discovery", takes about three times its target of 14 days;
- OVERRIDDEN: the walked deals that are won pass Qualification's gate by an admin's
  override with "budget" open, all but one of them;
- OBJECTION: heard in every walked deal that is lost (in Discovery), in none that is won.
Without them (`planted=False`) every deal follows the map, a "not now" goes to nurture,
stays take 40–95% of their target, and the walked deals tick every item and advance.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter
from dataclasses import dataclass, field

from bot.core.context import Actor, Services
from bot.core.refs import DealNumber
from bot.deals import moving, notes, ticking
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.history.importing import import_history
from flows.schema import ProcessMap, Stage
from tests.conftest import Clock
from tests.support.evidence import valid_value

TEAM = "T1"
REP = Actor(team_id=TEAM, user_id="UREP")
ADMIN = Actor(team_id=TEAM, user_id="UADMIN")  # in the services fixture's admins
SKIPPED = "commit"
MISSING_BRANCH = ("qualify", "lost")
SLOW = "discovery"
OVERRIDDEN = ("qualify", "budget")
OBJECTION = ("discovery_not_priority", "Honestly, this isn't a priority for us right now")
START = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HEADER = "deal_id,deal_name,owner,amount,currency,stage,entered_at,reason"


@dataclass(slots=True)
class Record:
    """What the generator wrote, as a model of the history."""

    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    stays: dict[str, list[float]] = field(default_factory=dict)  # per stage, days per deal
    overridden_won: int = 0  # walked deals won with OVERRIDDEN open at an override
    walked: int = 0  # walked deals won
    walked_lost: int = 0  # walked deals lost in Discovery (after OBJECTION, if planted)


def _stay(process_map: ProcessMap, stage: str, rng: random.Random, planted: bool) -> float:
    target = process_map.stage(stage).target_days or 10
    if planted and stage == SLOW:
        return target * rng.uniform(2.7, 3.3)
    return target * rng.uniform(0.4, 0.95)


def _path(rng: random.Random, planted: bool) -> list[str]:
    """The stages an imported deal enters, in order."""
    roll = rng.random()
    if roll < 0.15:
        return ["qualify", "lost" if planted else "nurture"]
    if roll < 0.25:
        return ["qualify", "disqualified"]
    if roll < 0.4:
        return ["qualify", "discovery", "lost"]
    if roll < 0.55:
        return ["qualify", "discovery", "demo", "proposal", "lost"]
    won = ["closed_won", "onboarding"] if rng.random() < 0.5 else ["closed_won"]
    middle = [] if planted else [SKIPPED]
    return ["qualify", "discovery", "demo", "proposal", *middle, *won]


def _rows(
    process_map: ProcessMap, record: Record, *, deals: int, rng: random.Random, planted: bool
) -> str:
    lines = [HEADER]
    for number in range(deals):
        at = START + dt.timedelta(days=rng.uniform(0, 240))
        path = _path(rng, planted)
        for index, stage in enumerate(path):
            reason = {"lost": "No budget", "disqualified": "Not our market"}.get(stage, "")
            lines.append(
                f"P{number},Planted {number},UREP,1000,USD,{stage},{at.isoformat()},{reason}"
            )
            if index + 1 < len(path):
                days = _stay(process_map, stage, rng, planted)
                record.stays.setdefault(stage, []).append(days)
                record.moves[(stage, path[index + 1])] += 1
                at += dt.timedelta(days=days)
    return "\n".join(lines) + "\n"


async def plant(
    services: Services,
    clock: Clock,
    *,
    planted: bool,
    imported: int = 200,
    walked: int = 10,
    lost: int = 10,
    seed: int = 19,
) -> Record:
    """Write the history (imported, then walked) and leave the clock at NOW."""
    process_map, rng, record = services.catalog.current, random.Random(seed), Record()
    clock.now = NOW
    text = _rows(process_map, record, deals=imported, rng=rng, planted=planted)
    report = await import_history(
        services, team_id=TEAM, process_map=process_map, lines=io.StringIO(text)
    )
    assert report.rejected == [] and report.deals_created == imported, report
    for number in range(walked):
        clock.now = START + dt.timedelta(days=10 + 20 * number)
        override = planted and number > 0  # one won deal ticks budget after all
        await _walk(services, clock, record, rng, number=number, override=override, planted=planted)
    for number in range(lost):
        clock.now = START + dt.timedelta(days=15 + 20 * number)
        await _walk_lost(services, clock, record, rng, number=number, planted=planted)
    clock.now = NOW
    return record


async def _walk_lost(
    services: Services,
    clock: Clock,
    record: Record,
    rng: random.Random,
    *,
    number: int,
    planted: bool,
) -> None:
    """A deal that passes Qualification properly and is lost in Discovery."""
    process_map = services.catalog.current
    created = await create_deal(services, REP, name=f"Walked lost {number}", amount="5k")
    assert isinstance(created, Created), created
    ref = DealNumber(created.card.deal_id)
    for stage_id, dest in (("qualify", "discovery"), ("discovery", "lost")):
        clock.advance(hours=1)
        if stage_id == "qualify":
            await _tick_required(services, ref, process_map.stage(stage_id), leave_open=None)
        elif planted:
            heard = await notes.record_objection(services, REP, OBJECTION[1], ref=ref)
            assert type(heard).__name__ == "ObjectionNoted", heard
        days = _stay(process_map, stage_id, rng, planted)
        record.stays.setdefault(stage_id, []).append(days)
        record.moves[(stage_id, dest)] += 1
        clock.advance(days=days - 1 / 24)
        if dest == "lost":
            moved = await moving.lose(services, REP, ref, reason="Timing")
        else:
            moved = await moving.advance(services, REP, ref)
        assert type(moved).__name__ == "Moved", moved
    record.walked_lost += 1


async def _walk(
    services: Services,
    clock: Clock,
    record: Record,
    rng: random.Random,
    *,
    number: int,
    override: bool,
    planted: bool,
) -> None:
    """One deal from Qualification to Closed won through the use cases."""
    process_map = services.catalog.current
    created = await create_deal(services, REP, name=f"Walked {number}", amount="5k")
    assert isinstance(created, Created), created
    ref = DealNumber(created.card.deal_id)
    main = [stage.id for stage in process_map.open_stages]
    for stage_id in main[: main.index(process_map.won_stage.id)]:
        stage = process_map.stage(stage_id)
        leave_open = OVERRIDDEN[1] if override and stage_id == OVERRIDDEN[0] else None
        clock.advance(hours=1)
        await _tick_required(services, ref, stage, leave_open=leave_open)
        days = _stay(process_map, stage_id, rng, planted)
        record.stays.setdefault(stage_id, []).append(days)
        record.moves[(stage_id, process_map.next_stage_id(stage) or "")] += 1
        clock.advance(days=days - 1 / 24)
        if leave_open:
            moved = await moving.override(
                services, ADMIN, ref, reason="Budget confirmed verbally by the CFO"
            )
            record.overridden_won += 1
        else:
            moved = await moving.advance(services, REP, ref)
        assert type(moved).__name__ == "Moved", moved
    record.walked += 1


async def _tick_required(
    services: Services, ref: DealNumber, stage: Stage, *, leave_open: str | None
) -> None:
    items = [item for item in stage.exit if item.required and item.id != leave_open]
    evidence = {item.id: valid_value(item.evidence) for item in items if item.evidence}
    ticked = await ticking.set_ticks(
        services, REP, ref, tick=[item.id for item in items], evidence=evidence
    )
    assert type(ticked).__name__ == "Ticked", ticked


def percentile(values: list[float], fraction: float) -> float:
    """percentile_cont, by hand: linear between the two values around fraction·(n−1)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

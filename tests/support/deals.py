"""Small helpers for the tests that drive the use cases directly: who acts, creating and
readying deals, reading what the database holds, and checking that a failure wrote nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select

from bot.core.catalog import MapCatalog
from bot.core.context import Actor, Services
from bot.core.outcomes import DealCard, Outcome
from bot.core.refs import DealNumber
from bot.deals import ticking
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created, Ticked
from flows.loader import SHIPPED_DIR, parse_map
from flows.schema import Stage
from storage.database import Database
from storage.models import Deal, DealEvent, EventKind, ExitTick

# Everyone in workspace T1 unless named otherwise. UADMIN is in services.admins
# (STAGECOACH_ADMINS); UMGR becomes REP's manager through the `team` fixture.
REP = Actor(team_id="T1", user_id="UREP")
OTHER_REP = Actor(team_id="T1", user_id="UOTHER")
MANAGER = Actor(team_id="T1", user_id="UMGR")
ADMIN = Actor(team_id="T1", user_id="UADMIN")
T2_REP = Actor(team_id="T2", user_id="UT2REP")


OutcomeT = TypeVar("OutcomeT")


def expect(outcome: Outcome, kind: type[OutcomeT]) -> OutcomeT:
    """`outcome`, checked to be a `kind` (the message shows what came instead)."""
    assert isinstance(outcome, kind), f"expected {kind.__name__}, got {outcome!r}"
    return outcome


async def new_deal(
    services: Services, actor: Actor, name: str, amount: str | None = None
) -> DealCard:
    return expect(await create_deal(services, actor, name=name, amount=amount), Created).card


def required_refs(stage: Stage) -> list[str]:
    """Item numbers (as the card shows them) of the stage's required items."""
    return [str(number) for number, item in enumerate(stage.exit, 1) if item.required]


def evidence_for(stage: Stage, *, required_only: bool = True) -> dict[str, str]:
    """A plausible value for each (required) evidence item, keyed by item id."""
    return {
        item.id: f"value for {item.id}"
        for item in stage.exit
        if item.evidence and (item.required or not required_only)
    }


async def make_ready(services: Services, actor: Actor, card: DealCard) -> DealCard:
    """Tick every required item of the deal's stage, with evidence where asked."""
    ticked = await ticking.set_ticks(
        services,
        actor,
        DealNumber(card.deal_id),
        tick=required_refs(card.stage),
        evidence=evidence_for(card.stage),
    )
    ready = expect(ticked, Ticked).card
    assert not ready.missing, ready.missing
    return ready


async def deal_row(db: Database, deal_id: int) -> Deal:
    async with db.read() as session:
        deal = await session.get(Deal, deal_id)
    assert deal is not None
    return deal


async def events_of(db: Database, deal_id: int) -> list[DealEvent]:
    async with db.read() as session:
        query = select(DealEvent).where(DealEvent.deal_id == deal_id).order_by(col(DealEvent.id))
        return list((await session.exec(query)).all())


async def kinds_of(db: Database, deal_id: int) -> list[EventKind]:
    return [EventKind(event.kind) for event in await events_of(db, deal_id)]


async def ticked_items(db: Database, deal_id: int, stage: str) -> set[str]:
    async with db.read() as session:
        query = select(ExitTick).where(ExitTick.deal_id == deal_id, ExitTick.stage == stage)
        return {tick.item_id for tick in (await session.exec(query)).all()}


async def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the models declare (deal, exit_tick, deal_event, person…),
    in primary-key order."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    async with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = await connection.execute(sa_select(table).order_by(*table.primary_key.columns))
            found[table.name] = [tuple(row) for row in rows]
    return found


@asynccontextmanager
async def writes_nothing(services: Services) -> AsyncIterator[None]:
    """Fails when any table differs after the block from what it held before. What the
    services write behind (each user's default deal) is written first, and again after
    the block, so a failure that set one is caught too."""
    await services.deals.flush()
    before = await snapshot(services.db)
    yield
    await services.deals.flush()
    after = await snapshot(services.db)
    changed = [table for table in before if after[table] != before[table]]
    assert not changed, f"a failure changed these tables: {', '.join(changed)}"


def names(rows: Sequence[Any]) -> list[str]:
    return sorted(row.name for row in rows)


def default_map_v2_source() -> str:
    """The shipped default map as its owners might publish it next: version 2, with the
    first stage renamed (id `qualify` → `qualification`, "Lead qualification")."""
    source = (SHIPPED_DIR / "default.yml").read_text(encoding="utf-8")
    source = source.replace("\nversion: 1\n", "\nversion: 2\n", 1)
    source = source.replace("    name: Qualification\n", "    name: Lead qualification\n", 1)
    return re.sub(r"\bqualify\b", "qualification", source)


def catalog_from(source: str) -> MapCatalog:
    return MapCatalog(parse_map(source, file="default@edited"), source=source)

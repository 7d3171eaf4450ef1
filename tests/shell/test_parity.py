"""Parity: each `/deal` subcommand and each interactive element of the stage card, once
through the shell and once through Slack's HTTP path, on two fresh databases with the
same starting state, leaves the same rows (deals, ticks, events, people; ids and times
aside). The shell is not a second implementation: this is what proves it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from sqlmodel import SQLModel

from bot.commands import COMMANDS
from bot.core.catalog import MapCatalog
from bot.core.context import Actor, Services
from bot.core.refs import DealNumber
from bot.core.settings import Settings
from bot.deals import moving, ticking
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.shell.people import TEAM_ID, admin_ids, seed_people, user_id_for
from bot.shell.session import ShellSession
from bot.slack_standin import SlackStandIn
from storage.database import Database
from tests.conftest import fresh_database
from tests.shell.effects import Effects, effects
from tests.shell.sides import Click, HttpSide, Line, ShellSide, Step, shell_channel_id
from tests.support.harness import start_harness

IN_A_MONTH = (dt.date.today() + dt.timedelta(days=30)).isoformat()
QUALIFY_READY = {"problem": "Manual quotes", "budget": "40k", "discovery_booked": "Monday"}


def show(deal: str, user: str = "ana") -> Line:
    return Line(user, f"/deal show {deal}")


# name → (steps, whether the database changes). The starting state: #1 Acme (ana,
# Qualification, item 1 ticked), #2 Globex (ana, Discovery), #3 Hooli (ana, Qualification,
# ready to advance), #4 Vandelay (ana, lost in Discovery), #5 Stark (ben, Qualification).
SUBCOMMANDS: dict[str, tuple[list[Step], bool]] = {
    "show": ([Line("ana", "/deal show acme")], True),  # naming a deal makes it the default
    "new": ([Line("ana", "/deal new Initech Payroll 30k")], True),
    "tick": ([Line("ana", '/deal tick #1 2="Manual quotes" 3')], True),
    "untick": ([Line("ana", "/deal untick #1 1")], True),
    "advance": ([Line("ana", "/deal advance hooli")], True),
    "playbook": ([Line("ana", "/deal playbook price")], False),
    "objection": ([Line("ana", "/deal objection #2 they think we are too expensive")], True),
    "lose": ([Line("ana", "/deal lose #2 price too high")], True),
    "nurture": ([Line("ana", "/deal nurture #2 3m")], True),
    "disqualify": ([Line("ana", "/deal disqualify #1 under 20 employees")], True),
    "reopen": ([Line("ana", "/deal reopen #4 discovery")], True),  # where it left the path
    "override": ([Line("maria", "/deal override #1 signed the pilot terms already")], True),
    "list": ([Line("maria", "/deal list team")], False),
    "history": ([Line("ana", "/deal history #2")], False),
    "feedback": ([Line("ana", "/deal feedback the demo stage needs a security item")], True),
    "bind": ([Line("ana", "/deal bind acme")], True),
    "unbind": ([Line("ana", "/deal bind acme"), Line("ana", "/deal unbind")], True),
    "room": (
        [Line("ana", "/deal room acme"), Line("maria", "/deal override #1 CFO said yes")],
        True,
    ),
    "role": ([Line("ada", "/deal role @ben manager")], True),
    "team": ([Line("ada", "/deal team @maria remove @ben")], True),
    "map": ([Line("ana", "/deal map")], False),  # a picture in the DM
    "help": ([Line("ana", "/deal help tick")], False),
}
CARD_ELEMENTS: dict[str, tuple[list[Step], bool]] = {
    "checkbox tick (its form asks the evidence)": (
        [show("#1"), Click("ana", "2.", {"in_evidence:problem": "Manual quotes"})],
        True,
    ),
    "checkbox untick": ([show("#1"), Click("ana", "1.")], True),
    "Advance": ([show("#3"), Click("ana", "Advance")], True),
    "Advance refused": ([show("#1"), Click("ana", "Advance")], False),
    "Playbook": ([show("#1"), Click("ana", "Playbook")], False),
    "History": ([show("#1"), Click("ana", "History")], False),
    "Add evidence": (
        [
            show("#1"),
            Click(
                "ana",
                "Add evidence",
                {
                    "in_evidence:problem": "Manual quotes",
                    "in_evidence:budget": "20-40k",
                    "in_evidence:discovery_booked": "2026-03-10",
                },
            ),
        ],
        True,
    ),
    "More: Mark as lost": (
        [
            show("#2"),
            Click("ana", "Mark as lost", {"in_reason": "Price too high", "in_note": "cheaper"}),
        ],
        True,
    ),
    "More: Disqualify": (
        [show("#2"), Click("ana", "Disqualify", {"in_reason": "too small"})],
        True,
    ),
    "More: Nurture": (
        [show("#2"), Click("ana", "Nurture (not now)", {"in_date": IN_A_MONTH})],
        True,
    ),
    "More: Override gate": (
        [
            show("#2", "maria"),
            Click("maria", "Override gate (managers)", {"in_reason": "pilot signed"}),
        ],
        True,
    ),
    "More: Reopen": ([show("#4"), Click("ana", "Reopen to Discovery")], True),
}


async def starting_state(services: Services) -> None:
    await seed_people(services)
    ana = Actor(team_id=TEAM_ID, user_id=user_id_for("ana"))
    ben = Actor(team_id=TEAM_ID, user_id=user_id_for("ben"))
    acme = await _create(services, ana, "Acme", "50k")
    await ticking.set_ticks(services, ana, acme, tick=["1"])
    globex = await _create(services, ana, "Globex", "20k")
    await _ready(services, ana, globex)
    await moving.advance(services, ana, globex)
    hooli = await _create(services, ana, "Hooli", "30k")
    await _ready(services, ana, hooli)
    vandelay = await _create(services, ana, "Vandelay", "25k")
    await _ready(services, ana, vandelay)
    await moving.advance(services, ana, vandelay)
    await moving.lose(services, ana, vandelay, reason="Price too high")
    await _create(services, ben, "Stark", "60k")


async def _create(services: Services, actor: Actor, name: str, amount: str) -> DealNumber:
    created = await create_deal(services, actor, name=name, amount=amount)
    assert isinstance(created, Created)
    return DealNumber(created.card.deal_id)


async def _ready(services: Services, actor: Actor, ref: DealNumber) -> None:
    await ticking.set_ticks(services, actor, ref, tick=["1"], evidence=QUALIFY_READY)


@asynccontextmanager
async def fresh_services(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Services]:
    db: Database = await fresh_database("sqlite", tmp_path_factory)
    async with db.write_engine.begin() as connection:
        await connection.run_sync(SQLModel.metadata.create_all)
    catalog = MapCatalog.from_ref("default")
    await catalog.register(db)
    services = Services(db=db, catalog=catalog, admins=admin_ids())
    await starting_state(services)
    try:
        yield services
    finally:
        await db.dispose()


Runner = Callable[[Step], Awaitable[None]]


async def through_shell(services: Services, steps: list[Step]) -> tuple[Effects, Effects]:
    settings = Settings(database_url="sqlite://", admins=services.admins)
    session = await ShellSession.start(services=services, settings=settings)
    try:
        return await _run(services, ShellSide(session).run, steps)
    finally:
        await session.close()


async def through_http(services: Services, steps: list[Step]) -> tuple[Effects, Effects]:
    async with SlackStandIn() as standin:
        harness = await start_harness(services, standin)
        harness.team_id, harness.channel_id = TEAM_ID, shell_channel_id()
        try:
            return await _run(services, HttpSide(harness).run, steps)
        finally:
            await harness.runtime.tasks.drain()
            await harness.client.close()
            standin.assert_clean()


async def _run(services: Services, run: Runner, steps: list[Step]) -> tuple[Effects, Effects]:
    """The rows before and after the last step (the ones before it only set the scene)."""
    *scene, last = steps
    for step in scene:
        await run(step)
    before = await _settled_effects(services)
    await run(last)
    return before, await _settled_effects(services)


async def _settled_effects(services: Services) -> Effects:
    await services.deals.flush()  # each user's default deal is written behind
    return await effects(services.db)


def parity_cases() -> dict[str, tuple[list[Step], bool | None]]:
    """The cases above, and each subcommand added since, by its first documented example
    (whether that changes the database is then not asserted)."""
    cases: dict[str, tuple[list[Step], bool | None]] = {
        f"/deal {name}": case for name, case in SUBCOMMANDS.items()
    }
    for spec in COMMANDS:
        if spec.name not in SUBCOMMANDS:
            example = spec.examples[0] if spec.examples else f"/deal {spec.name}"
            cases[f"/deal {spec.name}"] = ([Line("ana", example)], None)
    return cases | {f"card: {name}": case for name, case in CARD_ELEMENTS.items()}


CASES = parity_cases()


@pytest.mark.parametrize(("steps", "changes"), CASES.values(), ids=CASES.keys())
async def test_the_shell_and_slack_have_the_same_effects(
    steps: list[Step], changes: bool | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    async with fresh_services(tmp_path_factory) as services:
        shell_before, shell_after = await through_shell(services, steps)
    async with fresh_services(tmp_path_factory) as services:
        http_before, http_after = await through_http(services, steps)

    assert shell_before == http_before  # the same state before the step compared
    assert shell_after == http_after
    if changes is not None:
        assert (shell_after != shell_before) is changes


def test_every_subcommand_has_a_parity_case() -> None:
    assert {f"/deal {spec.name}" for spec in COMMANDS} <= set(CASES)

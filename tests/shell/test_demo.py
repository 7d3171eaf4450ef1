"""Demo data: deals across the map with back-dated history, for lists, App Home and stats."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import select

from bot.deals.evidence_values import read_evidence_value
from bot.shell.demo import DEMO_DEALS, MANAGER, seed_demo
from bot.shell.lines import run_line
from bot.shell.people import user_id_for
from bot.shell.render import Terminal
from bot.shell.session import ShellSession
from bot.shell.startup import open_shell
from flows.loader import shipped_map_ids
from storage.models import Deal, DealEvent, EventKind, ExitTick
from tests.support.shell import Env
from tests.support.typed_map import typed_map_source


async def shown(session: ShellSession, line: str) -> str:
    out = io.StringIO()
    Terminal(out, colour=False, humanize=session.directory.humanize).reply(
        await run_line(session, line)
    )
    return out.getvalue()


async def test_demo_deals_spread_over_the_map_with_history(session: ShellSession) -> None:
    services = session.runtime.services
    assert await seed_demo(services) == len(DEMO_DEALS)
    assert await seed_demo(services) == 0  # once

    async with services.db.read() as db:
        deals = (await db.exec(select(Deal))).all()
        events = (await db.exec(select(DealEvent))).all()
    assert {d.status for d in deals} == {"open", "won", "lost", "nurture"}
    assert len({d.stage for d in deals}) >= 6
    kinds = {e.kind for e in events}
    assert {
        EventKind.ADVANCED,
        EventKind.OVERRIDDEN,
        EventKind.BRANCHED,
        EventKind.OBJECTION,
    } <= kinds
    oldest = min(e.at for e in events)
    assert (services.clock() - oldest).days >= 79  # back-dated: the oldest deal is 80 days old

    session.act_as("maria")
    listing = await shown(session, "/deal list team")
    assert "Initech Payroll · Solution demo · 18 days in stage" in listing
    assert "stuck" in listing
    home = await shown(session, "/home")
    assert "Team pipeline\n=============" in home and "Qualification · 2 deals" in home
    session.act_as("ana")
    history = await shown(session, "/deal history vandelay")
    assert "Price too high" in history


@pytest.mark.parametrize("map_id", [*shipped_map_ids(), "typed"])
async def test_demo_evidence_is_what_each_type_accepts_and_validated_where_the_map_asks(
    shell_env: Env, map_id: str, tmp_path: Path
) -> None:
    """On every shipped map, and on one whose first stage asks for every type of evidence
    and a validated item: each value the demo recorded reads back as itself by its item's
    type, and an item the map has a manager validate was validated by the demo's manager
    before its deal left the stage (in the stage a deal is in, it may still wait)."""
    if map_id == "typed":
        map_id = str(tmp_path / "typed.yml")
        Path(map_id).write_text(typed_map_source(), encoding="utf-8")
    async with open_shell({**shell_env, "STAGECOACH_MAP": map_id}, demo=True) as session:
        services = session.runtime.services
        process_map = services.catalog.current
        async with services.db.read() as db:
            deals = {d.id: d for d in (await db.exec(select(Deal))).all()}
            ticks = (await db.exec(select(ExitTick))).all()
    assert len(deals) == len(DEMO_DEALS)
    checked, to_validate = 0, []
    for tick in ticks:
        item = process_map.stage(tick.stage).item(tick.item_id)
        assert item is not None, (tick.stage, tick.item_id)
        if item.evidence is not None:
            assert tick.evidence is not None
            assert read_evidence_value(item.evidence, tick.evidence) == tick.evidence, tick
            checked += 1
        if item.validate_by is not None:
            to_validate.append(tick)
            if deals[tick.deal_id].stage != tick.stage:
                assert tick.validated_by == user_id_for(MANAGER), tick
    assert checked >= 10
    # A map with a validated item shows one in the demo, ticked (and waiting, or validated).
    assert to_validate or not any(i.validate_by for s in process_map.stages for i in s.exit)

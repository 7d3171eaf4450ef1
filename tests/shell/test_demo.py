"""Demo data: deals across the map with back-dated history, for lists, App Home and stats."""

from __future__ import annotations

import io

from sqlmodel import select

from bot.shell.demo import DEMO_DEALS, seed_demo
from bot.shell.lines import run_line
from bot.shell.render import Terminal
from bot.shell.session import ShellSession
from storage.models import Deal, DealEvent, EventKind


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
    assert "TEAM PIPELINE" in home and "Qualification · 2 deals" in home
    session.act_as("ana")
    history = await shown(session, "/deal history vandelay")
    assert "Price too high" in history

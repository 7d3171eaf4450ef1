from bot.core.context import Actor
from bot.core.outcomes import Blocked
from bot.core.refs import CURRENT, DealName
from bot.deals import moving, ticking
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created, Moved, Ticked


async def test_create_tick_advance(services):
    rep = Actor(team_id="T1", user_id="UREP")
    created = await create_deal(services, rep, name="Acme", amount="50k")
    assert isinstance(created, Created)
    blocked = await moving.advance(services, rep, DealName("acme"))
    assert isinstance(blocked, Blocked), blocked
    refs = [str(i + 1) for i, item in enumerate(created.card.stage.exit) if item.required]
    evidence = {
        str(i + 1): "yes" for i, item in enumerate(created.card.stage.exit) if item.evidence
    }
    ticked = await ticking.set_ticks(services, rep, CURRENT, tick=refs, evidence=evidence)
    assert isinstance(ticked, Ticked), ticked
    moved = await moving.advance(services, rep, CURRENT)
    assert isinstance(moved, Moved), moved
    assert moved.card.stage.id != created.card.stage.id

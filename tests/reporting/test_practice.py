"""Practice deals (onboarding's sandbox) never count in any KPI."""

from __future__ import annotations

from bot.core.context import Actor, Services
from bot.core.dates import FromToday
from bot.core.outcomes import Failure
from bot.core.refs import DealNumber
from bot.core.scope import Scope
from bot.deals import moving, notes
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.reporting.kpi_json import stats_json
from bot.reporting.kpis import compute_stats
from bot.reporting.periods import Period
from tests.support.known_history import R1, TEAM


async def test_practice_deals_are_left_out(imported: Services) -> None:
    async def everything() -> dict[str, object]:
        stats = await compute_stats(
            imported, team_id=TEAM, scope=Scope.everyone(), period=Period.everything()
        )
        return stats_json(stats)

    before = await everything()
    rep = Actor(TEAM, R1)
    created = await create_deal(imported, rep, name="Practice Acme", amount="90k", is_practice=True)
    assert isinstance(created, Created)
    ref = DealNumber(created.card.deal_id)
    await notes.record_objection(imported, rep, "too expensive", ref=ref)
    disqualified = await moving.disqualify(imported, rep, ref, reason="practice run")
    assert not isinstance(disqualified, Failure), disqualified
    practice = await create_deal(imported, rep, name="Practice Beta", is_practice=True)
    assert isinstance(practice, Created)
    nurtured = await moving.nurture(
        imported, rep, DealNumber(practice.card.deal_id), until=FromToday(days=30)
    )
    assert not isinstance(nurtured, Failure), nurtured

    after = await everything()
    assert after == before

"""The practice deal through the real HTTP app: created from the DM, walked from the first
stage to won with the real card and gates, and never seen in lists, App Home or KPIs."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.slack_standin import (
    app_home_opened_event,
    checkboxes_action,
    event_callback,
    option,
)
from bot.slack_standin.workspace import dm_channel
from bot.views.ids import ActionId
from flows.schema import ProcessMap
from storage.models import Deal, DealStatus
from tests.onboarding.conftest import click, last_dm, progress_of
from tests.support.blockkit import find, text_of
from tests.support.harness import SlackHarness
from tests.support.slack import MANAGER, REP, make_team


def ready_line(process_map: ProcessMap, stage_id: str, deal_id: int) -> str:
    """`tick #id …` for every required item of the stage, with evidence where asked."""
    stage = process_map.stage(stage_id)
    parts = [
        f'{n}="checked"' if item.evidence else str(n)
        for n, item in enumerate(stage.exit, start=1)
        if item.required
    ]
    return f"tick #{deal_id} " + " ".join(parts)


async def practice_deal(slack: SlackHarness) -> Deal:
    async with slack.services.db.read() as session:
        return (await session.exec(select(Deal).where(Deal.is_practice == True))).one()  # noqa: E712


async def start_practice(slack: SlackHarness) -> dict:
    await slack.command("onboard", user=REP)
    tour = last_dm(slack, REP)
    total = int(tour["blocks"][0]["text"]["text"].split("/")[1].split(":")[0])
    await click(slack, REP, tour, ActionId.TOUR_NEXT, value=str(total))  # finish the tour
    overview = last_dm(slack, REP)
    await click(slack, REP, overview, ActionId.PRACTICE)
    return last_dm(slack, REP)


async def test_the_practice_deal_is_walked_to_won_through_the_real_gates(
    slack: SlackHarness,
) -> None:
    process_map = slack.services.catalog.current
    card = await start_practice(slack)
    deal = await practice_deal(slack)
    assert deal.owner_id == REP and deal.stage == process_map.first_stage.id
    shown = text_of(card["blocks"])
    assert (
        "This is your practice deal" in shown
        and "practice deal" in card["blocks"][-1]["elements"][0]["text"]
    )

    # the gate holds: Advance with open items is refused on the card itself
    await click(slack, REP, card, ActionId.ADVANCE)
    assert "cannot leave" in last_dm(slack, REP)["text"]
    assert (await practice_deal(slack)).stage == process_map.first_stage.id

    # tick on the card's checkboxes (the whole selection, as Slack sends it)
    card = last_dm(slack, REP)
    block, checklist = find(card["blocks"], ActionId.EXIT_ITEMS)
    everything = [option(o["value"], o["text"]["text"]) for o in checklist["options"]]
    await slack.action(
        checkboxes_action(
            ActionId.EXIT_ITEMS, block_id=block["block_id"], selected_options=everything
        ),
        user=REP,
        channel_id=dm_channel(REP),
        message=card,
        response_url=slack.standin.response_url(channel=REP, user=REP, message_ts=card["ts"]),
    )
    # the evidence, and every later stage, by command; each Advance on the card in the DM
    while (await practice_deal(slack)).status == DealStatus.OPEN:
        stage = (await practice_deal(slack)).stage
        answer = await slack.command(ready_line(process_map, stage, deal.id or 0), user=REP)
        assert answer.status == 200
        await click(slack, REP, last_dm(slack, REP), ActionId.ADVANCE)
        assert (await practice_deal(slack)).stage != stage

    won = await practice_deal(slack)
    assert won.stage == process_map.won_stage.id and won.is_practice
    assert "Won!" in last_dm(slack, REP)["text"]

    # /deal onboard notices the win and stores it
    await slack.command("onboard", user=REP)
    overview = text_of(last_dm(slack, REP)["blocks"])
    assert "Practice deal: ✓ won" in overview
    assert (await progress_of(slack, REP)).practice_done_at is not None
    assert (await progress_of(slack, REP)).practice_deal_id == won.id


async def test_opening_the_practice_deal_twice_keeps_one(slack: SlackHarness) -> None:
    card = await start_practice(slack)
    overview = slack.standin.messages(REP)[-2]
    await click(slack, REP, overview, ActionId.PRACTICE)

    again = last_dm(slack, REP)
    assert again["ts"] != card["ts"]
    assert "Your practice deal is in" in text_of(again["blocks"])
    async with slack.services.db.read() as session:
        practice = (await session.exec(select(Deal).where(Deal.is_practice == True))).all()  # noqa: E712
    assert len(practice) == 1


async def test_the_practice_deal_is_in_no_list_home_or_kpi(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP)
    await slack.command("new Acme Corp 50k", user=REP)
    await start_practice(slack)
    practice = await practice_deal(slack)

    for user, line in [(REP, "list"), (REP, "list all"), (MANAGER, "list team")]:
        listed = await slack.command(line, user=user)
        assert "Acme Corp" in listed.text and "Practice deal" not in listed.text, line
    named = await slack.command("show practice", user=REP)
    assert "no deal's name starts with 'practice'" in named.text

    homes = {}
    for user in (REP, MANAGER):
        await slack.event(event_callback(app_home_opened_event(user), team_id=slack.team_id))
        homes[user] = text_of(slack.standin.home(user)["blocks"])  # type: ignore[index]
    assert "Acme Corp" in homes[REP] and "Practice deal" not in homes[REP]
    # the team pipeline counts Acme's $50,000, not the practice deal's $25,000
    assert "Qualification · 1 deal · $50,000" in homes[MANAGER]
    assert f"@{REP} — tour ✓ done · quiz not taken · practice in Qualification" in homes[MANAGER]

    kpis = pytest.importorskip("bot.reporting.kpis", reason="the KPI module is not in this tree")
    from bot.core.scope import Scope
    from bot.reporting.kpi_json import stats_json
    from bot.reporting.periods import Period

    stats = await kpis.compute_stats(
        slack.services, team_id=slack.team_id, scope=Scope.everyone(), period=Period.everything()
    )
    counted = stats_json(stats)["deals"]
    assert counted["open"] == 1  # Acme only
    assert practice.id is not None

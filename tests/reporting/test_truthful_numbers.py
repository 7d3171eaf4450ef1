"""The numbers tell the truth (issue #17), each as a new user met it, through the real path:
signed Slack requests for /deal stats, a composed digest; `stagecoach stats` and `plan`
are in test_truthful_cli.py. Both backends."""

from __future__ import annotations

import datetime as dt

from bot.core.context import Services
from bot.digests.compose import compose_digest
from bot.views.digest import digest_message
from bot.views.text import render_text
from storage.digest_models import DigestSubscription
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.known_history import HEADER, TEAM, import_text
from tests.support.slack import ADMIN, REP

TODAY = "2026-03-02"  # the test clock: 2026-03-02 09:00 UTC


async def imported(services: Services, rows: list[str], *, team_id: str = TEAM) -> None:
    report = await import_text(services, "\n".join([HEADER, *rows]) + "\n", team_id=team_id)
    assert report.rejected == [], report.rejected


def won_within_minutes(count: int, owner: str = REP) -> list[str]:
    """Deals created this morning and won minutes later: a sales cycle of 0.0 days."""
    return [
        row
        for n in range(count)
        for row in (
            f"W{n},Quick{n},{owner},500000,USD,qualify,{TODAY}T08:0{n}:00",
            f"W{n},Quick{n},{owner},500000,USD,closed_won,{TODAY}T08:5{n}:00",
        )
    ]


async def test_one_deal_won_in_minutes_gives_no_velocity(slack: SlackHarness) -> None:
    # before: "Sales cycle: 0.0 days median" beside "Velocity: $122,534,101 a day"
    await imported(slack.services, won_within_minutes(1), team_id=slack.team_id)
    for n in range(4):
        assert "Created" in (await slack.command(f"new Lead{n} 40k", user=REP)).text
    shown = text_of((await slack.command("stats all", user=ADMIN)).json["blocks"])
    assert "Velocity: not enough won deals yet (1)" in shown
    assert "a day" not in shown.split("Velocity:")[1].split("\n")[0]
    assert "Sales cycle: 0.0 days median · 0.0 days mean, from 1 won deal" in shown


async def test_five_deals_won_within_a_day_give_no_velocity_either(slack: SlackHarness) -> None:
    await imported(slack.services, won_within_minutes(5), team_id=slack.team_id)
    shown = text_of((await slack.command("stats all", user=ADMIN)).json["blocks"])
    assert "Velocity: not enough won deals yet (5, won within a day)" in shown


async def test_deals_in_other_currencies_are_shown_not_dropped(slack: SlackHarness) -> None:
    # before: the €50k and 20,000 TRY deals vanished from the text without a word
    for line in ("new Acme 30k", "new Globex €50k", "new Initech 20000 TRY", "new Hooli 10k"):
        assert "Created" in (await slack.command(line, user=REP)).text
    answer = await slack.command("stats all", user=ADMIN)
    shown = text_of(answer.json["blocks"])
    assert "Deals: 4 open · 0 won · 0 lost" in shown
    # qualification's 10% of each currency, never added across currencies
    assert "Weighted pipeline: $4,000 · €5,000 · 2,000 TRY" in shown
    assert "Open deals by currency: 2 USD · 1 EUR · 1 TRY" in shown
    assert "amounts per currency, never added across currencies" in shown


async def test_the_same_objection_in_two_stages_names_each_stage(slack: SlackHarness) -> None:
    # before: `stats` printed "“…” heard 1×" twice, the stage hidden
    await imported(
        slack.services,
        [
            f"O1,Orbit,{REP},10000,USD,qualify,2026-02-20",
            f"O1,Orbit,{REP},10000,USD,discovery,2026-02-25",
        ],
        team_id=slack.team_id,
    )
    assert "Created" in (await slack.command("new Nova 20k", user=REP)).text
    for number, name in ((2, "Nova"), (1, "Orbit")):
        heard = await slack.command(f"objection #{number} it's too expensive", user=REP)
        assert f"Noted on {name}" in heard.text, heard.text
    shown = text_of((await slack.command("stats all", user=ADMIN)).json["blocks"])
    lines = [line for line in shown.splitlines() if "heard" in line]
    assert len(lines) == len(set(lines)) == 2, lines
    assert lines[0].startswith("Qualification: “") and lines[1].startswith("Discovery: “")


async def test_a_digest_funnel_counts_decided_entries_and_won_has_no_conversion(
    services: Services,
) -> None:
    # before: "Closed won: 1 entered, 0% moved on"; qualify "13 entered, 23% moved on"
    rows = won_within_minutes(1)
    rows += [
        f"M{n},Moved{n},{REP},10000,USD,{stage},2026-02-0{n + 1}T10:00:00"
        for n in range(2)
        for stage in ("qualify",)
    ]
    rows += [f"M{n},Moved{n},{REP},10000,USD,discovery,2026-02-1{n}" for n in range(2)]
    rows += [f"N{n},New{n},{REP},10000,USD,qualify,{TODAY}T08:3{n}:00" for n in range(9)]
    await imported(services, rows)
    subscription = DigestSubscription(
        team_id=TEAM,
        channel_id="C0SALES001",
        frequency="weekly",
        at_time="09:00",
        tz="UTC",
        scope="all",
        scope_user_id=None,
        created_by=ADMIN,
    )
    now = services.clock()
    digest = await compose_digest(
        services, subscription=subscription, window_start=now - dt.timedelta(days=7), window_end=now
    )
    text = render_text(digest_message(digest).to_dict()["blocks"])
    # 12 entered qualify: W0 and M0, M1 moved on, the 9 new ones are still there
    assert "Qualification: 12 entered, 100% of 3 decided moved on, 9 still in stage" in text
    assert "Closed won: 1 entered, 1 still in stage" in text
    assert "moved on" not in text.split("Closed won:")[1].split("\n")[0]

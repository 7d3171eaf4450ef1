"""/deal stats and /deal plan through the real app: signed Slack requests in, the answer in
the acknowledgement, scoped by who asks; and both in /deal help."""

from __future__ import annotations

from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.known_history import R1, R2, csv_text, import_text
from tests.support.slack import ADMIN, MANAGER, REP, REP2, make_team


async def history_for_the_harness(slack: SlackHarness) -> None:
    text = csv_text().replace(R1, REP).replace(R2, REP2)
    report = await import_text(slack.services, text, team_id=slack.team_id)
    assert report.deals_created == 9


async def test_a_rep_sees_their_own_numbers(slack: SlackHarness) -> None:
    await history_for_the_harness(slack)
    answer = await slack.command("stats all", user=REP)
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    # REP owns D1 (won), D2 and D8 (lost), D5 (disqualified), D7 (open)
    assert answer.text.startswith("KPIs: your deals, all time: win rate 33.3%, 1 won, 2 lost")
    shown = text_of(answer.json["blocks"])
    assert "Qualification" in shown
    # D7 was lost from the demo, D8 from the proposal: one line per stage, naming it
    assert "Solution demo: Chose a competitor: 1 lost" in shown
    assert "Proposal: Chose a competitor: 1 lost" in shown


async def test_an_admin_sees_the_workspace_and_a_manager_their_team(slack: SlackHarness) -> None:
    await history_for_the_harness(slack)
    everyone = await slack.command("stats all", user=ADMIN)
    assert everyone.text.startswith("KPIs: the whole workspace, all time: win rate 50.0%, 2 won")
    await make_team(slack, MANAGER, REP2)
    team = await slack.command("stats all", user=MANAGER)
    # the manager's team is REP2: D3 won, nothing lost
    assert team.text.startswith("KPIs: your team, all time: win rate 100.0%, 1 won, 0 lost")


async def test_the_default_period_and_a_bad_one(slack: SlackHarness) -> None:
    await history_for_the_harness(slack)
    recent = await slack.command("stats", user=ADMIN)
    assert recent.text.startswith("KPIs: the whole workspace, the last 90 days:")
    bad = await slack.command("stats yesterday", user=ADMIN)
    assert bad.status == 200 and bad.json["response_type"] == "ephemeral"
    assert "'yesterday' is not a period" in bad.text and "this-quarter" in bad.text
    two = await slack.command("stats 30d 90d", user=ADMIN)
    assert "stats takes one period" in two.text and "Usage: /deal stats [period]" in two.text


async def test_plan_from_a_quota(slack: SlackHarness) -> None:
    await history_for_the_harness(slack)
    answer = await slack.command("plan 100k quarter", user=ADMIN)
    assert answer.text.startswith(
        "Plan: $100,000 per quarter, the whole workspace: 5 wins needed, "
    )
    shown = text_of(answer.json["blocks"])
    # qualify: 9 entries of history, 8 decided (D6 is still there): too few to plan from
    assert "map default (87.5% from 8 decided, 1 still in stage: not yet meaningful" in shown
    monthly = await slack.command("plan $20k month", user=ADMIN)
    assert monthly.text.startswith("Plan: $20,000 per month, the whole workspace: 1 win needed")


async def test_plan_refuses_what_it_cannot_use(slack: SlackHarness) -> None:
    missing = await slack.command("plan", user=ADMIN)
    assert (
        "plan needs a quota" in missing.text and "Usage: /deal plan &lt;quota&gt;" in missing.text
    )  # mrkdwn
    euros = await slack.command("plan 100k EUR", user=ADMIN)
    assert "the quota is in EUR, deals are in USD" in euros.text
    words = await slack.command("plan lots", user=ADMIN)
    assert "'lots' is not an amount" in words.text
    empty = await slack.command("plan 100k", user=ADMIN)  # nothing won yet
    assert "no won deal with an amount" in empty.text


async def test_help_lists_both(slack: SlackHarness) -> None:
    listing = await slack.command("help", user=REP)
    shown = str(listing.json["blocks"])
    assert shown.count("/deal stats [period]") == 1
    assert shown.count("/deal plan &lt;quota&gt; [month|quarter|year]") == 1  # mrkdwn
    one = await slack.command("help plan", user=REP)
    assert "/deal plan 1.2m quarter" in text_of(one.json["blocks"])

"""`/deal map actual` through signed Slack requests: a manager gets the short text in the
acknowledgement and the picture in their DM; a rep is told who may; an empty history says
there is not enough data and uploads nothing. Expected figures come from the known
history's rows and the map file (tests/support/known_history.py), not from the SQL."""

from __future__ import annotations

from bot.slack_standin.workspace import dm_channel
from tests.reporting.test_actual_flow import DRAWN
from tests.support.blockkit import text_of
from tests.support.harness import SlackHarness
from tests.support.known_history import R1, R2, ROWS, csv_text, import_text
from tests.support.slack import ADMIN, MANAGER, REP, REP2, make_team

PNG = b"\x89PNG\r\n\x1a\n"


async def known_history(slack: SlackHarness) -> None:
    text = csv_text().replace(R1, REP).replace(R2, REP2)
    report = await import_text(slack.services, text, team_id=slack.team_id)
    assert report.deals_created == 9


def moves_of(owners: set[str] | None = None) -> list[tuple[str, str]]:
    """Every from → to of the known history (rows in time order per deal)."""
    by_deal: dict[str, list[tuple[str, str, str]]] = {}
    for deal, _name, owner, _amount, stage, at, _reason in ROWS:
        by_deal.setdefault(deal, []).append((at, stage, owner))
    moves = []
    for rows in by_deal.values():
        rows.sort()
        if owners is None or rows[0][2] in owners:
            moves += [(a[1], b[1]) for a, b in zip(rows, rows[1:], strict=False)]
    return moves


async def test_a_manager_gets_the_text_and_the_picture_in_their_dm(slack: SlackHarness) -> None:
    await known_history(slack)
    await make_team(slack, MANAGER, REP2)

    answer = await slack.command("map actual all", user=MANAGER)

    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    shown = text_of(answer.json["blocks"])
    team = moves_of({R2})  # REP2 stands for R2; the manager's team is the manager and REP2
    created = len({row[0] for row in ROWS if row[2] == R2})
    assert answer.text.startswith(
        f"Actual flow: your team, all time: {len(team)} moves between stages of the "
        f"B2B sales process (compact) map (v1), {created} deals created."
    )
    off = [move for move in team if move not in DRAWN]
    assert off, "the known history has moves the map lacks"
    assert f"Not on the map: {len(off)} moves ({len(off) / len(team):.0%} of all moves)." in shown
    assert "Solution demo → Discovery: 1" in shown  # D9's move back
    assert "The picture follows in your direct messages." in shown
    [picture] = slack.standin.uploaded_files()
    assert picture.channels == [dm_channel(MANAGER)]
    assert picture.content is not None and picture.content.startswith(PNG)
    assert picture.title == "B2B sales process (compact): what deals actually did"


async def test_an_admin_sees_the_whole_workspace_by_default(slack: SlackHarness) -> None:
    await known_history(slack)
    answer = await slack.command("map actual 2026-01-01..2026-03-31", user=ADMIN)
    everyone = moves_of()
    assert answer.text.startswith(
        f"Actual flow: the whole workspace, 2026-01-01..2026-03-31: {len(everyone)} moves"
    )
    shown = text_of(answer.json["blocks"])
    # the stays of the known history: none of its stages overran its target in 25% of them
    assert "No stage's stays ran past its target often (in 25% of them or more)." in shown
    assert len(slack.standin.uploaded_files()) == 1


async def test_one_owner_by_mention(slack: SlackHarness) -> None:
    await known_history(slack)
    answer = await slack.command(f"map actual all owner <@{REP}|rep>", user=ADMIN)
    assert answer.text.startswith(
        f"Actual flow: the deals of <@{REP}>, all time: {len(moves_of({R1}))} moves"
    )


async def test_a_rep_is_told_who_may(slack: SlackHarness) -> None:
    await known_history(slack)
    answer = await slack.command("map actual", user=REP)
    assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
    assert "only managers and admins can see the actual flow on the map" in answer.text
    assert "/deal map shows the map with your own deals" in answer.text
    assert slack.standin.uploaded_files() == []


async def test_an_empty_history_is_not_enough_data(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER)
    created = await slack.command("new Acme 10k", user=MANAGER)  # created, never moved
    assert "Created" in created.text
    answer = await slack.command("map actual", user=MANAGER)
    assert answer.text == (
        "Actual flow: your team, the last 90 days: No deal moved between stages of the B2B "
        "sales process (compact) map in this period: not enough data to draw the actual "
        "flow. Try a longer period, e.g. /deal map actual all"
    )
    assert slack.standin.uploaded_files() == []


async def test_a_bad_period_changes_nothing_and_says_what_to_write(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER)
    answer = await slack.command("map actual yesterday team", user=MANAGER)
    assert "'yesterday' is not a period" in answer.text and "last-quarter" in answer.text
    assert slack.standin.uploaded_files() == []


async def test_help_names_it(slack: SlackHarness) -> None:
    shown = (await slack.command("help map", user=REP)).text
    assert "/deal map [actual [period] [team|all|owner @user]]" in shown

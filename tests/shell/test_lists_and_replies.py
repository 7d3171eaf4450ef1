"""Issue #18, items 3 and 4, typed into the shell: a tick answers with what changed and the
checklist (the long item written out), Full card shows the rest; lists show deal numbers to
the rep and to her manager, and a closed stage lists the deals closed there."""

from __future__ import annotations

from bot.shell.session import ShellSession
from tests.shell.test_scripted_session import replies, run_shell

LONG_ITEM = "1. Confirm the company matches our ideal customer profile on size, industry and region"
LINES = [
    "/deal new Acme 50k",
    "/click 1",
    "/click Full card",
    '/deal tick 2="Quotes take three days" 3="40-60k" 5="2026-03-10"',
    "/deal advance",
    "/deal new Globex 20k",
    "/deal disqualify #2 no budget this year",
    "/deal new Initech 90k",
    "/deal list",
    "/as maria",
    "/deal list team by amount",
    "/deal list stage disqualified",
    "/deal list stage won",
]


async def test_replies_show_the_checklist_and_lists_show_deal_numbers(
    session: ShellSession,
) -> None:
    shown = replies(await run_shell(session, "\n".join([*LINES, "quit"]) + "\n"))

    ticked = shown["ana: /click 1"]
    assert "✅ Ticked 1." in ticked and "(1) [x] 1. Confirm the company" in ticked
    assert f"In full: {LONG_ITEM}" in ticked
    assert "Full card" in ticked and "What happens here" not in ticked
    full = shown["ana: /click Full card"]
    assert "What happens here" in full and "Amount: $50,000" in full
    advanced = shown["ana: /deal advance"]
    assert "Acme · Discovery" in advanced and "✅ Moved from Qualification to Discovery" in advanced
    assert "Exit checklist · 5 of 5 required items open" in advanced
    assert "What happens here" not in advanced

    mine = shown["ana: /deal list"]
    assert "#1 Acme · Discovery · 0 days in stage" in mine and "#3 Initech · Qualification" in mine
    assert "Globex" not in mine
    team = shown["maria: /deal list team by amount"]
    assert "Your team's open deals · largest amount first" in team
    assert team.index("#3 Initech") < team.index("#1 Acme")
    closed = shown["maria: /deal list stage disqualified"]
    assert "Deals in Disqualified, closed in the last 90 days" in closed
    assert "#2 Globex · Disqualified" in closed
    none_won = shown["maria: /deal list stage won"]
    assert "None in this period." in none_won
    assert "A longer period: /deal list stage closed_won 365d" in none_won

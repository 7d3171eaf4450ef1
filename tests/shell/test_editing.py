"""Issue #18's scenario typed into the shell: the rep creates a deal, records a proposal and
edits its amount; their manager overrides the gate; the rep finds one DM saying who did what
and why. And the edit form, answered field by field as the shell asks."""

from __future__ import annotations

import datetime as dt

from bot.shell.session import ShellSession
from tests.shell.test_scripted_session import replies, run_shell

# The shell runs on the real clock: a date comfortably ahead of it, however late this runs.
CLOSE = dt.date.today() + dt.timedelta(days=200)


async def test_the_rep_is_told_of_the_managers_override_in_the_shell(
    session: ShellSession,
) -> None:
    lines = [
        "/deal new Acme 50k",
        "/deal objection Acme proposal sent at 65,000",
        "/deal edit amount 65k",
        "/as maria",
        f"/deal edit #1 close {CLOSE.isoformat()}",
        "/deal override #1 CFO agreed to the proposal",
        "/as ana",
        "/deal history",
    ]
    shown = replies(await run_shell(session, "\n".join([*lines, "quit"]) + "\n"))

    assert "Changed amount: $50,000 → $65,000" in shown["ana: /deal edit amount 65k"]
    told = shown["maria: /as ana"]
    assert "new in your DM with the app: 1 message" in told
    assert "@maria changed your deal Acme (#1):" in told
    assert f"expected close: none → {CLOSE.day} {CLOSE.strftime('%b %Y')}" in told
    assert "Gate overridden: moved from Qualification to Discovery" in told
    assert "CFO agreed to the proposal" in told
    history = shown["ana: /deal history"]
    assert "@ana changed the amount: 50,000 → 65,000" in history
    assert "@maria changed the expected close" in history


async def test_the_edit_form_in_the_shell(session: ShellSession) -> None:
    lines = [
        "/deal new Acme 50k",
        "/deal edit",
        "Acme Holdings",  # name
        "70k",  # amount
        "",  # currency: kept
        "",  # owner: kept
        CLOSE.isoformat(),  # expected close
        "/deal show",
    ]
    shown = replies(await run_shell(session, "\n".join([*lines, "quit"]) + "\n"))

    form = shown["ana: /deal edit"]
    assert "┌ Edit deal" in form
    assert "name: Acme → Acme Holdings" in form and "amount: $50,000 → $70,000" in form
    card = shown["ana: /deal show"]
    assert (
        "Acme Holdings" in card and f"Expected close: {CLOSE.day} {CLOSE.strftime('%b %Y')}" in card
    )

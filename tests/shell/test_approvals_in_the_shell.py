"""Approvals played in the shell by a rep, a manager and an admin (docs/approvals.md): ana
ticks the discount on a large deal and gives its value; maria finds the request in her DM
with the app and approves it; ana asks legal's sign-off, which goes to the admins; ada
rejects it through its form; ana reads why in her DM and on the card. A small deal's
discount is an ordinary tick."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.shell.session import ShellSession
from bot.shell.startup import open_shell
from tests.shell.test_scripted_session import replies, run_shell
from tests.support.approval_map import approval_map_source
from tests.support.shell import Env

LINES = [
    "/deal new Acme 150k",
    "/deal tick 2",
    "15% for a three-year term",  # the evidence form's one field
    "/as maria",
    "/click Approve",
    "/as ana",
    "/deal tick 3",
    "/as ada",
    "/click Reject",
    "legal wants the cap changed",  # the reason form's one field
    "/as ana",
    "/deal show acme",
    "/deal new Smallco 5k",
    '/deal tick 2="5%"',
    "quit",
]


@pytest.fixture
async def approvals_session(shell_env: Env, tmp_path: Path) -> AsyncIterator[ShellSession]:
    path = tmp_path / "approvals.yml"
    path.write_text(approval_map_source(), encoding="utf-8")
    async with open_shell({**shell_env, "STAGECOACH_MAP": str(path)}) as running:
        yield running


async def test_an_approval_round_trip_between_rep_manager_and_admin(
    approvals_session: ShellSession,
) -> None:
    transcript = await run_shell(approvals_session, "\n".join(LINES) + "\n")
    shown = replies(transcript)

    asked = shown["ana: /deal tick 2"]
    assert "Asked for approval of 2" in asked and "waiting for approval by @maria" in asked
    request = shown["ana: /as maria"]
    assert "@ana asks for your approval on Acme" in request and "15% for a three-year" in request
    assert "✅ Approved 2: it counts as ticked." in shown["maria: /click Approve"]
    assert "waiting for approval by @ada" in shown["ana: /deal tick 3"]
    assert "✋ Rejected 3: legal wants the cap changed" in shown["ada: /click Reject"]
    told = shown["ada: /as ana"]
    assert "@ada rejected 3. Get legal's sign-off on Acme: legal wants the cap changed" in told
    card = shown["ana: /deal show acme"]
    assert "[x] 2. Get the discount approved" in card
    assert "rejected by @ada: legal wants the cap changed" in card
    assert "✅ Ticked 2." in shown['ana: /deal tick 2="5%"']

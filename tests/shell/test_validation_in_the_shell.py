"""A manager-validated item played in the shell by its people: ana ticks it and answers its
evidence form; maria, switching in, finds the request in her DM with the app and clicks
Validate; ana ticks a new value; maria sends it back through its form; ana, switching
back, finds what is missing in her DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.shell.session import ShellSession
from bot.shell.startup import open_shell
from tests.shell.test_scripted_session import replies, run_shell
from tests.support.shell import Env
from tests.support.typed_map import typed_map_source

LINES = [
    "/deal new Acme 50k",
    "/deal tick 9",
    "Maria said yes at list price",  # the evidence form's one field
    "/as maria",
    "/click Validate",
    "/as ana",
    '/deal tick 9="Maria, 5% off"',
    "/as maria",
    "/click Send back",
    "not at 5%, ask me first",  # the send-back form's one field
    "/as ana",
    "quit",
]


@pytest.fixture
async def typed_session(shell_env: Env, tmp_path: Path) -> AsyncIterator[ShellSession]:
    path = tmp_path / "typed.yml"
    path.write_text(typed_map_source(), encoding="utf-8")
    async with open_shell({**shell_env, "STAGECOACH_MAP": str(path)}) as running:
        yield running


async def test_a_validation_round_trip_between_rep_and_manager(typed_session: ShellSession) -> None:
    transcript = await run_shell(typed_session, "\n".join(LINES) + "\n")
    shown = replies(transcript)  # a line typed twice keeps its last reply

    assert "⏳ awaiting validation" in shown["ana: /deal tick 9"]
    assert "Waiting for a manager's validation: 9." in shown["ana: /deal tick 9"]
    visits = transcript.split("ana@#sales> /as maria")[1:]
    assert len(visits) == 2 and all("new in your DM with the app: 1 message" in v for v in visits)
    assert "Maria said yes at list price" in visits[0].split("maria@#sales>")[0]
    assert "Maria, 5% off" in visits[1].split("maria@#sales>")[0]
    assert "☑️ Validated 9." in shown["maria: /click Validate"]
    assert "Waiting for a manager's validation: 9." in shown['ana: /deal tick 9="Maria, 5% off"']
    assert "↩️ Sent back 9: not at 5%, ask me first" in shown["maria: /click Send back"]
    told = shown["maria: /as ana"]
    assert "@maria sent back 9. Get the pricing signed off on Acme: not at 5%, ask me first" in told


async def test_a_form_someone_may_not_submit_never_opens(session: ShellSession) -> None:
    """ben is not ana's manager: the Disqualify form of her deal is refused at his click."""
    lines = ["/deal new Acme 50k", "/deal tick 1", "/as ben", "/deal show acme"]
    lines += ["/click Disqualify", "quit"]

    transcript = await run_shell(session, "\n".join(lines) + "\n")

    refused = replies(transcript)["ben: /click Disqualify"]
    assert "only the deal's owner @ana, their manager or an admin can change Acme" in refused
    assert "┌" not in refused  # no form was drawn

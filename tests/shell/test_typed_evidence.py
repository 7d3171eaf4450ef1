"""The extended map's typed evidence and its manager-validated item, typed into the shell
as a rep and their manager would: values refused with what would be right, a form
answered in the terminal, the manager's direct message waiting for her when she comes in,
Send back and Validate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.shell.session import ShellSession
from bot.shell.startup import open_shell
from tests.shell.test_scripted_session import PROMPT, run_shell
from tests.support.shell import Env

# (line, answers to the form it opens): who types it follows the /as lines
SESSION: list[tuple[str, tuple[str, ...]]] = [
    ("/deal new Initech 80k", ()),
    ('/deal tick 2="Carrier pigeon"', ()),  # Brand awareness: a choice
    ('/deal tick 1 2="trade show or event"', ()),
    ("/deal advance", ()),
    ("/click 3", ("high", "72")),  # Brand engagement: the lead score, asked in the terminal
    ("/as maria", ()),
    *[(f"/deal override #1 skipped for the test ({n})", ()) for n in range(4)],  # to Discovery
    ("/as ana", ()),
    ('/deal tick 1="about 180k a year"', ()),
    ('/deal tick 1=180k 2="Bob Slydell, CFO" 4="30 Apr 2027" 5 6=2027-03-12', ()),
    ("/deal advance", ()),
    ("/as maria", ()),
    ("/click Send back", ("Who signs above 50k? Ask procurement.",)),
    ("/as ana", ()),
    ('/deal tick 2="Bill Lumbergh, VP Finance"', ()),
    ("/as maria", ()),
    ("/deal validate #1 2", ()),
    ("/as ana", ()),
    ("/deal show", ()),
]


@pytest.fixture
async def extended(shell_env: Env) -> AsyncIterator[ShellSession]:
    async with open_shell({**shell_env, "STAGECOACH_MAP": "extended"}) as running:
        yield running


async def replies_in_order(session: ShellSession) -> list[str]:
    """What the shell printed after each line of SESSION, in order."""
    typed = [text for line, answers in SESSION for text in (line, *answers)]
    transcript = await run_shell(session, "\n".join([*typed, "quit"]) + "\n")
    found = list(PROMPT.finditer(transcript))
    ends = [m.start() for m in found[1:]] + [len(transcript)]
    shown = [transcript[m.end() : end] for m, end in zip(found, ends, strict=True)]
    assert [m[3] for m in found] == [line for line, _answers in SESSION] + ["quit"]
    return shown


async def test_a_rep_and_their_manager_walk_typed_evidence_and_validation(
    extended: ShellSession,
) -> None:
    shown = dict(enumerate(await replies_in_order(extended)))

    assert "'Carrier pigeon' is not one of the choices for Channel of first interaction" in shown[1]
    assert "pick one of: Organic search, Paid search" in shown[1]
    assert "Channel of first interaction: Trade show or event" in shown[2]
    assert "! give a number" in shown[4] and "Lead score: 72" in shown[4]
    assert "Discovery / needs analysis" in shown[9]

    assert "'about 180k a year' is not an amount" in shown[11]
    assert "Yearly cost of the problem: 180,000 USD" in shown[12]
    assert "Expected decision date: 2027-04-30" in shown[12]
    assert "⏳ awaiting validation · Economic buyer's name and title: Bob Slydell" in shown[12]
    assert "Still open:\n2. Identify the economic buyer" in shown[13]

    # Maria was not there when Ana ticked: the request waits in her direct messages.
    assert "new in your DM with the app: 1 message" in shown[14]
    assert "Economic buyer's name and title: Bob Slydell, CFO" in shown[14]
    assert "(1) Validate  (2) Send back" in shown[14]
    assert "Sent back 2: Who signs above 50k? Ask procurement." in shown[15]
    assert "new in your DM with the app: 1 message" in shown[16]
    assert "sent back 2. Identify the economic buyer" in shown[16]

    assert "Bill Lumbergh, VP Finance" in shown[18]  # the new value, asked again
    assert "Validated 2." in shown[19]
    assert "direct message" not in shown[20]  # Ana is not told of a validation
    assert "☑️ validated · Economic buyer's name and title: Bill Lumbergh" in shown[21]
    assert "every required item done" in shown[21]

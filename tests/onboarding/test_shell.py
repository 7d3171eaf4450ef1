"""Onboarding in the terminal shell: the shell sends the same Slack payloads into the same
app, and shows the app's DM, so the tour, the quiz and the practice deal work there too."""

from __future__ import annotations

import pytest

pytest.importorskip("bot.shell.session", reason="the shell is not in this tree")

from bot.onboarding.quiz import load_questions  # noqa: E402
from bot.shell.session import ShellSession  # noqa: E402
from bot.views.text import render_text  # noqa: E402
from storage import onboarding as store  # noqa: E402

ANA = "U0ANA"


async def click(session: ShellSession, label: str) -> str:
    number = session.choice_number(label)
    assert number is not None, f"no single choice {label!r} on the current surface"
    reply = await session.click(number)
    assert not reply.failed, reply
    return "\n".join(render_text(surface.blocks) for surface in reply.surfaces)


async def test_the_tour_quiz_and_practice_deal_work_in_the_shell(session: ShellSession) -> None:
    services = session.runtime.services
    reply = await session.command("onboard")
    assert "Tour 1/10: Qualification" in render_text(reply.surfaces[-1].blocks)
    assert reply.surfaces[-1].channel == "D0ANA"  # the app's DM with ana

    assert "Tour 2/10: Discovery" in await click(session, "Next")
    assert "Tour 1/10" in await click(session, "Back")
    shown = await click(session, "Skip to quiz")
    assert "Quiz: question 1 of 8" in shown

    async with services.db.read() as db_session:
        attempt = await store.latest_attempt(db_session, team_id=session.team_id, user_id=ANA)
    assert attempt is not None
    for question in load_questions(attempt.questions):
        shown = await click(session, "ABCD"[question.answer] + ".")
        assert "Right:" in shown
    assert "Quiz finished: 8 of 8 right." in shown

    card = await click(session, "Start a practice deal")
    assert "Practice deal · Qualification" in card and "This is your practice deal" in card

    session.act_as("maria")  # ana's manager in the demo team
    status = await session.command("onboard status")
    assert (
        f"@{ANA} — tour stage 1 of 10 · quiz best 8 of 8 (1 attempt) · practice in Qualification"
        in ("\n".join(render_text(s.blocks) for s in status.surfaces))
    )

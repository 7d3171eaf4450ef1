""" "Save as evidence" in the shell, as a rep would run it: `/shortcut save_as_evidence <text>`
posts the text in the channel and runs the shortcut on it; the form is answered in the
terminal, picking another deal shows that deal's items (the pick goes to the app as
Slack's dispatched action), and an item already ticked asks for the Replace box."""

from __future__ import annotations

from sqlmodel import select

from bot.shell.session import ShellSession
from storage.models import ExitTick
from tests.shell.test_scripted_session import run_shell

LINK = "https://stagecoach-test.slack.com/archives/"


async def ticks(session: ShellSession) -> dict[tuple[int, str], str | None]:
    async with session.runtime.services.db.read() as db:
        return {(t.deal_id, t.item_id): t.evidence for t in (await db.exec(select(ExitTick))).all()}


async def test_a_rep_saves_messages_as_evidence_in_the_shell(session: ShellSession) -> None:
    script = [
        "/deal new Acme 50k",
        "/deal new Globex 20k",  # the current deal: the form starts on it
        "/shortcut save_as_evidence Budget of 50k & signed off by @ben",
        "2",  # the deal menu (Globex first): Acme instead; the form shows Acme's items
        "2",  # item 2 of Acme's first stage
        "/shortcut save_as_evidence Budget is now 60k",
        "",  # keep the deal shown: Acme, now the current deal (a blank is no option number)
        "2",  # the same item: already ticked
        "",  # leave Replace unticked: refused, and the Replace box asked again
        "1",  # tick it: replaced
        "/shortcut save_as_evidence",  # on the channel's last message: the 60k one again
        "",
        "2",  # the evidence it already has: no refusal, nothing changes
        "",
        "/shortcut nothing_like_it",
        "quit",
    ]
    transcript = await run_shell(session, "\n".join(script) + "\n")

    saved = await ticks(session)
    assert list(saved) == [(1, "problem")]
    assert (saved[(1, "problem")] or "").startswith("Budget is now 60k — " + LINK)
    assert "Exit item of Qualification" in transcript
    assert "is already ticked, with: Budget of 50k & signed off by @ben" in transcript
    assert transcript.count("is already ticked, with") == 1
    assert transcript.count("✅ Ticked 2") == 2  # the first save, and the replacement
    assert "nothing_like_it is not a message shortcut of the app" in transcript


async def test_without_a_message_the_shortcut_says_what_to_type(session: ShellSession) -> None:
    transcript = await run_shell(session, "/shortcut save_as_evidence\nquit\n")
    assert "has no message to run it on; give the text" in transcript

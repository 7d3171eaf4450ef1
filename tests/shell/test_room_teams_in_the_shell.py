"""The owning team in a deal room, played in the shell (docs/deal-rooms.md): ada maps the
default map's two sales teams to channels and user groups and says who is in each with
/group; ana's room invites the SDR team's member, and her advance into the Account
Executives' stage hands the deal over and brings their group into the room."""

from __future__ import annotations

from bot.shell.people import user_id_for
from bot.shell.session import ShellSession
from tests.shell.test_scripted_session import replies, run_shell

LINES = [
    "/as ada",
    "/deal owners set Sales (Account Executive) #ae @ae-team",
    "/group @ae-team",
    "/deal owners set Sales (SDR) #sdr @sdr-team",
    "/group @ae-team @carl @dana",
    "/group @sdr-team @ben",
    "/group sdr",
    "/as ana",
    "/deal new Acme 50k",
    "/deal room",
    "/deal tick 1 2=pain 3=40k 5=2026-12-20",
    "/deal advance",
    "quit",
]


async def test_a_room_invites_the_owning_teams_in_turn(session: ShellSession) -> None:
    said = replies(await run_shell(session, "\n".join(LINES) + "\n"))

    assert "@ae-team has nobody in it; e.g. /group @impl-team" in said["ada: /group @ae-team"]
    assert "@ae-team: @carl, @dana" in said["ada: /group @ae-team @carl @dana"]
    assert "which group, and who is in it?" in said["ada: /group sdr"]
    assert "Invited: @ana, @ben" in said["ana: /deal room"]
    assert "handed to Sales (Account Executive)" in said["ana: /deal advance"]
    (room,) = session.standin.workspace.conversations.values()
    people = [user_id_for(name) for name in ("ana", "ben", "carl", "dana")]
    assert [member for member in room["members"] if member in people] == people

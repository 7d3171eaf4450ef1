"""Roles and teams typed into the shell as an admin and a rep would, on the demo team
(ana and ben report to maria, a manager; ada is an admin named in STAGECOACH_ADMINS)."""

from __future__ import annotations

from bot.shell.session import ShellSession
from tests.shell.test_scripted_session import replies, run_shell

LINES = [
    "/as ada",
    "/deal team @ana add @zoe",
    "/deal role @ana manager",
    "/deal team @ana add @ben @zoe",
    "/deal team @ana add @ben",
    "/deal role @maria rep",
    "/deal team",
    "/deal role",
    "/deal team @ana hire @zoe",
    "/as ben",
    "/deal team @ana",
    "/deal role @ben",
    "/deal role @ben manager",
]


async def test_an_admin_builds_teams_and_a_rep_reads_them(session: ShellSession) -> None:
    shown = replies(await run_shell(session, "\n".join([*LINES, "quit"]) + "\n"))

    refused = shown["ada: /deal team @ana add @zoe"]
    assert "✗ @ana is a rep; only a manager or an admin can have reports" in refused
    assert "Try: make them a manager first: /deal role @ana manager, then run this" in refused
    assert "✓ @ana is now a manager (was a rep)." in shown["ada: /deal role @ana manager"]
    added = shown["ada: /deal team @ana add @ben @zoe"]
    assert "• @ben moved from @maria's team to @ana's." in added
    assert "• @zoe now reports to @ana." in added
    assert (
        "@ben already reports to @ana; nothing changed." in shown["ada: /deal team @ana add @ben"]
    )
    demote = shown["ada: /deal role @maria rep"]
    assert "✗ @maria has reports (@ana); a rep cannot have reports" in demote
    assert "/deal team @maria remove @ana" in demote
    teams = shown["ada: /deal team"]
    assert "• @ana (manager): @ben, @zoe" in teams and "• @maria (manager): @ana" in teams
    assert "In no team (1): @ada" in teams
    roles = shown["ada: /deal role"]
    assert "Admins (1): @ada (STAGECOACH_ADMINS)" in roles
    assert "Managers (2): @ana, @maria" in roles and "Reps (2): @ben, @zoe" in roles
    assert "✗ 'hire' is neither add nor remove" in shown["ada: /deal team @ana hire @zoe"]
    assert "@ana (manager) has 2 reports: @ben, @zoe." in shown["ben: /deal team @ana"]
    assert "@ben is a rep. They report to @ana." in shown["ben: /deal role @ben"]
    denied = shown["ben: /deal role @ben manager"]
    assert "✗ only an admin can change roles and teams" in denied


async def test_as_says_the_role_the_app_sees_now(session: ShellSession) -> None:
    """Found in use (issue #20): after /deal role @zed admin, /as zed said "(Zed, rep)"."""
    lines = ["/as ada", "/deal role @zed admin", "/deal role @ana manager", "/as zed", "/as ana"]
    shown = replies(await run_shell(session, "\n".join([*lines, "quit"]) + "\n"))

    assert "you are now zed (Zed, admin)" in shown["ada: /as zed"]
    assert "you are now ana (Ana Alves, manager)" in shown["zed: /as ana"]

"""A manager's tools typed into the shell (#18) on the demo team (ana and ben report to
maria; ada is an admin): previewing a digest, its chart saved as a file; onboarding a
brand-new hire, who joins maria's team while ada is told; listing the teams."""

from __future__ import annotations

from pathlib import Path

from bot.shell.session import ShellSession
from tests.shell.test_scripted_session import replies, run_shell

LINES = [
    "/deal new Acme 50k",
    "/as maria",
    "/deal digest preview",
    "/deal digest preview weekly owner @ben",
    "/deal digest preview hourly",
    "/deal onboard @sam",
    "/deal team",
    "/deal onboard status",
    "/as ben",
    "/deal digest preview",
    "/deal onboard @zed",
    "/as ada",
    "/deal onboard status",
]


async def test_a_manager_previews_digests_and_onboards_a_new_hire(
    session: ShellSession, tmp_path: Path
) -> None:
    session.files_dir = tmp_path / "files"

    shown = replies(await run_shell(session, "\n".join([*LINES, "quit"]) + "\n"))

    preview = shown["maria: /deal digest preview"]
    assert "Preview: the daily digest a subscription for @maria's team would post now." in preview
    assert (
        "Daily digest" in preview
        and "Acme (#1)" in preview
        and "Funnel, the last 90 days" in preview
    )
    assert "saved as " in preview
    [chart] = list((tmp_path / "files").iterdir())
    assert chart.read_bytes().startswith(b"\x89PNG")
    weekly = shown["maria: /deal digest preview weekly owner @ben"]
    assert "Weekly digest" in weekly and "deals of @ben" in weekly
    assert (
        "✗ 'hourly' is neither daily or weekly nor a digest scope"
        in shown["maria: /deal digest preview hourly"]
    )

    onboarded = shown["maria: /deal onboard @sam"]
    assert (
        "Sent the onboarding tour to @sam. They had no manager, so they now report to you."
        in onboarded
    )
    assert "• @maria (manager): @ana, @ben, @sam" in shown["maria: /deal team"]
    status = shown["maria: /deal onboard status"]
    assert "@sam — tour stage 1 of" in status and "@ben — not started" in status

    assert "✗ only managers and admins get digests" in shown["ben: /deal digest preview"]
    refused = shown["ben: /deal onboard @zed"]
    assert (
        "Try: start your own with /deal onboard, or ask an admin to make you a manager" in refused
    )

    told = shown["maria: /as ada"] if "maria: /as ada" in shown else shown["ben: /as ada"]
    assert "@maria onboarded @sam, who had no manager: @sam now reports to @maria." in told
    everyone = shown["ada: /deal onboard status"]
    assert "@ana — not started" in everyone and "@sam — tour stage 1 of" in everyone

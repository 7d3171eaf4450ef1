"""`stagecoach workspace delete T…`: every row of one workspace goes, after the workspace
id is typed again (or --yes); another workspace's rows stay, and without the confirmation
nothing goes."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.cli.workspace import CliError
from bot.cli.workspaces import _delete
from bot.team.installs import workspace_rows
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, REP

GONE, KEPT = "T0GONE001", "T0KEPT001"


async def fill(slack: SlackHarness, team: str) -> None:
    """What a workspace leaves behind: deals with history, people, onboarding, settings."""
    for text, user in (
        ("new Acme 1000", REP),
        ("new Globex 2000", REP),
        ("tick 1", REP),
        (f"role <@{REP}> manager", ADMIN),
        ("settings timezone Europe/Istanbul", ADMIN),
        ("onboard", REP),
    ):
        answer = await slack.command(text, user=user, team=team)
        assert answer.status == 200, answer.body


async def test_delete_removes_one_workspace_after_its_id_is_typed(slack: SlackHarness) -> None:
    services = slack.services
    await fill(slack, GONE)
    await fill(slack, KEPT)
    before_kept = await workspace_rows(services, team_id=KEPT)
    held = await workspace_rows(services, team_id=GONE)
    assert {"deal", "deal_event", "person", "workspace_setting"} <= {
        t for t, n in held.items() if n
    }

    out = io.StringIO()
    with pytest.raises(CliError, match="not confirmed"):
        await _delete(services, GONE, yes=False, stdin=io.StringIO("T0KEPT001\n"), stdout=out)
    assert await workspace_rows(services, team_id=GONE) == held  # a wrong id deletes nothing

    code = await _delete(services, GONE, yes=False, stdin=io.StringIO(f"{GONE}\n"), stdout=out)
    assert code == 0
    assert f"Deleted workspace {GONE}: {sum(held.values())} rows." in out.getvalue()
    assert not any((await workspace_rows(services, team_id=GONE)).values())
    assert await workspace_rows(services, team_id=KEPT) == before_kept
    listed = await slack.command("list", user=REP, team=KEPT)
    assert "Acme" in str(listed.json)
    with pytest.raises(CliError, match="holds nothing of workspace"):  # twice: nothing left
        await _delete(services, GONE, yes=True, stdout=out)


def test_a_malformed_workspace_id_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workspace", "delete", "acme", "--yes"]) == 2
    assert "'acme' is not a workspace id" in capsys.readouterr().err

"""The workspace rule (bot/slack/workspace.py) is Bolt's: for every SDK sample it names the
team Bolt puts on its context, or, for an org-wide install, the organisation Bolt finds the
installation by."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack.runtime import Outsider, actor_from
from bot.slack.workspace import installation_of
from tests.support.sdk_samples import SAMPLES, JsonDict, sample

JSON_SAMPLES = sorted(path.name for path in SAMPLES.glob("*.json"))


def bolts_workspace(body: JsonDict) -> object:
    context = AsyncBoltRequest(body=body, mode="socket_mode").context
    return context.enterprise_id if context.is_enterprise_install else context.team_id


@pytest.mark.parametrize("name", JSON_SAMPLES)
def test_each_sample_belongs_to_the_workspace_bolt_names(name: str) -> None:
    body = sample(name)
    assert installation_of(body) == bolts_workspace(body)


def test_the_command_sample_belongs_to_its_team() -> None:
    raw = (SAMPLES / "slash_command.form.txt").read_text().strip()
    body: JsonDict = dict(parse_qsl(raw))
    assert installation_of(body) == bolts_workspace(body) == "T111"
    org_wide = body | {"is_enterprise_install": "true"}
    assert installation_of(org_wide) == bolts_workspace(org_wide) == "E111"


def test_an_org_wide_click_without_a_team_is_the_organisations() -> None:
    # The shape Slack sends an org-wide install's interactions in: `team` is null.
    body: JsonDict = {
        "type": "shortcut",
        "enterprise": {"id": "E0ORG0001", "name": "Org"},
        "is_enterprise_install": True,
        "team": None,
        "user": {"id": "W0USER001", "team_id": "T0WORK002", "username": "ana"},
    }
    actor = actor_from(body)
    assert not isinstance(actor, Outsider) and actor is not None
    assert (actor.team_id, actor.user_id) == ("E0ORG0001", "W0USER001")


def test_the_slack_connect_sample_is_the_installing_workspaces_and_its_user_an_outsider() -> None:
    body = sample("view_submission.slack_connect.json")
    assert installation_of(body) == "TINSTALLED1"
    assert actor_from(body) == Outsider(user_id="W111")

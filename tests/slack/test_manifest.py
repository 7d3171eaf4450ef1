"""manifest.yml is a valid Slack app manifest and declares what the app relies on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

ROOT = Path(__file__).resolve().parents[2]
SLACK_REFERENCE = ROOT.parent / "shared" / "slack"
SCHEMA = SLACK_REFERENCE / "manifest.schema.json"

needs_schema = pytest.mark.skipif(
    not SCHEMA.is_file(), reason=f"Slack's manifest schema not found at {SCHEMA}"
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def schema_errors(document: dict[str, Any]) -> list[str]:
    validator = Draft7Validator(json.loads(SCHEMA.read_text()))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


@needs_schema
def test_manifest_matches_slacks_schema(manifest: dict[str, Any]) -> None:
    assert schema_errors(manifest) == []


@needs_schema
def test_the_schema_check_can_fail(manifest: dict[str, Any]) -> None:
    # Guards the test above against a validator that accepts anything.
    broken = {**manifest, "display_information": {"name": "x" * 36}, "surprise": True}
    assert len(schema_errors(broken)) == 2
    assert (
        schema_errors(json.loads((SLACK_REFERENCE / "manifest.v1.valid.example.json").read_text()))
        == []
    )


def test_deal_command_is_declared(manifest: dict[str, Any]) -> None:
    [deal] = manifest["features"]["slash_commands"]
    assert deal["command"] == "/deal"
    assert deal["url"].endswith("/slack/events") and deal["usage_hint"].startswith("[show|")


def test_interactivity_events_and_home_tab(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "app_home_opened" in settings["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert settings["socket_mode_enabled"] is False and settings["org_deploy_enabled"] is False


def test_every_request_url_is_the_one_endpoint(manifest: dict[str, Any]) -> None:
    urls = {
        manifest["features"]["slash_commands"][0]["url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
    }
    assert urls == {"https://YOUR-HOST/slack/events"}


def test_bot_scopes_are_the_least_needed(manifest: dict[str, Any]) -> None:
    # A new scope must be a decision: add it here and say why in manifest.yml.
    needed = {"commands", "chat:write", "im:write", "users:read", "files:write"}
    needed |= {"channels:manage", "pins:write"}  # deal rooms (docs/deal-rooms.md)
    needed |= {"usergroups:read"}  # deal rooms invite the owning team's user group
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed
    assert "user" not in manifest["oauth_config"]["scopes"]

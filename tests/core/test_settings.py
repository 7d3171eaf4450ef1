"""Settings from the environment: what an operator sets is what the app trusts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli.workers import cpu_quota
from bot.core.context import Services
from bot.core.settings import SLACK_API_DEFAULT, Settings, SettingsError
from bot.slack.replies import Replies
from bot.slack.runtime import build_runtime


def replies_for(services: Services, settings: Settings) -> Replies:
    return build_runtime(services, settings).replies  # as `stagecoach serve` builds it


def test_against_slack_only_slacks_response_urls_are_trusted(services: Services) -> None:
    settings = Settings.from_env({})
    replies = replies_for(services, settings)

    assert settings.api_url == SLACK_API_DEFAULT
    assert replies.trusted("https://hooks.slack.com/actions/T1/1/abc")
    assert not replies.trusted("http://127.0.0.1:9000/response/abc")


def test_a_stand_in_api_host_is_trusted_for_its_response_urls(services: Services) -> None:
    settings = Settings.from_env({"SLACK_API_URL": "http://127.0.0.1:9000/api"})
    replies = replies_for(services, settings)

    assert settings.api_url == "http://127.0.0.1:9000/api/"
    assert replies.trusted("http://127.0.0.1:9000/response/abc")
    assert not replies.trusted("http://127.0.0.1:9001/response/abc")  # another port
    assert not replies.trusted("http://127.0.0.1.evil.example/response/abc")


def test_a_malformed_api_url_is_refused_with_what_it_must_be() -> None:
    with pytest.raises(SettingsError, match="SLACK_API_URL is malformed; it must be"):
        Settings.from_env({"SLACK_API_URL": "slack.com/api"})


def test_report_queries_default_to_one_per_core_and_can_be_set() -> None:
    assert Settings.from_env({}).report_queries == (os.cpu_count() or 1)
    assert Settings.from_env({"STAGECOACH_REPORT_QUERIES": "3"}).report_queries == 3
    for bad in ("0", "two", "-1", "²"):
        with pytest.raises(SettingsError, match="STAGECOACH_REPORT_QUERIES is"):
            Settings.from_env({"STAGECOACH_REPORT_QUERIES": bad})


def test_oauth_mode_needs_both_client_credentials_and_then_no_bot_token() -> None:
    secret = {"SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"}
    with pytest.raises(
        SettingsError, match="SLACK_CLIENT_SECRET is not set; OAuth mode needs both"
    ):
        Settings.from_env({**secret, "SLACK_CLIENT_ID": "1.2"})
    with pytest.raises(SettingsError, match="SLACK_CLIENT_ID is not set; OAuth mode needs both"):
        Settings.from_env({**secret, "SLACK_CLIENT_SECRET": "s3cr3t"})
    with pytest.raises(SettingsError, match="SLACK_REDIRECT_URI is malformed"):
        Settings.from_env(
            {
                **secret,
                "SLACK_CLIENT_ID": "1.2",
                "SLACK_CLIENT_SECRET": "s",
                "SLACK_REDIRECT_URI": "x",
            }
        )
    single = Settings.from_env(secret)
    assert not single.oauth
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN is not set"):
        single.require_http()
    oauth = Settings.from_env({**secret, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s3cr3t"})
    assert oauth.oauth and oauth.bot_token is None
    oauth.require_http()  # the tokens are the installations' in the database
    with pytest.raises(
        SettingsError, match="Socket Mode serves one workspace with SLACK_BOT_TOKEN"
    ):
        oauth.require_socket()  # it would answer every request "not installed"


def test_the_default_workers_follow_a_containers_cpu_quota(tmp_path: Path) -> None:
    """A pod limited to 2 CPUs on a 32-core node once started 32 workers."""
    limit = tmp_path / "cpu.max"
    for text, cores in (("200000 100000", 2), ("150000 100000", 2), ("50000 100000", 1)):
        limit.write_text(text + "\n", encoding="ascii")
        assert cpu_quota(limit) == cores
    limit.write_text("max 100000\n", encoding="ascii")
    assert cpu_quota(limit) is None
    assert cpu_quota(tmp_path / "absent") is None

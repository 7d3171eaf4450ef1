"""What SIGTERM changes for requests (bot.slack.shutdown): /healthz turns 503 so a load
balancer takes the replica out, and a request still arriving on a kept-alive connection is
answered, its connection closed after the answer. The settings are checked like the others."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.settings import SettingsError
from bot.slack.http import DRAINING, EVENTS_PATH
from bot.slack.shutdown import DEFAULT_DRAIN_DELAY, DEFAULT_TIMEOUT, ShutdownSettings
from bot.slack_standin.payloads import slash_command_body
from tests.support.harness import SIGNING_SECRET, SlackHarness
from tests.support.signing import signed_request

REP = "U0REP0001"


async def test_once_stopping_healthz_says_503_and_answers_close_their_connection(
    slack: SlackHarness,
) -> None:
    before = await slack.client.get("/healthz")
    assert before.status == 200
    assert "close" not in before.headers.get("Connection", "").lower()

    slack.client.server.app[DRAINING].begin()  # what `serve` does on SIGTERM

    health = await slack.client.get("/healthz")
    assert health.status == 503
    assert await health.json() == {"ok": False, "error": "shutting down"}
    url = slack.standin.response_url(channel=slack.channel_id, user=REP)
    body = slash_command_body(
        "new Acme Corp", user_id=REP, team_id=slack.team_id, channel_id=slack.channel_id,
        response_url=url,
    )  # fmt: skip
    data, headers = signed_request(body, secret=SIGNING_SECRET)
    answer = await slack.client.post(EVENTS_PATH, data=data.encode(), headers=headers)
    assert answer.status == 200
    assert "Created Acme Corp" in (await answer.json())["text"]
    assert answer.headers["Connection"].lower() == "close"


def test_the_defaults_apply_when_nothing_is_set() -> None:
    assert ShutdownSettings.from_env({}) == ShutdownSettings(DEFAULT_TIMEOUT, DEFAULT_DRAIN_DELAY)
    assert ShutdownSettings.from_env(
        {"STAGECOACH_SHUTDOWN_TIMEOUT": " 7.5 ", "STAGECOACH_DRAIN_DELAY": "2"}
    ) == ShutdownSettings(timeout=7.5, drain_delay=2.0)


@given(
    name=st.sampled_from(["STAGECOACH_SHUTDOWN_TIMEOUT", "STAGECOACH_DRAIN_DELAY"]),
    raw=st.one_of(
        st.text(min_size=1).filter(lambda s: s.strip() and not _is_number(s)),
        st.floats(max_value=-0.001).map(str),
        st.floats(min_value=3600.001, allow_infinity=False).map(str),
        st.just("nan"),
    ),
)
def test_a_malformed_setting_is_refused_naming_it_and_the_range(name: str, raw: str) -> None:
    with pytest.raises(SettingsError) as refused:
        ShutdownSettings.from_env({name: raw})
    message = str(refused.value)
    assert name in message and "number of seconds" in message and "to 3600" in message


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

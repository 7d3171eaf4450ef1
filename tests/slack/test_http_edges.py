"""What Slack (or anyone) can send that is not a happy path: every answer is 200, 400 or
401, never a 500, and nothing changes unless the request was genuine."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.slack_standin import (
    app_home_opened_event,
    block_actions_payload,
    button_action,
    event_callback,
)
from bot.slack_standin.payloads import slash_command_body
from storage.models import Deal, DealEvent
from tests.support.harness import SIGNING_SECRET, SlackHarness
from tests.support.signing import FORM, sign, signed_form, signed_request
from tests.support.slack import REP


async def all_rows(slack: SlackHarness) -> tuple[list[Deal], list[DealEvent]]:
    async with slack.services.db.read() as session:
        return list((await session.exec(select(Deal))).all()), list(
            (await session.exec(select(DealEvent))).all()
        )


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_broken_payload_json_is_a_400(slack: SlackHarness, signed: bool) -> None:
    body = urlencode({"payload": '{"type": "block_actions", "actions": ['})
    headers = sign(body, SIGNING_SECRET) if signed else {}
    answer = await slack.post(body, {"Content-Type": FORM, **headers})
    assert answer.status == 400


async def test_signed_view_submission_without_view_type_is_a_400(slack: SlackHarness) -> None:
    payload = {
        "type": "view_submission",
        "team": {"id": slack.team_id},
        "user": {"id": REP},
        "view": {"callback_id": "deal_lose"},
    }
    answer = await slack.post(*signed_form(payload, secret=SIGNING_SECRET))
    assert answer.status == 400


@pytest.mark.parametrize("problem", ["bad", "stale", "missing"])
async def test_a_bad_or_stale_signature_is_a_401_and_changes_nothing(
    slack: SlackHarness, problem: str
) -> None:
    body = slash_command_body("new Acme 50k", user_id=REP, team_id=slack.team_id, channel_id="C1")
    headers = {"Content-Type": FORM}
    if problem == "bad":
        headers |= sign(body, "not-the-secret-0000000000000000")
    elif problem == "stale":
        headers |= sign(body, SIGNING_SECRET, timestamp=1_600_000_000)
    answer = await slack.post(body, headers)
    assert answer.status == 401
    assert await all_rows(slack) == ([], [])


async def test_app_home_is_published_once_per_event_even_when_slack_retries(
    slack: SlackHarness,
) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    envelope = event_callback(
        app_home_opened_event(REP), team_id=slack.team_id, event_id="Ev0HOME0001"
    )
    first = await slack.event(envelope)
    retry = await slack.event(envelope, retry=1)
    assert first.status == retry.status == 200
    assert len(slack.standin.calls("views.publish")) == 1
    home = slack.standin.home(REP)
    assert home is not None and "Acme Corp" in json.dumps(home)


async def test_a_429_from_the_web_api_is_retried_after_retry_after(slack: SlackHarness) -> None:
    slack.standin.rate_limit_next("views.publish", retry_after=1)
    await slack.event(event_callback(app_home_opened_event(REP), team_id=slack.team_id))
    await slack.settle(timeout=5)
    assert slack.standin.attempts("views.publish") == 2
    assert slack.standin.home(REP) is not None


async def test_an_unknown_action_gets_a_clear_answer_not_an_error(slack: SlackHarness) -> None:
    url = slack.standin.response_url(channel="C1", user=REP)
    answer = await slack.action(
        button_action("no_such_action", block_id="b1", value="x"),
        user=REP,
        channel_id="C1",
        is_ephemeral=True,
        response_url=url,
        message_ts="1.1",
    )
    assert answer.status == 200
    said = slack.standin.ephemerals(REP)[-1]
    assert "out of date" in said["text"]


async def test_a_forged_deal_in_a_button_changes_nothing(slack: SlackHarness) -> None:
    await slack.command("new Acme Corp 50k", user=REP)
    deal = (await all_rows(slack))[0][0]
    before = await all_rows(slack)
    url = slack.standin.response_url(channel="C1", user="U0INTRUDER")
    value = json.dumps({"deal_id": deal.id, "stage": deal.stage})
    answer = await slack.action(
        button_action("deal_advance", block_id="card_actions", value=value),
        user="U0INTRUDER",
        channel_id="C1",
        is_ephemeral=True,
        response_url=url,
        message_ts="1.1",
    )
    assert answer.status == 200
    assert await all_rows(slack) == before
    assert "owner" in slack.standin.ephemerals("U0INTRUDER")[-1]["text"].lower()


async def test_healthz_answers_while_the_database_does(slack: SlackHarness) -> None:
    response = await slack.client.get("/healthz")
    assert response.status == 200
    await slack.services.db.dispose()  # a dropped pool reconnects on the next request
    response = await slack.client.get("/healthz")
    assert response.status == 200


async def test_an_unparsable_command_gets_usage_and_a_suggestion(slack: SlackHarness) -> None:
    answer = await slack.command("advnce", user=REP)
    assert answer.status == 200
    assert "did you mean /deal advance" in answer.text
    unknown_deal = await slack.command("show #999999", user=REP)
    assert "no deal #999999" in unknown_deal.text


async def test_a_slash_command_body_signed_for_another_text_is_refused(slack: SlackHarness) -> None:
    body = slash_command_body("new Acme 50k", user_id=REP, team_id=slack.team_id, channel_id="C1")
    _body, headers = signed_request(body.replace("Acme", "Evil"), secret=SIGNING_SECRET)
    answer = await slack.post(body, headers)
    assert answer.status == 401


async def test_a_command_whose_text_says_payload_is_still_that_command(
    slack: SlackHarness,
) -> None:
    # Bolt's own parser takes any body containing "payload" for an interaction and reads
    # nothing from it; the app hands Bolt the form as it parsed it.
    answer = await slack.command("new payload Corp 5k", user=REP)

    assert answer.status == 200
    deals, _events = await all_rows(slack)
    assert [(deal.name, deal.amount) for deal in deals] == [("payload Corp", 5000)]


# -- Slack's certificate probe ---------------------------------------------------------

SSL_PROBE = urlencode({"ssl_check": "1", "token": "legacy-verification-token"})


@pytest.mark.parametrize("body", [SSL_PROBE, "ssl_check=1"], ids=["with-token", "bare"])
async def test_slacks_unsigned_ssl_check_probe_is_a_200_with_an_empty_body(
    slack: SlackHarness, body: str
) -> None:
    answer = await slack.post(body, {"Content-Type": FORM})
    assert (answer.status, answer.body) == (200, None)
    assert slack.standin.calls() == []
    assert await all_rows(slack) == ([], [])


async def test_a_forged_command_carrying_ssl_check_is_a_401_and_changes_nothing(
    slack: SlackHarness,
) -> None:
    command = slash_command_body(
        "new Acme 50k", user_id=REP, team_id=slack.team_id, channel_id="C1"
    )
    body = f"ssl_check=1&{command}"
    for headers in ({}, sign(body, "not-the-secret-0000000000000000")):
        answer = await slack.post(body, {"Content-Type": FORM, **headers})
        assert answer.status == 401
    assert slack.standin.calls() == []
    assert await all_rows(slack) == ([], [])


def _click_payload(team_id: str) -> str:
    click = button_action("deal_open", block_id="deal_card", value='{"deal_id": 1}')
    payload = block_actions_payload(
        click,
        user_id=REP,
        team_id=team_id,
        channel_id="C1",
        message_ts="1700000000.000100",
        is_ephemeral=True,
    )
    return json.dumps(payload)


@pytest.mark.parametrize("kind", ["ssl_check-0", "extra-field", "payload"])
async def test_anything_beside_the_probes_fields_needs_a_signature(
    slack: SlackHarness, kind: str
) -> None:
    fields = {
        "ssl_check-0": {"ssl_check": "0", "token": "t"},  # not the probe
        "extra-field": {"ssl_check": "1", "token": "t", "user_id": REP},
        "payload": {"ssl_check": "1", "payload": _click_payload(slack.team_id)},
    }[kind]
    answer = await slack.post(urlencode(fields), {"Content-Type": FORM})
    assert answer.status == 401
    assert slack.standin.calls() == []


async def test_a_signed_command_carrying_ssl_check_runs_nothing_as_bolt_answers_it(
    slack: SlackHarness,
) -> None:
    command = slash_command_body(
        "new Acme 50k", user_id=REP, team_id=slack.team_id, channel_id="C1"
    )
    answer = await slack.post(*signed_request(f"ssl_check=1&{command}", secret=SIGNING_SECRET))
    assert (answer.status, answer.body) == (200, None)
    assert await all_rows(slack) == ([], [])

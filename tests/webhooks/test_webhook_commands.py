"""`/deal webhook add | list | remove` through signed Slack requests into the real app, on
both databases: admins only, every bad input refused saying what would be right and
changing nothing, the secret shown once."""

from __future__ import annotations

import re

import aiohttp
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from bot.core.outcomes import Invalid
from bot.deals.stage_events import StageEvent
from bot.slack.webhook_sender import WebhookSender
from bot.webhooks.delivery import Verdict
from bot.webhooks.endpoints import check_events, check_url
from storage.database import Database
from storage.webhook_models import WebhookEndpoint
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, REP
from tests.support.webhook_receiver import Receiver
from tests.webhooks.conftest import SETTINGS

URL = "https://crm.example.com/hooks/stagecoach"


async def endpoints(db: Database) -> list[WebhookEndpoint]:
    async with db.read() as session:
        return list((await session.exec(select(WebhookEndpoint))).all())


async def test_an_admin_adds_lists_and_removes_a_webhook(slack: SlackHarness) -> None:
    added = await slack.command(f"webhook add <{URL}> won, lost", user=ADMIN)

    assert added.status == 200
    [row] = await endpoints(slack.services.db)
    assert (row.url, row.events, row.created_by) == (URL, "won,lost", ADMIN)
    assert re.fullmatch(r"[0-9a-f]{64}", row.secret)
    assert row.secret in str(added.json), "the secret is shown once, at add"
    listed = await slack.command("webhook list", user=ADMIN)
    assert URL in str(listed.json) and "won, lost" in str(listed.json)
    assert "nothing delivered yet" in str(listed.json)
    assert row.secret not in str(listed.json), "never shown again"

    removed = await slack.command(f"webhook remove {row.id}", user=ADMIN)
    assert "is removed" in str(removed.json)
    assert "sends no webhooks yet" in (await slack.command("webhook list", user=ADMIN)).text
    again = await slack.command(f"webhook remove {row.id}", user=ADMIN)
    assert f"no webhook {row.id}" in again.text


async def test_every_stage_event_by_default(slack: SlackHarness) -> None:
    await slack.command("webhook add http://127.0.0.1:9/hook", user=ADMIN)

    [row] = await endpoints(slack.services.db)
    assert row.events.split(",") == [kind.value for kind in StageEvent]


async def test_only_admins(slack: SlackHarness) -> None:
    for text in (f"webhook add {URL}", "webhook list", "webhook remove 1"):
        answer = await slack.command(text, user=REP)
        assert "only an admin" in answer.text, (text, answer.text)
    assert await endpoints(slack.services.db) == []


async def test_bad_input_says_what_would_be_right_and_changes_nothing(
    slack: SlackHarness,
) -> None:
    cases = {
        "webhook add http://crm.example.com/hook": "only to https",
        "webhook add ftp://crm.example.com/hook": "not a web address",
        "webhook add crm.example.com": "not a web address",
        "webhook add https://user:pw@crm.example.com/x": "user or password",
        "webhook add https://crm.example.com:99999/x": "has no valid port",
        "webhook add https://crm.example.com:0/x": "a port is a number from 1 to 65535",
        "webhook add https://crm.example.com:8o/x": "has no valid port",
        f"webhook add {URL} won,sold": "'sold' is not a stage event",
        "webhook add": "needs the URL",
        "webhook remove two": "one webhook number",
        "webhook list all": "nothing after it",
        "webhook send": "'send' is not a webhook action",
        "webhook": "needs an action",
    }
    for text, said in cases.items():
        answer = await slack.command(text, user=ADMIN)
        assert answer.status == 200
        assert said in answer.text, (text, answer.text)
    sold = await slack.command(f"webhook add {URL} sold", user=ADMIN)
    for kind in StageEvent:  # the valid ones are listed
        assert kind.value in sold.text
    assert await endpoints(slack.services.db) == []


@given(host=st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){1,2}", fullmatch=True))
def test_https_is_taken_and_plain_http_only_for_this_machine(host: str) -> None:
    assert check_url(f"https://{host}/hook") == f"https://{host}/hook"
    assert isinstance(check_url(f"http://{host}/hook", allow_private=True), Invalid)
    for local in ("127.0.0.1", "localhost", "[::1]"):
        url = f"http://{local}:8080/hook"
        assert check_url(url, allow_private=True) == url
        assert isinstance(check_url(url), Invalid)


@given(st.lists(st.sampled_from([kind.value.upper() for kind in StageEvent]), min_size=1))
def test_events_are_read_whatever_their_case_and_order(words: list[str]) -> None:
    chosen = check_events(tuple(words))
    assert chosen == tuple(kind.value for kind in StageEvent if kind.value.upper() in words)


async def test_a_stage_change_made_in_slack_reaches_the_receiver(
    slack: SlackHarness, receiver: Receiver
) -> None:
    assert receiver.server is not None
    hook = f"http://127.0.0.1:{receiver.server.port}/hook"
    added = await slack.command(f"webhook add <{hook}> disqualified", user=ADMIN)
    [row] = await endpoints(slack.services.db)
    await slack.command("new Acme 5000", user=REP)
    await slack.command("disqualify #1 Not our market", user=REP)

    async with aiohttp.ClientSession() as session:
        sender = WebhookSender(slack.services, SETTINGS, session=session)
        assert await sender.tick() == [Verdict.DELIVERED]

    [got] = receiver.received
    assert got.verifies(row.secret) and row.secret in str(added.json)
    assert got.event["type"] == "deal.disqualified"
    assert got.event["deal"]["name"] == "Acme" and got.event["actor_id"] == REP

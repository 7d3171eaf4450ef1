"""Review fixes (docs/webhooks.md): a host the HTTP client cannot encode, a receiver on
this machine or a private network, one row's surprise in a batch, and rows of a webhook
removed while one of them was in flight."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from bot.core.outcomes import Invalid
from bot.slack.webhook_resolver import PublicOnlyResolver
from bot.slack.webhook_sender import WebhookSender
from bot.webhooks import delivery
from bot.webhooks.delivery import PostResult, Verdict
from bot.webhooks.endpoints import check_url, remove_webhook
from storage import webhook_queries
from storage.webhook_models import OutboxStatus, WebhookEndpoint, WebhookOutbox
from tests.support.deals import ADMIN, REP
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN as SLACK_ADMIN
from tests.support.webhook_deals import walk
from tests.webhooks.conftest import SETTINGS, Hooked

PRIVATE = ["127.0.0.1", "10.1.2.3", "192.168.0.9", "172.16.5.5", "169.254.169.254", "0.0.0.0",
           "224.0.0.1", "240.0.0.1", "100.64.0.1", "[::1]", "[fe80::1]", "[fc00::1]",
           "[::ffff:127.0.0.1]", "localhost"]  # fmt: skip


@given(label=st.text(alphabet="abcxyz019-", min_size=64, max_size=90))
def test_a_host_the_client_cannot_encode_is_refused(label: str) -> None:
    label = f"a{label}z"
    for url in ("https://a..b/hook", f"https://{label}.example.com/hook"):
        refused = check_url(url)
        assert isinstance(refused, Invalid) and "1 to 63 characters" in refused.message


@pytest.mark.parametrize("host", PRIVATE)
def test_private_addresses_are_refused_unless_allowed(host: str) -> None:
    refused = check_url(f"https://{host}/hook")
    assert isinstance(refused, Invalid) and "public addresses" in refused.message
    assert check_url(f"https://{host}/hook", allow_private=True) == f"https://{host}/hook"
    assert isinstance(check_url(f"http://{host}/hook"), Invalid)


async def test_an_admin_is_told_why_a_private_url_is_refused(slack: SlackHarness) -> None:
    slack.services.webhook_allow_private = False
    said = await slack.command(
        "webhook add https://169.254.169.254/latest/meta-data", user=SLACK_ADMIN
    )
    assert "link-local" in said.text and "public" in said.text
    async with slack.services.db.read() as session:
        assert list((await session.exec(select(WebhookEndpoint))).all()) == []


class Fixed(AbstractResolver):
    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(hostname=host, host=a, port=port, family=family, proto=0, flags=0)
            for a in self.addresses
        ]

    async def close(self) -> None:
        pass


async def test_the_sender_connects_only_to_public_addresses() -> None:
    mixed = PublicOnlyResolver(Fixed("10.0.0.7", "93.184.216.34", "::1"))
    assert [one["host"] for one in await mixed.resolve("crm.example.com", 443)] == ["93.184.216.34"]  # fmt: skip
    with pytest.raises(OSError, match="may not reach"):
        await PublicOnlyResolver(Fixed("127.0.0.1", "169.254.169.254")).resolve("x.example", 443)
    with pytest.raises(OSError):
        await PublicOnlyResolver().resolve("localhost", 443)  # the real resolver


async def rows(hooked: Hooked) -> list[WebhookOutbox]:
    async with hooked.services.db.read() as session:
        query = select(WebhookOutbox).order_by(WebhookOutbox.id)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def add_unchecked(hooked: Hooked, url: str) -> None:
    """An endpoint written before its URL was checked as it is now."""
    async with hooked.services.db.write() as session:
        await webhook_queries.add_endpoint(session, WebhookEndpoint(team_id=ADMIN.team_id, url=url, events="advanced", secret="s" * 64, created_by=ADMIN.user_id, created_at=hooked.clock()))  # fmt: skip


async def test_one_bad_row_never_blocks_the_batch(hooked: Hooked, monkeypatch: Any) -> None:
    await add_unchecked(hooked, "https://a..b/hook")
    await add_unchecked(hooked, "http://127.0.0.1:9/hook")  # nothing listens there
    await add_unchecked(hooked, "https://boom.example.com/hook")
    post = hooked.sender._post

    async def surprising(claimed: delivery.Claimed) -> PostResult:
        if "boom" in claimed.delivery.url:
            raise RuntimeError("a bug")
        return await post(claimed)

    monkeypatch.setattr(hooked.sender, "_post", surprising)
    await walk(hooked.services, REP, "Acme", ["advanced"])

    verdicts = await hooked.sender.tick()

    assert sorted(verdicts) == sorted([Verdict.DELIVERED] + [Verdict.RETRYING] * 3)
    errors = {row.endpoint_id: row.last_error for row in await rows(hooked)}
    assert sorted(e for e in errors.values() if e) == [
        "no answer: address not allowed", "no answer: connection refused", "no answer: failed",
    ]  # fmt: skip
    assert all(row.status != OutboxStatus.SENDING for row in await rows(hooked))


async def test_rows_of_a_webhook_removed_mid_post_are_left_alone(hooked: Hooked) -> None:
    await walk(hooked.services, REP, "Acme", ["advanced"])
    await walk(hooked.services, REP, "Globex", ["advanced"])
    first, second = await delivery.claim_due(hooked.services, SETTINGS)
    await remove_webhook(hooked.services, ADMIN, endpoint_id=hooked.endpoint_id)
    failing = PostResult(500)
    assert await delivery.record(hooked.services, SETTINGS, first, failing) == Verdict.RETRYING
    assert await delivery.record(hooked.services, SETTINGS, second, PostResult(400)) == Verdict.DEAD  # fmt: skip
    assert {row.status for row in await rows(hooked)} == {OutboxStatus.PENDING, OutboxStatus.DEAD}

    assert set((await delivery.depth(hooked.services)).values()) == {0}
    assert await delivery.dead_letters(hooked.services, team_id=None) == []
    assert (await delivery.retry(hooked.services, row_ids=None, team_id=None)).count == 0
    assert await delivery.prune(hooked.services) == 2
    assert await rows(hooked) == []


async def test_the_sender_posts_nowhere_private_by_default(hooked: Hooked) -> None:
    sender = WebhookSender(hooked.services, SETTINGS.__class__(attempts=3))
    await walk(hooked.services, REP, "Acme", ["advanced"])
    assert await sender.tick() == [Verdict.RETRYING]
    await sender.stop()
    assert hooked.receiver.received == []
    [row] = await rows(hooked)
    assert row.last_error == "no answer: address not allowed"


async def test_a_dead_letter_is_logged_with_its_webhook_and_its_number(
    hooked: Hooked, caplog: pytest.LogCaptureFixture
) -> None:
    """Found in use (issue #20): the log said "webhook 2" for the second dead letter of
    webhook 1, a webhook `/deal webhook list` did not have."""
    hooked.receiver.answer = lambda n: 410
    await walk(hooked.services, REP, "Acme", ["advanced"])
    await walk(hooked.services, REP, "Globex", ["advanced"])
    with caplog.at_level(logging.WARNING, logger="bot.slack.webhook_sender"):
        assert await hooked.sender.tick() == [Verdict.DEAD, Verdict.DEAD]
    dead = sorted(row.id for row in await rows(hooked))
    said = [record.getMessage() for record in caplog.records]
    assert sorted(said) == [
        f"webhook {hooked.endpoint_id}: dead letter {n} after 1 tries (410)" for n in dead
    ]

"""A receiver, an endpoint registered by an admin, and a sender that posts to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest

from bot.core.context import Services
from bot.slack.webhook_sender import WebhookSender
from bot.webhooks.endpoints import add_webhook
from bot.webhooks.outcomes import WebhookAdded
from bot.webhooks.settings import DeliverySettings
from tests.conftest import Clock
from tests.support.deals import ADMIN, expect
from tests.support.webhook_receiver import Receiver

# The receivers run on this machine: the tests turn STAGECOACH_WEBHOOK_ALLOW_PRIVATE on.
SETTINGS = DeliverySettings(
    interval=0.01, lease=30.0, backoff=1.0, attempts=3, timeout=5.0, allow_private=True
)


@dataclass
class Hooked:
    services: Services
    receiver: Receiver
    sender: WebhookSender
    clock: Clock
    secret: str
    endpoint_id: int

    async def deliver(self, *, most: int = 50) -> None:
        """Tick until nothing is left to send, moving the clock past each back-off."""
        for _ in range(most):
            if not await self.sender.tick():
                self.clock.advance(hours=2)  # past any back-off (an hour at most)
                if not await self.sender.tick():
                    return
        raise AssertionError("still delivering")


@pytest.fixture(autouse=True)
def allow_private(request: pytest.FixtureRequest) -> None:
    """Webhooks here go to 127.0.0.1 (STAGECOACH_WEBHOOK_ALLOW_PRIVATE=1); a test of the
    refusals turns it off again. Tests that build their own Services say so themselves."""
    if "services" in request.fixturenames:
        request.getfixturevalue("services").webhook_allow_private = True


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    running = Receiver()
    await running.start()
    yield running
    await running.close()


@pytest.fixture
async def hooked(services: Services, receiver: Receiver, clock: Clock) -> AsyncIterator[Hooked]:
    assert receiver.server is not None
    url = f"http://127.0.0.1:{receiver.server.port}/hook"
    added = expect(await add_webhook(services, ADMIN, url=url, events=()), WebhookAdded)
    async with aiohttp.ClientSession() as session:
        sender = WebhookSender(services, SETTINGS, session=session)
        yield Hooked(services, receiver, sender, clock, added.secret, added.endpoint.endpoint_id)

"""The outbox does not keep every delivery forever (bot.webhooks.delivery.prune): rows
delivered more than 30 days ago are deleted, but each endpoint's newest finished row (what
`/deal webhook list` shows as its last delivery), and nothing waiting or dead."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from bot.webhooks import delivery
from storage.webhook_models import OutboxStatus, WebhookOutbox
from tests.support.deals import REP
from tests.support.webhook_deals import walk
from tests.webhooks.conftest import Hooked


async def rows(hooked: Hooked) -> list[WebhookOutbox]:
    async with hooked.services.db.read() as session:
        query = select(WebhookOutbox).order_by(WebhookOutbox.id)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def test_old_deliveries_go_the_last_one_and_the_unfinished_stay(hooked: Hooked) -> None:
    await walk(hooked.services, REP, "Acme", ["advanced", "lost"])
    await hooked.deliver()
    delivered = [row.id for row in await rows(hooked)]
    assert len(delivered) == 2

    hooked.clock.advance(days=29)
    assert await delivery.prune(hooked.services) == 0  # not old enough yet

    hooked.clock.advance(days=2)
    hooked.receiver.answer = lambda n: 500  # the next deal's events wait: pending, then dead
    await walk(hooked.services, REP, "Globex", ["advanced"])
    await hooked.sender.tick()
    assert await delivery.prune(hooked.services) == 1

    left = await rows(hooked)
    assert [row.id for row in left if row.status == OutboxStatus.DELIVERED] == delivered[-1:]
    assert [row.status for row in left if row.deal_id != left[0].deal_id] == [OutboxStatus.PENDING]


async def test_a_dead_letter_is_never_pruned(hooked: Hooked) -> None:
    hooked.receiver.answer = lambda n: 410
    await walk(hooked.services, REP, "Initech", ["advanced"])
    await hooked.sender.tick()
    hooked.clock.advance(days=365)

    assert await delivery.prune(hooked.services) == 0
    assert [row.status for row in await rows(hooked)] == [OutboxStatus.DEAD]
    assert dt.timedelta(days=30) == delivery.DELIVERED_KEPT

"""Stage events reach a receiver signed, each once after dedupe, in order per deal, through
failures and back-off, on both databases; what fails for good is a dead letter that holds
its deal's later events back until it is retried."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.core.outcomes import Blocked
from bot.core.refs import DealNumber
from bot.deals import moving
from bot.webhooks import delivery
from storage.webhook_models import OutboxStatus, WebhookOutbox
from tests.support.deals import REP, expect, new_deal
from tests.support.webhook_deals import walk
from tests.webhooks.conftest import SETTINGS, Hooked


async def outbox(hooked: Hooked) -> list[WebhookOutbox]:
    async with hooked.services.db.read() as session:
        query = select(WebhookOutbox).order_by(WebhookOutbox.id)  # type: ignore[arg-type]
        return list((await session.exec(query)).all())


async def test_every_stage_event_once_in_order_and_signed(hooked: Hooked) -> None:
    failures = {0: 500, 1: 503, 3: 500}
    hooked.receiver.answer = lambda n: failures.get(n, 200)
    first, first_events = await walk(hooked.services, REP, "Acme", ["advanced", "lost", "reopened", "overridden"])  # fmt: skip
    second, second_events = await walk(hooked.services, REP, "Globex", ["advanced", "advanced"])

    await hooked.deliver()

    got = hooked.receiver.deduped()
    assert len(got) == len(first_events) + len(second_events) == len(await outbox(hooked))
    by_deal: dict[int, list[str]] = {}
    for one in got:
        assert one.verifies(hooked.secret), "signed with the endpoint's secret"
        assert not one.verifies("another secret")
        by_deal.setdefault(one.event["deal"]["id"], []).append(one.event["type"])
    assert by_deal == {first: first_events, second: second_events}
    raw = len(hooked.receiver.received)
    assert raw == len(got) + len(failures), "each failure was sent again, with its key"
    assert {r.key for r in hooked.receiver.received} == {r.key for r in got}
    assert all(row.status == OutboxStatus.DELIVERED for row in await outbox(hooked))


async def test_the_payload_says_what_happened(hooked: Hooked) -> None:
    deal_id, _ = await walk(hooked.services, REP, "Initech", ["advanced", "lost"])
    await hooked.deliver()

    advanced, lost = (one.event for one in hooked.receiver.deduped())
    assert advanced["type"] == "deal.advanced" and advanced["gate"] == "passed"
    assert (advanced["from_stage"], advanced["to_stage"]) == ("qualify", "discovery")
    assert lost["deal"] == {**lost["deal"], "id": deal_id, "name": "Initech", "status": "lost"}
    assert lost["deal"]["amount"] == 5000 and lost["reason"].startswith("Timing")
    assert lost["team_id"] == REP.team_id and lost["actor_id"] == REP.user_id


async def test_a_refused_change_and_ticks_write_nothing_to_the_outbox(hooked: Hooked) -> None:
    card = await new_deal(hooked.services, REP, "Umbrella")
    expect(await moving.advance(hooked.services, REP, DealNumber(card.deal_id)), Blocked)

    assert await outbox(hooked) == []


async def test_only_the_events_an_endpoint_asked_for(hooked: Hooked) -> None:
    from bot.webhooks.endpoints import add_webhook
    from tests.support.deals import ADMIN

    await add_webhook(hooked.services, ADMIN, url="https://lost.example.com/h", events=("lost",))
    await walk(hooked.services, REP, "Hooli", ["advanced", "lost"])

    rows = await outbox(hooked)
    assert sorted((row.endpoint_id, row.kind) for row in rows) == sorted(
        [
            (hooked.endpoint_id, "advanced"),
            (hooked.endpoint_id, "lost"),
            (hooked.endpoint_id + 1, "lost"),
        ]  # fmt: skip
    )
    assert len({row.event_id for row in rows}) == 2, "one event, one id, for every endpoint"


async def test_retry_after_is_honoured(hooked: Hooked) -> None:
    hooked.receiver.answer = lambda n: 429 if n == 0 else 200
    hooked.receiver.headers = {"Retry-After": "600"}
    await walk(hooked.services, REP, "Stark", ["advanced"])

    assert await hooked.sender.tick() == [delivery.Verdict.RETRYING]
    hooked.clock.advance(seconds=SETTINGS.backoff * 4)  # the back-off alone is over
    assert await hooked.sender.tick() == []
    hooked.clock.advance(seconds=600)
    assert await hooked.sender.tick() == [delivery.Verdict.DELIVERED]


async def test_a_dead_letter_holds_its_deal_back_until_retried(hooked: Hooked) -> None:
    broken = True
    hooked.receiver.answer = lambda n: 500 if broken else 200
    first, first_events = await walk(hooked.services, REP, "Wayne", ["advanced", "lost"])
    second, second_events = await walk(hooked.services, REP, "Tyrell", ["advanced"])

    await hooked.deliver()

    letters = await delivery.dead_letters(hooked.services, team_id=REP.team_id)
    assert [(d.row.deal_id, d.row.kind, d.held_back) for d in letters] == [
        (first, "advanced", 1),
        (second, "advanced", 0),
    ]
    assert all(d.row.attempts == SETTINGS.attempts for d in letters)
    assert "HTTP 500" in (letters[0].row.last_error or "")
    held = [row for row in await outbox(hooked) if row.kind == "lost"]
    assert [(row.status, row.attempts) for row in held] == [(OutboxStatus.PENDING, 0)]
    assert len(hooked.receiver.received) == 2 * SETTINGS.attempts, "the held one never went"

    broken = False
    assert (await delivery.retry(hooked.services, row_ids=None, team_id=None)).count == 2
    await hooked.deliver()

    events = {deal: [json.loads(r.body)["type"] for r in hooked.receiver.deduped() if json.loads(r.body)["deal"]["id"] == deal] for deal in (first, second)}  # fmt: skip
    assert events == {first: first_events, second: second_events}
    assert await delivery.dead_letters(hooked.services, team_id=None) == []


async def test_a_refusal_is_a_dead_letter_at_once(hooked: Hooked) -> None:
    hooked.receiver.answer = lambda n: 410
    await walk(hooked.services, REP, "Cyberdyne", ["advanced"])

    assert await hooked.sender.tick() == [delivery.Verdict.DEAD]
    [letter] = await delivery.dead_letters(hooked.services, team_id=None)
    assert letter.row.attempts == 1 and letter.row.last_status == 410


async def test_the_outbox_depth_is_in_the_metrics(hooked: Hooked) -> None:
    from bot.slack.metrics import exposition

    hooked.receiver.answer = lambda n: 500
    await walk(hooked.services, REP, "Soylent", ["advanced", "lost"])
    await hooked.sender.tick()  # the first fails, the second waits behind it
    await hooked.sender.measure_depth()

    text = exposition()[0].decode()
    assert 'stagecoach_webhook_outbox{status="pending"} 2.0' in text
    assert 'stagecoach_webhook_deliveries_total{verdict="retrying"}' in text

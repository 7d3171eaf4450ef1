"""The database goes away: before a request, or in the middle of a change.

The user is told plainly that the database is not reachable and nothing was changed (never
a traceback); a change's stage write and its event commit together or not at all; /healthz
answers 503 while the database is away and 200 again when it is back, and the very next
request works (the pool replaces its dead connections)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.slack.runtime import database_down
from bot.slack_standin import RESPONSE_URL, SlackStandIn, button_action
from bot.views.ids import ActionId, BlockId, CallbackId
from storage.database import Database
from storage.models import Deal, DealEvent, EventKind
from tests.conftest import BACKENDS, PG_URL, Clock
from tests.resilience.answers import assert_no_leak, reply_text
from tests.resilience.conftest import OWNER, element_on, ready_line
from tests.resilience.outages import Outage, database_that_can_go_away, lost_at
from tests.resilience.snapshots import snapshot
from tests.support.harness import SlackHarness, start_harness
from tests.support.slack import deal_named, latest_card


@pytest.fixture(params=BACKENDS)
async def outage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Outage]:
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (.ci/run sets it)")
    async with database_that_can_go_away(request.param, tmp_path) as found:
        yield found


@pytest.fixture
async def slack(outage: Outage, clock: Clock) -> AsyncIterator[SlackHarness]:
    """The real app over a database the test can take away."""
    catalog = MapCatalog.from_ref("default")
    await catalog.register(outage.db)
    services = Services(db=outage.db, catalog=catalog, admins=frozenset({"UADMIN"}), clock=clock)
    async with SlackStandIn() as standin:
        harness = await start_harness(services, standin)
        yield harness
        await harness.runtime.tasks.drain()
        await harness.client.close()


async def healthz(slack: SlackHarness) -> int:
    response = await slack.client.get("/healthz")
    return response.status


async def events_of(slack: SlackHarness, deal_id: int, kind: EventKind) -> list[DealEvent]:
    async with slack.services.db.read() as session:
        query = select(DealEvent).where(DealEvent.deal_id == deal_id, DealEvent.kind == kind)
        return list((await session.exec(query)).all())


async def ready_deal(slack: SlackHarness) -> Deal:
    """Acme Corp in its first stage with every required item ticked: ready to advance."""
    await slack.command("new Acme Corp 50k", user=OWNER)
    stage = (await deal_named(slack, "Acme Corp")).stage
    await slack.command(ready_line(slack.services, stage), user=OWNER)
    return await deal_named(slack, "Acme Corp")


def card_click(slack: SlackHarness, action_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A click on the owner's latest card: the action, and where the click came from."""
    card = latest_card(slack, OWNER)
    block, element = element_on(card, action_id)
    action = button_action(action_id, block_id=block["block_id"], value=element["value"])
    url = slack.standin.response_url(channel=card["channel"], user=OWNER, message_ts=card["ts"])
    where = {
        "channel_id": card["channel"],
        "message_ts": card["ts"],
        "is_ephemeral": True,
        "response_url": url,
    }
    return action, where


def evidence_values(modal: dict[str, Any]) -> dict[str, Any]:
    """A value typed into every evidence input of the evidence modal."""
    blocks = modal["blocks"]
    inputs = [b["block_id"] for b in blocks if b["block_id"].startswith(BlockId.EVIDENCE_PREFIX)]
    return {i: {i: {"type": "plain_text_input", "value": "signed off"}} for i in inputs}


def said_database_down(text: str) -> None:
    assert text == database_down().text, text
    assert_no_leak(text)


async def test_while_the_database_is_away_every_surface_says_so_and_healthz_is_503(
    slack: SlackHarness, outage: Outage
) -> None:
    deal = await ready_deal(slack)
    assert deal.id is not None
    evidence, where = card_click(slack, ActionId.EVIDENCE)
    await slack.action(evidence, user=OWNER, **where)  # the modal is open before the outage
    modal = slack.standin.open_views[-1]
    before = await snapshot(slack.services.db)

    await outage.go_down()
    assert await healthz(slack) == 503

    typed = await slack.command("advance", user=OWNER)
    assert typed.status == 200
    said_database_down(reply_text(typed))

    advance, where = card_click(slack, ActionId.ADVANCE)
    clicked = await slack.action(advance, user=OWNER, **where)
    assert clicked.status == 200
    said_database_down(slack.standin.last(RESPONSE_URL).args["text"])

    values = evidence_values(modal)
    submitted = await slack.submit(CallbackId.EVIDENCE, modal["private_metadata"], values, user=OWNER, view=modal)  # fmt: skip
    assert submitted.status == 200
    assert submitted.json["response_action"] == "errors"  # shown in the modal, beside a field
    said_database_down(next(iter(submitted.json["errors"].values())))

    await outage.come_back()
    assert await healthz(slack) == 200
    assert await snapshot(slack.services.db) == before  # nothing was written while away
    again = await slack.submit(CallbackId.EVIDENCE, modal["private_metadata"], values, user=OWNER, view=modal)  # fmt: skip
    assert again.status == 200 and again.body in (None, "", {}), again.body  # the pool is back
    moved = await slack.command("advance", user=OWNER)
    assert "Moved from" in moved.text, moved.body
    assert len(await events_of(slack, deal.id, EventKind.ADVANCED)) == 1


@pytest.mark.parametrize(
    ("line", "statement", "at_commit"),
    [
        ("advance", "INSERT INTO deal_event", False),  # after the stage write
        ("advance", None, True),  # inside the driver's COMMIT
        ("untick 1", "INSERT INTO deal_event", False),  # after the tick's delete
    ],
    ids=["advance, before its event", "advance, at commit", "untick, before its event"],
)
async def test_the_database_lost_in_the_middle_of_a_change_leaves_no_half_of_it(
    slack: SlackHarness, outage: Outage, line: str, statement: str | None, at_commit: bool
) -> None:
    deal = await ready_deal(slack)
    assert deal.id is not None
    before = await snapshot(slack.services.db)

    with lost_at(outage, statement=statement, commit=at_commit) as statements:
        answer = await slack.command(line, user=OWNER)
    wrote = ("UPDATE deal", "DELETE FROM exit_tick")
    assert any(s.startswith(wrote) for s in statements), statements  # lost after a write
    said_database_down(reply_text(answer))

    await outage.come_back()
    assert await snapshot(slack.services.db) == before  # neither the write nor its event
    again = await slack.command(line, user=OWNER)  # the same change goes through now
    assert again.status == 200 and not reply_text(again).startswith(":warning:"), again.body
    moved = await events_of(slack, deal.id, EventKind.ADVANCED)
    unticked = await events_of(slack, deal.id, EventKind.UNTICKED)
    assert (len(moved), len(unticked)) == ((1, 0) if line == "advance" else (0, 1))
    assert (await deal_named(slack, "Acme Corp")).version == deal.version + 1


async def test_a_database_host_that_never_answers_fails_the_ping_in_time() -> None:
    # A server that accepts the connection and then says nothing, like a host behind a
    # firewall that drops packets: the ping gives up at its timeout, not asyncpg's minute.
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    db = Database(f"postgresql://postgres@127.0.0.1:{port}/test")
    try:
        started = time.monotonic()
        assert await db.ping(timeout_s=0.5) is False
        assert time.monotonic() - started < 3.0
    finally:
        await db.dispose()
        server.close()

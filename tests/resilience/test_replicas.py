"""Two real `stagecoach serve` processes on one PostgreSQL database, started together on an
empty one, Slack played by the stand-in in this process. Concurrent signed ticks and
advances on the same deals, spread over both:

- no lost tick: a deal's final ticks are one of the selections sent, and replaying its
  TICKED/UNTICKED events from nothing gives exactly those ticks;
- no double advance: each deal moved exactly as many stages as its ADVANCED events say, and
  the concurrent advances of one stage produced exactly one ADVANCED event;
- a consistent history: per deal, events in id order have non-decreasing times, and each
  move starts where the previous one ended, ending at the deal's stage."""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import string
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import col, select

from bot.core.catalog import MapCatalog
from bot.slack_standin import (
    RESPONSE_URL,
    SlackStandIn,
    block_actions_payload,
    button_action,
    checkboxes_action,
    option,
)
from bot.slack_standin.payloads import slash_command_body
from bot.views.ids import ActionId, DealRef, checklist_block_id
from storage import deal_queries
from storage.database import Database
from storage.models import Deal, DealEvent, EventKind
from tests.conftest import PG_URL
from tests.resilience.replicas import (
    Server,
    fresh_database,
    send,
    start_server,
    stop_servers,
    wait_until_healthy,
)
from tests.support.signing import SignedRequest, signed_form, signed_request

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="runs two servers on PostgreSQL: set TEST_DATABASE_URL"
)

TEAM = "T0TEAM001"
OWNER = "U0OWNER01"
CHANNEL = "C0GENERAL"
SECRET = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
DEALS = 3
TICKS_PER_DEAL = 8
ADVANCES_PER_DEAL = 6  # half Advance clicks, half `/deal advance #id`
PROCESS_MAP = MapCatalog.from_ref("default").current
FIRST = PROCESS_MAP.first_stage


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    assert PG_URL is not None
    async with fresh_database(PG_URL) as url:
        yield url


@pytest.fixture
async def servers(
    database_url: str, standin: SlackStandIn, tmp_path: Path
) -> AsyncIterator[list[Server]]:
    """Two servers started at once on the empty database (both see it unmigrated)."""
    env = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "STAGECOACH_ADMINS": "UADMIN",
        "LOG_LEVEL": "WARNING",
    }
    started = list(
        await asyncio.gather(*(start_server(env, tmp_path / f"serve{n}.log") for n in (1, 2)))
    )
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, started)
        yield started
    finally:
        codes = await stop_servers(started)
    assert codes == [0, 0], "\n".join(server.output() for server in started)  # a clean stop


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


def command(standin: SlackStandIn, text: str) -> SignedRequest:
    url = standin.response_url(channel=CHANNEL, user=OWNER)
    body = slash_command_body(
        text, user_id=OWNER, team_id=TEAM, channel_id=CHANNEL, response_url=url
    )
    return signed_request(body, secret=SECRET)


def click(standin: SlackStandIn, action: dict[str, object]) -> SignedRequest:
    payload = block_actions_payload(
        action, user_id=OWNER, team_id=TEAM, channel_id=CHANNEL, message_ts="1700000000.000100",
        is_ephemeral=True, response_url=standin.response_url(channel=CHANNEL, user=OWNER),
    )  # fmt: skip
    return signed_form(payload, secret=SECRET)


def tick_click(standin: SlackStandIn, deal_id: int, selection: frozenset[str]) -> SignedRequest:
    block_id = checklist_block_id(DealRef(deal_id=deal_id, stage=FIRST.id))
    chosen = [option(item.id, item.text[:70]) for item in FIRST.exit if item.id in selection]
    return click(
        standin, checkboxes_action(ActionId.EXIT_ITEMS, block_id=block_id, selected_options=chosen)
    )


def advance_click(standin: SlackStandIn, deal_id: int) -> SignedRequest:
    value = DealRef(deal_id=deal_id, stage=FIRST.id).dumps()
    return click(standin, button_action(ActionId.ADVANCE, block_id="card_actions", value=value))


def ready_line(deal_id: int) -> str:
    parts = [f'{n}="checked"' if item.evidence else str(n) for n, item in enumerate(FIRST.exit, 1)]
    return f"tick #{deal_id} " + " ".join(parts)


async def spread(
    http: aiohttp.ClientSession, servers: list[Server], requests: list[SignedRequest]
) -> list[tuple[int, str]]:
    """Send every request at once, alternating between the servers."""
    sends = [send(http, servers[n % len(servers)], request) for n, request in enumerate(requests)]
    return list(await asyncio.gather(*sends))


async def deals_and_events(db: Database) -> tuple[list[Deal], dict[int, list[DealEvent]]]:
    async with db.read() as session:
        deals = list((await session.exec(select(Deal).order_by(col(Deal.id)))).all())
        events = list((await session.exec(select(DealEvent).order_by(col(DealEvent.id)))).all())
    by_deal: dict[int, list[DealEvent]] = {deal.id: [] for deal in deals if deal.id is not None}
    for event in events:
        if event.deal_id is not None:
            by_deal[event.deal_id].append(event)
    return deals, by_deal


async def current_ticks(db: Database, deal: Deal) -> frozenset[str]:
    assert deal.id is not None
    async with db.read() as session:
        ticks = await deal_queries.ticks_for(session, deal_id=deal.id, stage=deal.stage)
    return frozenset(tick.item_id for tick in ticks)


def replayed_ticks(events: list[DealEvent], stage: str) -> frozenset[str]:
    """The ticks of `stage` the history adds up to; each event must change something: a
    lost update shows as a tick of a ticked item, or an untick of an unticked one."""
    ticked: set[str] = set()
    for event in events:
        if event.from_stage != stage or event.kind not in (EventKind.TICKED, EventKind.UNTICKED):
            continue
        assert event.item_id is not None
        if event.kind == EventKind.TICKED:
            # ticked again only to record its evidence (the tick is replaced, value and all)
            again = event.item_id in ticked
            assert not again or event.value, f"ticked twice without an untick: {event}"
            ticked.add(event.item_id)
        else:
            assert event.item_id in ticked, f"unticked what was not ticked: {event}"
            ticked.remove(event.item_id)
    return frozenset(ticked)


def assert_history_consistent(deal: Deal, events: list[DealEvent]) -> None:
    times = [event.at for event in events]
    assert times == sorted(times), f"deal #{deal.id}: events out of time order"
    assert events[0].kind == EventKind.CREATED and events[0].to_stage == FIRST.id
    stage = FIRST.id
    for event in events[1:]:
        if event.to_stage is not None:  # a move: it starts where the last one ended
            assert event.from_stage == stage, f"deal #{deal.id}: {event.from_stage} after {stage}"
            stage = event.to_stage
    assert deal.stage == stage


PLAIN_ITEMS = frozenset(item.id for item in FIRST.exit if item.evidence is None)


def advance_outcome(text: str) -> str:
    """What an answer to an advance said: it moved the deal, it had just moved, or (a command
    that looked after the move) the next stage's gate is closed."""
    if "Moved from" in text:
        return "moved"
    if "just moved" in text:
        return "just moved"
    if "cannot leave" in text:
        return "gate closed"
    return text


async def wait_for_replies(standin: SlackStandIn, count: int) -> None:
    """Clicks are answered after the ack, through their response URLs (the servers trust
    the stand-in's, as their SLACK_API_URL host), one per click."""
    await standin.wait_for(RESPONSE_URL, count=count, timeout=30)


async def test_two_replicas_lose_no_tick_and_never_advance_twice(
    servers: list[Server], http: aiohttp.ClientSession, standin: SlackStandIn, db: Database
) -> None:
    rng = random.Random(8)
    for n in range(DEALS):
        status, answer = await send(
            http, servers[n % 2], command(standin, f"new Replica Deal {n} 10k")
        )
        assert status == 200 and "Created" in answer, answer
    deals, _events = await deals_and_events(db)
    items = [item.id for item in FIRST.exit]

    # ticks: many different selections of the same checklist at once, on both servers
    sent: dict[int, list[frozenset[str]]] = {}
    requests: list[SignedRequest] = []
    for deal in deals:
        assert deal.id is not None
        sent[deal.id] = [
            frozenset(rng.sample(items, rng.randint(0, len(items)))) for _ in range(TICKS_PER_DEAL)
        ]
        requests += [tick_click(standin, deal.id, selection) for selection in sent[deal.id]]
    rng.shuffle(requests)
    assert {status for status, _ in await spread(http, servers, requests)} == {200}
    await wait_for_replies(standin, len(requests))

    deals, events = await deals_and_events(db)
    for deal in deals:
        assert deal.id is not None
        final = await current_ticks(db, deal)
        # A click ticks the items that need no evidence; the others wait for their form.
        ticked_by = [selection & PLAIN_ITEMS for selection in sent[deal.id]]
        assert final in ticked_by, f"deal #{deal.id}: {sorted(final)} was never sent"
        assert replayed_ticks(events[deal.id], FIRST.id) == final

    # advances: every deal ready, then clicks and commands for the same stage at once
    for deal in deals:
        status, answer = await send(http, servers[0], command(standin, ready_line(deal.id or 0)))
        assert status == 200, answer
    requests = []
    for deal in deals:
        assert deal.id is not None
        for n in range(ADVANCES_PER_DEAL):
            requests.append(
                advance_click(standin, deal.id)
                if n % 2
                else command(standin, f"advance #{deal.id}")
            )
    rng.shuffle(requests)
    replies_before = len(standin.calls(RESPONSE_URL))
    answers = await spread(http, servers, requests)
    assert {status for status, _ in answers} == {200}
    await wait_for_replies(standin, replies_before + DEALS * (ADVANCES_PER_DEAL // 2))
    said = [json.loads(text)["text"] for _, text in answers if text.startswith("{")]
    said += [str(c.args.get("text")) for c in standin.calls(RESPONSE_URL)[replies_before:]]
    assert len(said) == DEALS * ADVANCES_PER_DEAL
    outcomes = Counter(advance_outcome(text) for text in said)
    assert outcomes["moved"] == DEALS, said  # one per deal; every other one was told why not
    assert outcomes["moved"] + outcomes["just moved"] + outcomes["gate closed"] == len(said), said

    deals, events = await deals_and_events(db)
    order = [stage.id for stage in PROCESS_MAP.stages]
    for deal in deals:
        assert deal.id is not None
        advanced = [e for e in events[deal.id] if e.kind == EventKind.ADVANCED]
        assert len(advanced) == 1, f"deal #{deal.id} advanced {len(advanced)} times: {advanced}"
        assert order.index(deal.stage) - order.index(FIRST.id) == len(advanced)
        assert_history_consistent(deal, events[deal.id])
        assert replayed_ticks(events[deal.id], FIRST.id) == frozenset(items)
    for call in standin.calls(RESPONSE_URL):
        text = str(call.args.get("text"))
        assert "went wrong" not in text and "Traceback" not in text, text

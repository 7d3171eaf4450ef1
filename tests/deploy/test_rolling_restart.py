"""A rolling restart under load loses nothing (docs/deploying.md): two `stagecoach serve`
replicas (each with its default workers) on one PostgreSQL database behind a load balancer
that follows /healthz (tests/deploy/balancer.py); users tick, note evidence and look at
their deals without pause while each replica in turn gets SIGTERM and a successor.

- no request lost: every request is answered 200 with what it asked for, and every click
  gets its reply (the new card, sent after the acknowledgement to its response URL);
- no tick lost: every tick and untick sent is in the deal's history, in order, and each
  deal ends with the ticks and the evidence last sent;
- each replica stopped cleanly (exit 0), saying so in its log."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from sqlmodel import col, select

from bot.core.catalog import MapCatalog
from bot.slack_standin import SlackStandIn, block_actions_payload, checkboxes_action, option
from bot.slack_standin.payloads import slash_command_body
from bot.views.ids import ActionId, DealRef, checklist_block_id
from storage.database import Database
from storage.models import Deal, DealEvent, EventKind, ExitTick
from tests.conftest import PG_URL
from tests.deploy.balancer import Balancer
from tests.resilience.replicas import (
    fresh_database,
    start_server,
    stop_servers,
    wait_until_healthy,
)
from tests.support.signing import SignedRequest, signed_form, signed_request

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="restarts two servers on PostgreSQL: set TEST_DATABASE_URL"
)

TEAM, CHANNEL = "T0TEAM001", "C0GENERAL"
SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
USERS = 6  # each owns a deal and works on it without pause
FIRST = MapCatalog.from_ref("default").current.first_stage
PLAIN = next(item for item in FIRST.exit if item.evidence is None)  # ticked by a click
NOTED = next(item for item in FIRST.exit if item.evidence is not None)  # ticked with a note


@dataclass
class Sent:
    """What one user sent about their deal, in order."""

    user: str
    deal_id: int = 0
    clicks: list[bool] = field(default_factory=list)  # PLAIN ticked (True) or not
    notes: list[str] = field(default_factory=list)
    reply_urls: list[str] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=list)


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    assert PG_URL is not None
    async with fresh_database(PG_URL) as url:
        yield url


def environment(database_url: str, standin: SlackStandIn) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": standin.api_url,
        "LOG_LEVEL": "INFO",
        # Longer than the balancer's health poll: it stops sending before the port closes.
        "STAGECOACH_DRAIN_DELAY": "0.5",
        "STAGECOACH_SHUTDOWN_TIMEOUT": "15",
    }


def command(standin: SlackStandIn, user: str, text: str) -> tuple[SignedRequest, str]:
    url = standin.response_url(channel=CHANNEL, user=user)
    body = slash_command_body(
        text, user_id=user, team_id=TEAM, channel_id=CHANNEL, response_url=url
    )
    return signed_request(body, secret=SECRET), url


def click(standin: SlackStandIn, sent: Sent, ticked: bool) -> tuple[SignedRequest, str]:
    url = standin.response_url(channel=CHANNEL, user=sent.user)
    # A checkbox click carries the whole selection the card shows: the noted item once
    # ticked, and the plain one as toggled.
    chosen = [option(PLAIN.id, PLAIN.text[:70])] if ticked else []
    chosen += [option(NOTED.id, NOTED.text[:70])] if sent.notes else []
    block_id = checklist_block_id(DealRef(deal_id=sent.deal_id, stage=FIRST.id))
    action = checkboxes_action(ActionId.EXIT_ITEMS, block_id=block_id, selected_options=chosen)
    payload = block_actions_payload(
        action, user_id=sent.user, team_id=TEAM, channel_id=CHANNEL,
        message_ts="1700000000.000100", is_ephemeral=True, response_url=url,
    )  # fmt: skip
    return signed_form(payload, secret=SECRET), url


async def work(balancer: Balancer, standin: SlackStandIn, sent: Sent, stop: asyncio.Event) -> None:
    """One user, one request at a time: a click, a note, a look; again, until told to stop.
    A click's tick is written after its acknowledgement, and its reply is the new card: the
    next click waits for it (up to 20 s; a reply that never comes fails the test later)."""
    step = 0
    while not stop.is_set():
        if step % 3 == 0:
            ticked = not sent.clicks[-1] if sent.clicks else True
            request, url = click(standin, sent, ticked)
            sent.clicks.append(ticked)
            sent.reply_urls.append(url)
        elif step % 3 == 1:
            note = f"note {step}"
            request, _ = command(standin, sent.user, f'tick #{sent.deal_id} 2="{note}"')
            sent.notes.append(note)
        else:
            request, _ = command(standin, sent.user, f"show #{sent.deal_id}")
        sent.answers.append(await balancer.send(request))
        if step % 3 == 0:  # a person clicks again on the card the reply brought
            await _replied(standin, url)
        step += 1


async def _replied(standin: SlackStandIn, url: str) -> None:
    hook = standin.workspace.hooks[url.rsplit("/", 1)[1]]
    for _ in range(2000):
        if hook.uses:
            return
        await asyncio.sleep(0.01)


async def restart(
    balancer: Balancer, slot: int, env: dict[str, str], log: Path, http: aiohttp.ClientSession
) -> int:
    """SIGTERM the replica in `slot`, start its successor, wait until it is healthy."""
    old = balancer.servers[slot]
    (code,) = await stop_servers([old])
    new = await start_server(env, log)
    await wait_until_healthy(http, [new])
    balancer.servers[slot] = new
    return code


async def test_a_rolling_restart_under_load_loses_no_request_and_no_tick(
    database_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    env = environment(database_url, standin)
    servers = [await start_server(env, tmp_path / f"replica-{n}.log") for n in range(2)]
    async with aiohttp.ClientSession() as http:
        await wait_until_healthy(http, servers)
        async with Balancer(http, servers) as balancer:
            users = [Sent(user=f"U0USER{n:04d}") for n in range(USERS)]
            for n, sent in enumerate(users):
                request, _ = command(standin, sent.user, f"new Rolling {n} 10k")
                status, text = await balancer.send(request)
                assert status == 200 and "Created" in text, text
            await _find_deals(database_url, users)
            stop = asyncio.Event()
            load = [asyncio.create_task(work(balancer, standin, sent, stop)) for sent in users]
            codes = []
            for slot in range(2):
                await asyncio.sleep(1.0)
                codes.append(await restart(balancer, slot, env, tmp_path / f"new-{slot}.log", http))
            await asyncio.sleep(1.0)
            stop.set()
            await asyncio.gather(*load)
            final = list(balancer.servers)
        logs = "\n".join(
            path.read_text(errors="replace") for path in sorted(tmp_path.glob("*.log"))
        )
        await _wait_for_replies(standin, users, logs)
        codes += await stop_servers(final)
    assert codes == [0, 0, 0, 0], logs
    _assert_answered(users, logs)
    await _assert_every_tick_kept(database_url, users)
    for name in ("replica-0.log", "replica-1.log"):
        said = (tmp_path / name).read_text()
        assert "stopping (pid" in said and "stopped (pid" in said, said
        assert "Traceback" not in said and " ERROR " not in said, said


async def _find_deals(database_url: str, users: list[Sent]) -> None:
    db = Database(database_url)
    async with db.read() as session:
        deals = (await session.exec(select(Deal).order_by(col(Deal.id)))).all()
    await db.dispose()
    by_owner = {deal.owner_id: deal.id for deal in deals}
    for sent in users:
        sent.deal_id = by_owner[sent.user] or 0


async def _wait_for_replies(standin: SlackStandIn, users: list[Sent], logs: str) -> None:
    """Every click's new card reaches its response URL (sent after the acknowledgement)."""
    keys = [url.rsplit("/", 1)[1] for sent in users for url in sent.reply_urls]
    for _ in range(200):
        if all(standin.workspace.hooks[key].uses for key in keys):
            return
        await asyncio.sleep(0.05)
    missing = [key for key in keys if not standin.workspace.hooks[key].uses]
    raise AssertionError(f"{len(missing)} of {len(keys)} clicks got no reply\n{logs}")


def _assert_answered(users: list[Sent], logs: str) -> None:
    for sent in users:
        assert len(sent.answers) >= 6, "the load did not run through the restarts"
        for status, text in sent.answers:
            assert status == 200, f"{status} {text}\n{logs}"
            said = json.loads(text)["text"] if text else ""  # a click's ack is empty
            assert "went wrong" not in said and ":warning:" not in said, said
            assert not said or f"Rolling {sent.user[-1]}" in said, said


async def _assert_every_tick_kept(database_url: str, users: list[Sent]) -> None:
    db = Database(database_url)
    async with db.read() as session:
        events = (await session.exec(select(DealEvent).order_by(col(DealEvent.id)))).all()
        ticks = (await session.exec(select(ExitTick))).all()
    await db.dispose()
    for sent in users:
        mine = [e for e in events if e.deal_id == sent.deal_id and e.kind in _TICKING]
        plain = [e.kind == EventKind.TICKED for e in mine if e.item_id == PLAIN.id]
        assert plain == sent.clicks, f"deal #{sent.deal_id}: clicks {sent.clicks}, kept {plain}"
        noted = [e.value for e in mine if e.item_id == NOTED.id]
        assert noted == sent.notes, f"deal #{sent.deal_id}: notes {sent.notes}, kept {noted}"
        now = {t.item_id: t.evidence for t in ticks if t.deal_id == sent.deal_id}
        assert (PLAIN.id in now) == sent.clicks[-1]
        assert now[NOTED.id] == sent.notes[-1]


_TICKING = (EventKind.TICKED, EventKind.UNTICKED)

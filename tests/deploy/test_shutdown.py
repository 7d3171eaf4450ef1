"""SIGTERM to a real `stagecoach serve` (bot/cli/serve.py): the work started after an
acknowledgement finishes before the process exits (a click's new card still reaches Slack,
its tick is kept), and all of it is bounded by STAGECOACH_SHUTDOWN_TIMEOUT: what is still
running then is cancelled, said in the log, and the process exits 0 anyway."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.slack_standin import SlackStandIn, block_actions_payload, checkboxes_action, option
from bot.slack_standin.payloads import slash_command_body
from bot.views.ids import ActionId, DealRef, checklist_block_id
from storage.database import Database
from storage.models import ExitTick
from tests.resilience.replicas import Server, send, start_server, stop_servers, wait_until_healthy
from tests.support.signing import signed_form, signed_request

TEAM, CHANNEL, REP = "T0TEAM001", "C0GENERAL", "U0REP0001"
SECRET = "9a8b7c6d5e4f30211203f4e5d6c7b8a9"
FIRST = MapCatalog.from_ref("default").current.first_stage
PLAIN = next(item for item in FIRST.exit if item.evidence is None)


class SlowReplies(SlackStandIn):
    """Takes `delay` seconds to accept a post to a response URL."""

    delay = 0.0

    async def _on_response_url(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(self.delay)
        return await super()._on_response_url(request)


@pytest.fixture
async def slow() -> AsyncIterator[SlowReplies]:
    async with SlowReplies() as running:
        yield running


async def _serve(slow: SlowReplies, tmp_path: Path, timeout: float) -> Server:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/stop.db", "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slow.api_url, "LOG_LEVEL": "INFO",
        "STAGECOACH_SHUTDOWN_TIMEOUT": str(timeout),
    }  # fmt: skip
    return await start_server(env, tmp_path / "serve.log")


async def _click_then_sigterm(
    http: aiohttp.ClientSession, server: Server, slow: SlowReplies, *, reply_takes: float
) -> tuple[str, float]:
    """A deal, then a tick click whose reply is slow, then SIGTERM while it is on its way;
    the click's response URL and when the signal went."""
    url = slow.response_url(channel=CHANNEL, user=REP)
    body = slash_command_body(
        "new Stopping Co 5k", user_id=REP, team_id=TEAM, channel_id=CHANNEL, response_url=url
    )
    status, text = await send(http, server, signed_request(body, secret=SECRET))
    deal_id = int(re.findall(r"Deal #(\d+)", text)[0])
    reply_url = slow.response_url(channel=CHANNEL, user=REP)
    block_id = checklist_block_id(DealRef(deal_id=deal_id, stage=FIRST.id))
    action = checkboxes_action(
        ActionId.EXIT_ITEMS, block_id=block_id, selected_options=[option(PLAIN.id, PLAIN.text[:70])]
    )
    payload = block_actions_payload(
        action, user_id=REP, team_id=TEAM, channel_id=CHANNEL, message_ts="1700000000.000100",
        is_ephemeral=True, response_url=reply_url,
    )  # fmt: skip
    slow.delay = reply_takes
    status, _ = await send(http, server, signed_form(payload, secret=SECRET))
    assert status == 200
    await asyncio.sleep(0.3)  # the tick is being written and its card sent
    server.process.terminate()
    return reply_url, time.monotonic()


async def test_work_after_the_acknowledgement_finishes_before_the_process_exits(
    slow: SlowReplies, tmp_path: Path
) -> None:
    server = await _serve(slow, tmp_path, timeout=20)
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, [server])
            reply_url, signalled = await _click_then_sigterm(http, server, slow, reply_takes=2)
            code = await asyncio.wait_for(server.process.wait(), 20)
    finally:
        await stop_servers([server])
    took = time.monotonic() - signalled
    assert code == 0, server.output()
    assert took >= 1.0, f"exited {took:.1f}s after SIGTERM, before the reply was sent"
    assert slow.workspace.hooks[reply_url.rsplit("/", 1)[1]].uses == 1, server.output()
    assert "1 task(s) in flight" in server.output()
    db = Database(f"sqlite:///{tmp_path}/stop.db")
    async with db.read() as session:
        ticks = (await session.exec(select(ExitTick))).all()
    await db.dispose()
    assert [tick.item_id for tick in ticks] == [PLAIN.id]


async def test_what_outlasts_the_shutdown_timeout_is_cancelled_and_said(
    slow: SlowReplies, tmp_path: Path
) -> None:
    server = await _serve(slow, tmp_path, timeout=1)
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, [server])
            _, signalled = await _click_then_sigterm(http, server, slow, reply_takes=60)
            code = await asyncio.wait_for(server.process.wait(), 20)
    finally:
        await stop_servers([server])
    took = time.monotonic() - signalled
    assert code == 0, server.output()
    assert took < 8, f"exited {took:.1f}s after SIGTERM with a 1 s limit"
    assert "1 task(s) after acknowledgements cancelled at the limit" in server.output()

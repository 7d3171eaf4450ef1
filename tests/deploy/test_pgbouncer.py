"""`stagecoach serve` behind PgBouncer in transaction pooling mode (storage/pgbouncer.py):
DATABASE_URL ends `?pgbouncer=true`, and a PgBouncer with two server connections carries
every process's pools. Four people at once create deals, tick them with evidence, click,
advance them and look them up by name; the server migrates the empty database through it
too. Nothing fails: asyncpg's named, cached statements would (a name prepared on one
server connection is unknown, or another statement, on the next)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from bot.core.catalog import MapCatalog
from bot.slack_standin import SlackStandIn
from bot.slack_standin.payloads import slash_command_body
from storage.database import Database
from storage.models import Deal, DealEvent, EventKind
from tests.conftest import PG_URL
from tests.deploy.pgbouncer import INSTALL_HINT, installed, pgbouncer
from tests.resilience.replicas import (
    Server,
    fresh_database,
    send,
    start_server,
    stop_servers,
    wait_until_healthy,
)
from tests.support.signing import signed_request

pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL"),
    pytest.mark.skipif(not installed(), reason=INSTALL_HINT),
]
TEAM, CHANNEL = "T0TEAM001", "C0GENERAL"
SECRET = "5e1f0c3b2a49d8e7f6a5b4c3d2e1f0a9"
FIRST = MapCatalog.from_ref("default").current.first_stage


@pytest.fixture
async def bounced_url(tmp_path: Path) -> AsyncIterator[str]:
    """DATABASE_URL of a fresh database, through a PgBouncer of the test's own."""
    assert PG_URL is not None
    async with fresh_database(PG_URL) as direct, pgbouncer(PG_URL, tmp_path / "pgb.log") as port:
        url = make_url(direct).set(host="127.0.0.1", port=port)
        yield url.render_as_string(hide_password=False) + "?pgbouncer=true"


def ready_line(deal_id: int) -> str:
    """Every exit item of the first stage ticked, with evidence where the map asks for it."""
    parts = [f'{n}="seen {n}"' if item.evidence else str(n) for n, item in enumerate(FIRST.exit, 1)]
    return f"tick #{deal_id} " + " ".join(parts)


async def person(http: aiohttp.ClientSession, server: Server, standin: SlackStandIn, n: int) -> int:
    """What one rep does with one deal; the deal's number."""
    user = f"U0REP000{n}"

    async def say(text: str, *, whole: bool = False) -> str:
        url = standin.response_url(channel=CHANNEL, user=user)
        body = slash_command_body(
            text, user_id=user, team_id=TEAM, channel_id=CHANNEL, response_url=url
        )
        status, answer = await send(http, server, signed_request(body, secret=SECRET))
        assert status == 200, answer
        said = str(json.loads(answer)["text"])
        assert "went wrong" not in said and "not reachable" not in said, said
        return answer if whole else said

    created = await say(f"new Bounced {n} 25k")
    assert f"Created Bounced {n}" in created, created
    async with http.get(f"{server.base_url}/healthz") as health:
        assert health.status == 200
    shown = await say(f"show bounced {n}", whole=True)  # the card's context names its number
    deal_id = int(re.findall(r"Deal #(\d+)", shown)[0])
    for _ in range(3):
        assert f"Bounced {n}" in await say(f"show #{deal_id}")
    await say(ready_line(deal_id))
    assert "Moved from" in await say(f"advance #{deal_id}")
    assert f"Bounced {n}" in await say("list")
    return deal_id


async def test_a_deal_flow_through_pgbouncer_in_transaction_mode(
    bounced_url: str, standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": bounced_url, "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": standin.api_url,
        "STAGECOACH_SCHEDULER_INTERVAL": "0.2",  # its reads and claims share the server too
    }  # fmt: skip
    server = await start_server(env, tmp_path / "serve.log", "--workers", "2")
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_healthy(http, [server])
            deal_ids = await asyncio.gather(*(person(http, server, standin, n) for n in range(4)))
    finally:
        codes = await stop_servers([server])
    log = server.output()
    assert codes == [0], log
    assert "Traceback" not in log and "ERROR" not in log, log

    direct = Database(bounced_url.replace("?pgbouncer=true", ""))  # the same data, seen directly
    async with direct.read() as session:
        deals = (await session.exec(select(Deal).order_by(col(Deal.id)))).all()
        moves = (
            await session.exec(select(DealEvent).where(DealEvent.kind == EventKind.ADVANCED))
        ).all()
    await direct.dispose()
    assert sorted(deal.id for deal in deals) == sorted(deal_ids)
    assert all(deal.stage != FIRST.id for deal in deals)
    assert sorted(move.deal_id for move in moves) == sorted(deal_ids)

"""Socket Mode: the same app over a websocket, and the watchdog that rebuilds a wedged client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.core.context import Services
from bot.core.settings import Settings
from bot.slack.app import build_bolt_app
from bot.slack.runtime import build_runtime
from bot.slack.socket import SocketModeRunner
from bot.slack_standin import form_fields, slash_command_body
from tests.support.slack import REP
from tests.support.socket_mode import SocketModeStandIn

APP_TOKEN = "xapp-1-A0TEST-1-secret"


@pytest.fixture
async def socket_slack(
    services: Services,
) -> AsyncIterator[tuple[SocketModeStandIn, SocketModeRunner]]:
    async with SocketModeStandIn() as standin:
        settings = Settings(
            database_url="sqlite://",
            bot_token="xoxb-test",
            app_token=APP_TOKEN,
            api_url=standin.api_url,
            extra_response_url_prefixes=(standin.base_url,),
        )
        runtime = build_runtime(services, settings)
        runner = SocketModeRunner(build_bolt_app(runtime), app_token=APP_TOKEN)
        await runner.start()
        yield standin, runner
        await runner.close()
        await runtime.tasks.drain()


def deal_command(text: str) -> dict[str, str]:
    return form_fields(
        slash_command_body(text, user_id=REP, team_id="T0SOCKET", channel_id="C0SALES")
    )


async def test_a_slash_command_over_the_socket_is_answered_in_its_ack(socket_slack) -> None:  # type: ignore[no-untyped-def]
    standin, _runner = socket_slack
    ack = await standin.deliver("slash_commands", deal_command("new Acme Corp 50k"))
    assert "Acme Corp" in ack["payload"]["text"]
    assert ack["payload"]["blocks"]


async def test_the_watchdog_rebuilds_a_client_whose_session_died(socket_slack) -> None:  # type: ignore[no-untyped-def]
    standin, runner = socket_slack
    await standin.wait_connected()
    # The wedge seen after network drops: the client's HTTP session is closed under it.
    await runner._handler.client.aiohttp_client_session.close()  # type: ignore[union-attr]
    await standin.drop_connections()
    stop = asyncio.Event()
    watching = asyncio.create_task(runner.watch(every=0.05, stop=stop))
    try:
        await standin.wait_connected(timeout=10)
        ack = await standin.deliver("slash_commands", deal_command("help"), timeout=10)
    finally:
        stop.set()
        await watching
    assert runner.rebuilds >= 1
    assert "/deal" in ack["payload"]["text"]

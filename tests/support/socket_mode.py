"""Slack's Socket Mode side, in-process: `apps.connections.open` hands out a websocket URL
on the stand-in, where envelopes are delivered and their acknowledgements collected.

Lets the tests run `stagecoach serve --socket`'s real handler and watchdog against
something that behaves like Slack, including a connection that drops.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from bot.slack_standin.records import JsonDict
from bot.slack_standin.standin import SlackStandIn


class SocketModeStandIn(SlackStandIn):
    """The Web API stand-in plus a Socket Mode endpoint."""

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)
        self.sockets: list[web.WebSocketResponse] = []
        self.connections_opened = 0
        self._acks: dict[str, asyncio.Future[JsonDict]] = {}
        self._connected = asyncio.Event()

    def _build_app(self) -> web.Application:
        app = super()._build_app()
        app.router.add_get("/link", self._on_link)
        return app

    def _run_api(self, method: str, args: JsonDict, token: str | None) -> JsonDict:
        if method == "apps.connections.open":  # called with the xapp- app-level token
            if not (token or "").startswith("xapp-"):
                return {"ok": False, "error": "invalid_auth"}
            self.connections_opened += 1
            return {"ok": True, "url": self.base_url.replace("http", "ws", 1) + "link"}
        return super()._run_api(method, args, token)

    async def _on_link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": len(self.sockets)})
        self._connected.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self._settle_ack(json.loads(message.data))
        if socket in self.sockets:
            self.sockets.remove(socket)
        return socket

    def _settle_ack(self, data: JsonDict) -> None:
        future = self._acks.pop(str(data.get("envelope_id")), None)
        if future is not None and not future.done():
            future.set_result(data)

    async def wait_connected(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def deliver(self, kind: str, payload: JsonDict, *, timeout: float = 5.0) -> JsonDict:
        """Send an envelope (slash_commands, interactive, events_api) and await its ack."""
        await self.wait_connected(timeout)
        envelope_id = secrets.token_hex(8)
        future: asyncio.Future[JsonDict] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = future
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self.sockets[-1].send_json(envelope)
        return await asyncio.wait_for(future, timeout)

    async def drop_connections(self) -> None:
        """Close every socket from Slack's side, as a network drop or a refresh would."""
        self._connected.clear()
        for socket in list(self.sockets):
            await socket.close()
        self.sockets.clear()

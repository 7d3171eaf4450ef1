"""The ways the Web API fails, as the stand-in can play them for the next call of a method.

Each fault is one shape a real failure takes on the wire: Slack's own JSON refusal, a
proxy's plain-text or HTML error page, a 429 with Retry-After, an answer that never comes
in time, a connection dropped mid-request. `performs` says whether the call takes effect
before the failure (the message lands in the channel, then the answer is lost): that is
what leaves the caller not knowing whether Slack acted.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass

from aiohttp import web

from bot.slack_standin.records import JsonDict

PLAIN_TEXT_BODY = (
    "upstream connect error or disconnect/reset before headers. reset reason: overflow"
)
HTML_BODY = (
    "<html><head><title>{status} Bad Gateway</title></head>"
    "<body><center><h1>{status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True, slots=True)
class JsonError:
    """Slack's own refusal, `{"ok": false, "error": …}`, with an HTTP status (429 carries
    Retry-After). Slack did nothing."""

    error: str
    status: int = 200
    retry_after: int | None = None
    performs: bool = False

    def recorded(self) -> JsonDict:
        return {"ok": False, "error": self.error}

    async def respond(self, request: web.Request) -> web.StreamResponse:
        headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        return web.json_response(self.recorded(), status=self.status, headers=headers)


@dataclass(frozen=True, slots=True)
class TextError:
    """What a proxy or load balancer in front of Slack answers: a 5xx with a text/plain
    (or, `html=True`, a text/html) page. With `performs`, Slack behind it had acted."""

    status: int = 500
    html: bool = False
    performs: bool = False

    def recorded(self) -> JsonDict:
        return {"ok": False, "error": f"{'html' if self.html else 'plain text'} {self.status}"}

    async def respond(self, request: web.Request) -> web.StreamResponse:
        if self.html:
            page = HTML_BODY.format(status=self.status)
            return web.Response(text=page, status=self.status, content_type="text/html")
        return web.Response(text=PLAIN_TEXT_BODY, status=self.status, content_type="text/plain")


@dataclass(frozen=True, slots=True)
class Hang:
    """No answer for `seconds` (longer than the client's timeout), then a 504 nobody reads."""

    seconds: float = 1.0
    performs: bool = False

    def recorded(self) -> JsonDict:
        return {"ok": False, "error": f"no answer for {self.seconds}s"}

    async def respond(self, request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(self.seconds)
        return web.Response(text="gateway timeout", status=504, content_type="text/plain")


@dataclass(frozen=True, slots=True)
class Reset:
    """The connection is reset mid-request: no status line, no body (a TCP RST)."""

    performs: bool = False

    def recorded(self) -> JsonDict:
        return {"ok": False, "error": "connection reset"}

    async def respond(self, request: web.Request) -> web.StreamResponse:
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:  # linger 0: close() sends RST, as a crashed peer does
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        raise asyncio.CancelledError  # aiohttp's own way out of a handler whose peer is gone


Fault = JsonError | TextError | Hang | Reset

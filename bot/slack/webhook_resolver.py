"""Where a webhook may connect: the sender's resolver drops loopback, private, link-local
and reserved addresses a receiver's name resolves to (docs/webhooks.md), so that a name
an admin registered cannot point the bot into its own network, even if its DNS changes
after the URL was checked. IP literals never reach a resolver: the sender checks those
against the same rule (bot.webhooks.endpoints.check_url) before it posts.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.webhooks.endpoints import is_public


class PublicOnlyResolver(AbstractResolver):
    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        kept = [one for one in found if is_public(ipaddress.ip_address(one["host"]))]
        if not kept:
            raise OSError(f"{host} resolves only to addresses webhooks may not reach")
        return kept

    async def close(self) -> None:
        await self._inner.close()

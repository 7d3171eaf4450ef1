"""A TCP forwarder on 127.0.0.1 in front of the database server, so a test can take the
database away the way a network partition or a server restart does: `cut()` drops every
open connection and refuses new ones; `restore()` listens on the same port again."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Self


class TcpProxy:
    def __init__(self, *, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0  # chosen by the OS on the first start, kept after
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    async def start(self) -> Self:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def cut(self) -> None:
        """Stop listening and abort every connection, now. Synchronous, so that it can run
        inside a database driver's hook, between two statements of one transaction."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def restore(self) -> None:
        await self.start()

    async def stop(self) -> None:
        self.cut()
        for pump in list(self._pumps):
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    async def _accept(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(
                self.target_host, self.target_port
            )
        except OSError:
            client_out.transport.abort()
            return
        if self._server is None:  # cut while connecting
            client_out.transport.abort()
            server_out.transport.abort()
            return
        self._writers |= {client_out, server_out}
        for source, sink in ((client_in, server_out), (server_in, client_out)):
            pump = asyncio.create_task(self._pump(source, sink))
            self._pumps.add(pump)
            pump.add_done_callback(self._pumps.discard)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        self._writers.discard(sink)
        sink.transport.abort()

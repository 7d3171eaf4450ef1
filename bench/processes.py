"""Starting, watching and stopping the benchmark's processes: `stagecoach serve`, the two
references and the Slack stand-in. Everything listens on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 30.0  # seconds a server may take to answer its first request


@dataclass(slots=True)
class Server:
    name: str
    process: asyncio.subprocess.Process
    base_url: str
    log: Path
    startup_s: float = 0.0


@dataclass(slots=True)
class SlackSide:
    """The stand-in process and the arrival times it reports, by deal id."""

    process: asyncio.subprocess.Process
    base_url: str
    waiting: dict[str, asyncio.Future[float]] = field(default_factory=dict)
    reader: asyncio.Task[None] | None = None

    @property
    def api_url(self) -> str:
        return f"{self.base_url}api/"

    def expect(self, deal_id: int) -> asyncio.Future[float]:
        """A future for the arrival time of the next Web API call about `deal_id`."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[str(deal_id)] = future
        return future


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """The process and its children (`serve --workers N` forks N)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(found for child in children for found in _tree(int(child)))]


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the peak resident set size of the process and its workers, added up, from
    the kernel (no psutil needed)."""
    peaks = [_peak_rss_mb(one) for one in _tree(pid)]
    known = [peak for peak in peaks if peak is not None]
    return sum(known) if known else None


def _peak_rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process and its workers (all their threads) have used
    so far.

    Per-request CPU is the cost measure that other work on the machine barely disturbs,
    unlike latency: the benchmark reports it beside the times."""
    total = None
    for one in _tree(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total = (total or 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def start_slack_side(logs: Path) -> SlackSide:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.slack_side",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=(logs / "slack_side.log").open("wb"),
    )
    assert process.stdout is not None
    first = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
    if not first.startswith(b"ready "):
        raise RuntimeError(f"the stand-in did not start; see {logs / 'slack_side.log'}")
    side = SlackSide(process=process, base_url=first.split()[1].decode())
    side.reader = asyncio.create_task(_read_arrivals(side))
    return side


async def _read_arrivals(side: SlackSide) -> None:
    assert side.process.stdout is not None
    async for line in side.process.stdout:
        _method, deal_id, arrived = line.decode().split()
        future = side.waiting.pop(deal_id, None)
        if future is not None and not future.done():
            future.set_result(float(arrived))


async def start_serve(
    env: dict[str, str], *, port: int, logs: Path, name: str, workers: int = 1
) -> Server:
    """`stagecoach serve` as an operator starts it; start-up runs until /healthz says 200."""
    cli = Path(sys.executable).with_name("stagecoach")
    started = time.monotonic()
    command = [str(cli), "serve", "--host", HOST, "--workers", str(workers)]
    process = await _spawn(command, env, logs / f"{name}.log")
    server = Server(name, process, f"http://{HOST}:{port}", logs / f"{name}.log")
    await _wait_until(server, lambda status: status == 200, path="/healthz")
    server.startup_s = time.monotonic() - started
    return server


async def start_reference(kind: str, env: dict[str, str], *, port: int, logs: Path) -> Server:
    command = [sys.executable, "-m", "bench.references", kind, "--port", str(port)]
    started = time.monotonic()
    process = await _spawn(command, env, logs / f"{kind}.log")
    server = Server(kind, process, f"http://{HOST}:{port}", logs / f"{kind}.log")
    await _wait_until(server, lambda status: True, path="/slack/events")  # any answer: it is up
    server.startup_s = time.monotonic() - started
    return server


async def _spawn(command: list[str], env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


async def _wait_until(server: Server, ok: Callable[[int], bool], *, path: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if server.process.returncode is not None:
                break
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(server.base_url + path) as response:
                    if ok(response.status):
                        return
            await asyncio.sleep(0.005)
    await stop(server.process)
    raise RuntimeError(f"{server.name} did not become ready; see {server.log}")


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()

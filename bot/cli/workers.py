"""`stagecoach serve --workers N`: N processes answering on one port (docs/deploying.md).

The parent binds one listening socket per worker on the same port (SO_REUSEPORT), then
forks the workers; each accepts from its own. The kernel spreads new connections evenly
across the sockets. With one shared socket, the first worker to wake accepted a whole
burst of connections, and Slack's keep-alive connections then stayed with it: one worker
did most of the work while the other idled. The parent keeps every socket open, so a
worker that dies leaves its queued connections to the worker started in its place, and
nothing is refused meanwhile. Each worker opens its own database pools and Web API session
and runs its own scheduler: digests and nudges are claimed through the database, so each
is posted once (bot.digests.claims). The parent only watches: SIGTERM or SIGINT is passed
on to every worker, each drains (bot.slack.shutdown), and the parent exits when they all
have. A worker that dies on its own is started again, unless it died young (then
something is wrong with the set-up, and everything stops).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

from bot.core.boot import StartupError
from bot.slack import metrics

log = logging.getLogger("stagecoach")
BACKLOG = 1024  # connections the kernel queues before a worker accepts them
YOUNG_S = 5.0  # a worker that exits sooner than this after its start is not restarted
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


MOST_WORKERS = 8  # the default's ceiling: each worker holds its own pools and scheduler
CPU_LIMIT = Path("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"


def cores() -> int:
    """The CPU cores this process may use: the ones it may run on, within a container's
    CPU quota (Docker's --cpus, Kubernetes' limits.cpu), which affinity does not show."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    quota = cpu_quota(CPU_LIMIT)
    return max(1, min(usable, quota)) if quota is not None else usable


def cpu_quota(limit: Path) -> int | None:
    """Whole cores a cgroup v2 quota allows (rounded up); None without a quota."""
    try:
        quota, period = limit.read_text(encoding="ascii").split()[:2]
        return None if quota == "max" else max(1, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        return None


def listening_socket(host: str, port: int, *, shared_port: bool = False) -> socket.socket:
    """A bound, listening, non-blocking TCP socket; a one-line StartupError when the
    address cannot be used (a port already taken is the usual reason). `shared_port`
    lets further sockets of this user listen on the same port (SO_REUSEPORT)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise StartupError(
            f"cannot listen on {host}:{port} ({exc.strerror}); is another server using "
            f"port {port}? Stop it or set PORT to a free port"
        ) from exc
    sock.setblocking(False)
    return sock


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """One listening socket per worker, all on one port (port 0: the first one's)."""
    if count == 1 or not hasattr(socket, "SO_REUSEPORT"):
        return [listening_socket(host, port)] * count  # not on Linux: one shared queue
    port = _free_port(host, port)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(listening_socket(host, port, shared_port=True))
    except StartupError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _free_port(host: str, port: int) -> int:
    """The port, checked free by a bind without SO_REUSEPORT: with it, a second server of
    the same user would share the port without a word, and Slack's requests would be split
    between the two. Port 0 picks a free one."""
    probe = listening_socket(host, port)  # refuses a port someone listens on, in one line
    try:
        return int(probe.getsockname()[1])
    finally:
        probe.close()


class Supervisor:
    """Starts `count` workers running `serve_one` and watches them until they are done."""

    def __init__(
        self, serve_one: Callable[[socket.socket], int], listeners: list[socket.socket]
    ) -> None:
        self.count = len(listeners)
        self.serve_one = serve_one
        self.listeners = listeners  # slot → its socket, kept open across restarts
        self.stopping = False
        self.workers: dict[int, tuple[BaseProcess, float]] = {}  # slot → process, start
        self.failed = False
        self._context = multiprocessing.get_context("fork")

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        metrics.forget_earlier_processes()
        for slot in range(self.count):
            self._start(slot)
        pids = ", ".join(str(process.pid) for process, _ in self.workers.values())
        log.info("stagecoach: %d workers (pids %s), parent pid %d", self.count, pids, os.getpid())
        while self.workers:
            wait([process.sentinel for process, _ in self.workers.values()], timeout=1.0)
            for slot, (process, started) in list(self.workers.items()):
                if process.exitcode is not None:
                    del self.workers[slot]
                    self._exited(slot, process, started)
        for listener in set(self.listeners):
            listener.close()
        return 1 if self.failed else 0

    def _start(self, slot: int) -> None:
        # Signals wait until the worker has put its own handlers in place: one arriving in
        # between would run this parent's handler in the worker.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            process = self._context.Process(
                target=_worker,
                args=(self.serve_one, self.listeners, slot),
                name=f"stagecoach worker {slot + 1}",
            )
            process.start()
            # recorded before a pending SIGTERM is let in: the handler must see it to stop it
            self.workers[slot] = (process, time.monotonic())
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _exited(self, slot: int, process: BaseProcess, started: float) -> None:
        code = process.exitcode
        if process.pid is not None:
            metrics.process_exited(process.pid)  # its live gauges stop counting (multiprocess)
        if self.stopping:
            self.failed |= code != 0
            return
        lived = time.monotonic() - started
        if lived < YOUNG_S:
            log.error(
                "worker %s exited with %s %.1fs after its start; stopping", process.pid, code, lived
            )
            self.failed = True
            self._stop_all()
            return
        log.error("worker %s exited with %s; starting another", process.pid, code)
        self._start(slot)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if not self.stopping:
            log.info("stagecoach: %s: stopping the workers", signal.Signals(signum).name)
        self._stop_all()

    def _stop_all(self) -> None:
        self.stopping = True
        for process, _started in self.workers.values():
            if process.pid is not None and process.exitcode is None:
                os.kill(process.pid, signal.SIGTERM)


def _worker(
    serve_one: Callable[[socket.socket], int], listeners: list[socket.socket], slot: int
) -> None:
    mine = listeners[slot]
    for other in set(listeners) - {mine}:
        other.close()  # the parent keeps them for their own slots' workers
    # Until serve_one's event loop puts its own handlers in place (it drains), a stop
    # signal ends the worker cleanly: it has served nothing yet.
    for signum in STOP_SIGNALS:
        signal.signal(signum, _exit_cleanly)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    sys.exit(serve_one(mine))


def _exit_cleanly(_signum: int, _frame: FrameType | None) -> None:
    sys.exit(0)

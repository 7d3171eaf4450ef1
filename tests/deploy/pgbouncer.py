"""A PgBouncer of a test's own, in transaction pooling mode, in front of the test
PostgreSQL server: Debian's `pgbouncer` on a free loopback port, stopped afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.resilience.replicas import free_port

INSTALL_HINT = "pgbouncer is not installed (Debian: apt-get install pgbouncer; .ci/run does)"
SERVER_CONNECTIONS = 2  # per database and user: far fewer than the app's clients


def _config(server_url: str, port: int, folder: Path) -> Path:
    server = make_url(server_url)
    user = server.username or "postgres"
    password = f" password={server.password}" if server.password else ""
    (folder / "users.txt").write_text(f'"{user}" ""\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"* = host={server.host or '127.0.0.1'} port={server.port or 5432} user={user}{password}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {SERVER_CONNECTIONS}\n"
        "max_client_conn = 500\n"
    )
    for path in (folder, *folder.iterdir()):  # readable by the user it runs as
        path.chmod(0o755 if path.is_dir() else 0o644)
    return ini


def _run_as() -> list[str]:
    """PgBouncer refuses to run as root: then it runs as postgres (or nobody)."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return ["-u", pwd.getpwnam(name).pw_name]
    return []


@contextlib.asynccontextmanager
async def pgbouncer(server_url: str, log: Path) -> AsyncIterator[int]:
    """Its port, once it accepts connections."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="pgbouncer-") as folder:
        ini = _config(server_url, port, Path(folder))
        process = await asyncio.create_subprocess_exec(
            binary, *_run_as(), str(ini), stdout=log.open("wb"), stderr=asyncio.subprocess.STDOUT
        )
        try:
            await _accepting(port, process, log)
            yield port
        finally:
            if process.returncode is None:
                process.terminate()
                await process.wait()


async def _accepting(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    for _ in range(100):
        if process.returncode is not None:
            break
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise AssertionError(f"pgbouncer did not start:\n{log.read_text(errors='replace')}")


def installed() -> bool:
    return shutil.which("pgbouncer") is not None or Path("/usr/sbin/pgbouncer").exists()

"""The shell on a fresh SQLite file per test, through the same start-up as `stagecoach shell`
(a pytest plugin, registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.shell.session import ShellSession
from bot.shell.startup import open_shell

Env = dict[str, str]


@pytest.fixture
def shell_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    """The environment `stagecoach shell` and `say` read, set for this test only."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'stagecoach.db'}",
        "STAGECOACH_HISTORY": str(tmp_path / "history"),
        "STAGECOACH_LOG": str(tmp_path / "shell.log"),
    }
    for name in ("STAGECOACH_MAP", "STAGECOACH_ADMINS", "STAGECOACH_SCREEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
async def session(shell_env: Env) -> AsyncIterator[ShellSession]:
    async with open_shell(shell_env) as running:
        yield running

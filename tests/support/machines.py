"""A base for hypothesis state machines that play people against a real database: each run
has its own event loop and a fresh database (fixtures cannot follow every example)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import pytest
from hypothesis.stateful import RuleBasedStateMachine

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from tests.conftest import close_services, open_services

T = TypeVar("T")


class DatabaseMachine(RuleBasedStateMachine):
    """Set `backend` and `tmp` on the class before running it."""

    backend: str
    tmp: pytest.TempPathFactory

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.services: Services | None = None

    def run(self, work: Awaitable[T]) -> T:
        return self.loop.run_until_complete(work)

    def open(self, catalog: MapCatalog, *, admins: frozenset[str] = frozenset()) -> Services:
        self.services = self.run(open_services(self.backend, self.tmp, catalog, admins=admins))
        return self.services

    def teardown(self) -> None:
        if self.services is not None:
            self.run(close_services(self.services))
        self.loop.close()

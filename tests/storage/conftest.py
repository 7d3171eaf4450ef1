"""A database without tables, for the migration tests (the `database`, `services`, `clock`
and `catalog` fixtures come from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from tests.conftest import BACKENDS, drop_database, fresh_database


@pytest.fixture(params=BACKENDS)
async def empty_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    """A database with no tables at all, as a new deployment finds it."""
    db = await fresh_database(request.param, tmp_path_factory)
    yield db
    await drop_database(db)

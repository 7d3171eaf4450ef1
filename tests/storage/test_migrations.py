"""The migrations build exactly the schema storage/models.py declares, so the two cannot
drift; an empty database is upgraded once on first start and left alone after that."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from storage import migrate
from storage.database import Database
from storage.rollup_triggers import TRIGGER_INDEXES


async def schema_differences(db: Database) -> list[Any]:
    """What autogenerate would put in a new revision (empty: models and database agree)."""

    def compare(connection: Connection) -> list[Any]:
        opts = {"compare_type": True, "include_object": _declared_by_models}
        context = MigrationContext.configure(connection, opts=opts)
        return list(compare_metadata(context, SQLModel.metadata))

    async with db.engine.connect() as connection:
        return await connection.run_sync(compare)


def _declared_by_models(_object: Any, name: str | None, kind: str, *_args: Any) -> bool:
    """Leaves out the indexes storage makes with its triggers, one per database, which the
    models cannot declare (storage.rollup_triggers.TRIGGER_INDEXES)."""
    return not (kind == "index" and name in TRIGGER_INDEXES)


async def table_names(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgraded_database_matches_the_models(empty_database: Database) -> None:
    await migrate.upgrade(empty_database)

    assert await schema_differences(empty_database) == []
    assert await migrate.current_revision(empty_database) == migrate.head_revision()


async def test_the_comparison_sees_a_missing_schema(empty_database: Database) -> None:
    # Guards the test above: on a database without tables the same comparison reports
    # every table, so an empty list there means the schemas agree, not that nothing ran.
    differences = await schema_differences(empty_database)

    added = {diff[1].name for diff in differences if diff[0] == "add_table"}
    assert added == set(SQLModel.metadata.tables)


async def test_ensure_schema_upgrades_an_empty_database_once(empty_database: Database) -> None:
    assert await migrate.current_revision(empty_database) is None

    assert await migrate.ensure_schema(empty_database) is True
    assert await migrate.current_revision(empty_database) == migrate.head_revision()
    assert set(SQLModel.metadata.tables) <= await table_names(empty_database)

    assert await migrate.ensure_schema(empty_database) is False
    assert await migrate.current_revision(empty_database) == migrate.head_revision()


async def test_there_is_one_head() -> None:
    # Two heads (two branches from one revision) make `upgrade head` fail on start.
    script = migrate.ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1

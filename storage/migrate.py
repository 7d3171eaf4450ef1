"""Schema migrations: Alembic, configured in code, run over the app's async engine.

`stagecoach db upgrade` and first start of an empty database call `upgrade()`.
Developers generate a revision after changing storage/models.py with
`python -m storage.migrate revision "what changed"` (autogenerate against a scratch SQLite).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from storage.database import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    """The newest revision(s); more than one only while parallel work is being merged."""
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def head_revision() -> str | None:
    heads = head_revisions()
    return ",".join(sorted(heads)) if heads else None


async def current_revisions(db: Database) -> set[str]:
    async with db.write_engine.connect() as connection:
        return set(
            await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_heads()
            )
        )


async def current_revision(db: Database) -> str | None:
    current = await current_revisions(db)
    return ",".join(sorted(current)) if current else None


async def upgrade(db: Database, revision: str = "heads") -> None:
    async with db.write_engine.begin() as connection:
        await connection.run_sync(_run, "upgrade", revision)


# Any fixed number: the key of the PostgreSQL advisory lock every replica takes to migrate.
MIGRATION_LOCK = 0x5374616765


async def ensure_schema(db: Database) -> bool:
    """Upgrade to head when the database is behind (an empty one included); True if it ran.

    Replicas starting together on an empty database would each run the migrations, and
    all but one fail ("duplicate key … pg_type_typname_nsp_index" creating alembic_version)
    and exit. They take turns instead (an advisory lock on PostgreSQL, the write lock of
    `BEGIN IMMEDIATE` on SQLite) and look again once it is theirs."""
    if await current_revisions(db) == head_revisions():
        return False
    async with db.write_engine.begin() as connection:
        if not db.is_sqlite:
            await connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        current = await connection.run_sync(
            lambda sync: set(MigrationContext.configure(sync).get_current_heads())
        )
        if current == head_revisions():
            return False  # another replica migrated while this one waited
        await connection.run_sync(_run, "upgrade", "heads")
    return True


def _run(connection: Connection, action: str, *args: Any) -> None:
    getattr(command, action)(alembic_config(connection), *args)


async def _autogenerate(message: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite:///{scratch}/scratch.db")
        await upgrade(db)
        async with db.write_engine.begin() as connection:
            await connection.run_sync(_run, "revision", message, True)
        await db.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m storage.migrate revision "what changed"')
    asyncio.run(_autogenerate(sys.argv[2]))

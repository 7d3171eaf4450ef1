"""DATABASE_URL as people write it, turned into the async driver URL the engine needs."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SQLITE_FILE = "stagecoach.db"

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
}


class DatabaseUrlError(ValueError):
    """DATABASE_URL is not one of the forms stagecoach understands."""


def default_url(cwd: Path | None = None) -> str:
    return f"sqlite:///{(cwd or Path.cwd()) / DEFAULT_SQLITE_FILE}"


def async_url(raw: str) -> URL:
    """`sqlite:///file.db` → `sqlite+aiosqlite:///file.db`; `postgresql://…` → `+asyncpg`."""
    try:
        url = make_url(raw.strip())
    except ArgumentError as exc:
        raise DatabaseUrlError(_usage(raw)) from exc
    driver = _ASYNC_DRIVERS.get(url.drivername)
    if driver is None:
        raise DatabaseUrlError(_usage(raw))
    return url.set(drivername=driver)


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _usage(raw: str) -> str:
    return (
        f"DATABASE_URL={_without_password(raw)!r} is not a database URL stagecoach can use; "
        "use sqlite:///path/to/file.db or postgresql://user:password@host:5432/dbname"
    )


def _without_password(raw: str) -> str:
    # The message ends up on stderr and in logs: never echo a password.
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", raw.strip())

"""PostgreSQL behind PgBouncer in transaction pooling mode: `?pgbouncer=true` at the end of
DATABASE_URL (Prisma's spelling of the same switch). docs/deploying.md has the settings.

In transaction mode PgBouncer hands the client a server connection for one transaction at
a time, so nothing may outlive a transaction on the server. asyncpg prepares every
statement by name and, by default, keeps it for reuse on its connection: behind PgBouncer
the next use may reach another server, where the name is unknown or means another
statement. So, behind it:

- asyncpg keeps no statement cache (`statement_cache_size=0`), nor does SQLAlchemy's
  dialect (`prepared_statement_cache_size=0`), and each statement gets a name of its own
  (`prepared_statement_name_func`): two clients sharing a server never collide;
- reads run inside a transaction, not in autocommit: a statement is prepared and executed
  in two round trips, which only a transaction keeps on one server connection;
- no session settings at connect time (PgBouncer refuses a `search_path` start-up
  parameter): put one on the role or database (`ALTER ROLE … SET search_path`).

PgBouncer 1.21 and later can keep prepared statements itself (`max_prepared_statements`);
these settings work with that too, and with the 1.18 Debian 12 ships.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import URL

from storage.urls import DatabaseUrlError

PARAMETER = "pgbouncer"
_YES, _NO = ("true", "1", "yes"), ("false", "0", "no")


def behind_pgbouncer(url: URL) -> tuple[URL, bool]:
    """The URL without `pgbouncer=…` (asyncpg would take it for a server setting), and
    whether it said true."""
    raw = url.query.get(PARAMETER)
    if raw is None:
        return url, False
    if not isinstance(raw, str) or raw.lower() not in _YES + _NO:
        raise DatabaseUrlError(
            f"DATABASE_URL has pgbouncer={raw!r}; write pgbouncer=true (behind PgBouncer in "
            "transaction pooling mode) or leave it out"
        )
    return url.difference_update_query([PARAMETER]), raw.lower() in _YES


def connect_args(*, pgbouncer: bool, schema: str | None) -> dict[str, Any]:
    """asyncpg's connection arguments (through SQLAlchemy's dialect)."""
    if pgbouncer:
        if schema:
            raise DatabaseUrlError(
                "a schema cannot be set per connection behind PgBouncer; set the role's "
                "search_path instead"
            )
        return {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": _unique_name,
        }
    return {"server_settings": {"search_path": schema}} if schema else {}


def _unique_name() -> str:
    return f"__asyncpg_{uuid.uuid4().hex}__"

"""The triggers that keep each counted deal's first response (`kpi_response_item`) and its
buckets (`kpi_response_bucket`), which all-time first response reads instead of looking
up every deal's first reply (docs/kpis.md, "All time: running totals").

A deal's first response is its first event other than its creation or a migration, in
record order (storage.kpi_events.first_response). The item keeps that event's id, so a
trigger knows when an event changes it: one written with a smaller id (an import writing
a deal's history out of order), or the very event deleted (a re-import). Then the item
is redone from the deal's events, a look-up of a few rows of ix_deal_event_deal; every
other event costs two look-ups by key and changes nothing. An item added or removed moves
its bucket; a deal that changes hands, map, practice flag or creation time is redone by
the deal's own trigger (storage.rollup_triggers).
"""

from __future__ import annotations

from storage.rollup_sql import ONE_DEAL, REACH, bucket

_RESPONDS = "{e}.deal_id IS NOT NULL AND {e}.kind NOT IN ('created', 'migrated')"
# Hours from `start` to `end`, computed as the history's query computes them (days, as
# storage.sql_time writes them, times 24), so both give the same float.
_HOURS = {
    "sqlite": "((julianday({end}) - julianday({start})) * 24.0)",
    "postgresql": "((date_part('epoch', {end} - {start}) / 86400.0) * 24.0)",
}

_COLUMNS = "(deal_id, team_id, map_id, owner_id, event_id, hours, bucket)"


def _first(deal_id: str) -> str:
    """The id of the deal's first response, in record order (NULL: none yet)."""
    return (
        f"(SELECT f.id FROM deal_event AS f WHERE f.deal_id = {deal_id} "
        "AND f.kind NOT IN ('created', 'migrated') ORDER BY f.id LIMIT 1)"
    )


def _insert(dialect: str, deals: str, where: str) -> str:
    """Insert the items of the deals `deals` (a FROM clause naming each deal `d`) that have
    a response and no item yet, where `where` holds."""
    hours = _HOURS[dialect].format(start="d.created_at", end="r.at")
    found = (
        f"SELECT d.id, d.team_id, d.map_id, d.owner_id, r.id AS event_id, {hours} AS hours "
        f"FROM {deals} JOIN deal_event AS r ON r.id = {_first('d.id')} WHERE {where} "
        "AND NOT EXISTS (SELECT 1 FROM kpi_response_item AS i WHERE i.deal_id = d.id)"
    )
    return (
        f"INSERT INTO kpi_response_item {_COLUMNS} SELECT x.id, x.team_id, x.map_id, "
        f"x.owner_id, x.event_id, x.hours, {bucket(dialect, 'x.hours')} FROM ({found}) AS x"
    )


def deal_redone(deal: str, dialect: str) -> list[str]:
    """A deal changed (as `deal`, NEW): its item, redone as it now is."""
    return [
        f"DELETE FROM kpi_response_item WHERE deal_id = {deal}.id",
        _insert(dialect, "deal AS d", f"d.id = {deal}.id AND NOT d.is_practice"),
    ]


def batch_responses(dialect: str) -> str:
    """The items of the deals with ids in [:low, :high), for storage.rollup_backfill."""
    kept = "d.id >= CAST(:low AS BIGINT) AND d.id < CAST(:high AS BIGINT) AND NOT d.is_practice"
    return _insert(dialect, "deal AS d", kept)


def _bucket_change(row: str, sign: str) -> str:
    return (
        "INSERT INTO kpi_response_bucket (team_id, map_id, owner_id, bucket, n, total) "
        f"VALUES ({row}.team_id, {row}.map_id, {row}.owner_id, {row}.bucket, {sign}1, "
        f"{sign}{row}.hours) ON CONFLICT (team_id, map_id, owner_id, bucket) DO UPDATE "
        "SET n = kpi_response_bucket.n + excluded.n, "
        "total = kpi_response_bucket.total + excluded.total"
    )


def sqlite_statements() -> list[str]:
    counted = f"NOT d.is_practice AND d.id < {REACH}"
    found = []
    for name, op, row, later in (
        ("added", "INSERT", "NEW", ">"),
        ("removed", "DELETE", "OLD", "="),
    ):
        redo = _insert("sqlite", "deal AS d", f"d.id = {row}.deal_id AND {counted}")
        found.append(
            f"CREATE TRIGGER IF NOT EXISTS kpi_response_{name} AFTER {op} ON deal_event "
            f"WHEN {_RESPONDS.format(e=row)} BEGIN DELETE FROM kpi_response_item "
            f"WHERE deal_id = {row}.deal_id AND event_id {later} {row}.id; {redo}; END"
        )
    for name, op, row, sign in (("added", "INSERT", "NEW", ""), ("removed", "DELETE", "OLD", "-")):
        found.append(
            f"CREATE TRIGGER IF NOT EXISTS kpi_response_item_{name} AFTER {op} "
            f"ON kpi_response_item BEGIN {_bucket_change(row, sign)}; END"
        )
    return found


def _pg_functions() -> list[str]:
    responding = (
        f"(SELECT DISTINCT deal_id FROM changed WHERE {_RESPONDS.format(e='changed')}) AS c"
    )
    deals = f"{responding} CROSS JOIN LATERAL {ONE_DEAL.format(e='c')}"
    earliest = (
        "(SELECT deal_id, min(id) AS id FROM changed "
        f"WHERE {_RESPONDS.format(e='changed')} GROUP BY deal_id) AS c"
    )
    events = f"""
CREATE OR REPLACE FUNCTION kpi_response_events_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    DELETE FROM kpi_response_item AS i USING {earliest}
    WHERE i.deal_id = c.deal_id AND i.event_id > c.id;
  ELSE
    DELETE FROM kpi_response_item AS i USING changed AS c
    WHERE i.deal_id = c.deal_id AND i.event_id = c.id;
  END IF;
  {_insert("postgresql", deals, f"NOT d.is_practice AND d.id < {REACH}")} ORDER BY x.id;
  RETURN NULL;
END $$"""
    items = f"""
CREATE OR REPLACE FUNCTION kpi_response_item_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {_bucket_change("NEW", "")}; ELSE {_bucket_change("OLD", "-")}; END IF;
  RETURN NULL;
END $$"""
    return [events, items]


def postgresql_statements() -> list[str]:
    return [
        *_pg_functions(),
        "DROP TRIGGER IF EXISTS kpi_response_events_added ON deal_event",
        "CREATE TRIGGER kpi_response_events_added AFTER INSERT ON deal_event "
        "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION kpi_response_events_changed()",
        "DROP TRIGGER IF EXISTS kpi_response_events_removed ON deal_event",
        "CREATE TRIGGER kpi_response_events_removed AFTER DELETE ON deal_event "
        "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION kpi_response_events_changed()",
        "DROP TRIGGER IF EXISTS kpi_response_item_changed ON kpi_response_item",
        "CREATE TRIGGER kpi_response_item_changed AFTER INSERT OR DELETE ON kpi_response_item "
        "FOR EACH ROW EXECUTE FUNCTION kpi_response_item_changed()",
    ]

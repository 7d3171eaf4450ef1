"""The triggers that keep the all-time totals (storage.rollup_models) in step with the
history, one set per database, and the counted totals' unique index, which differs per
database (docs/kpis.md, "All time: running totals").

Why triggers: the totals must change in the same transaction as the events they count,
on every path that writes events (a move, an import, a re-import that deletes a deal's
events, a workspace deleted, a test's or benchmark's own INSERT), and when a deal changes
hands. In the database, no writer can forget them.

- SQLite: one trigger per row and kind of change; a row costs an upsert of one total.
- PostgreSQL: one trigger per statement over its transition table, so an import's batch
  of thousands of events is one grouped upsert, in key order (two writers lock totals in
  the same order); the deal's own trigger runs per changed row.

A deal counts while it is not a practice deal and its id is below the totals' reach
(`kpi_rollup_state.next_deal_id`, storage.rollup_backfill). Revision 0025 installs the
same statements (its own copy); `install_on` adds them to `create_all` for new databases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection

from storage import rollup_responses
from storage.rollup_models import ALL_DEALS, MATRIX
from storage.rollup_sql import ONE_DEAL, REACH, bucket

_STAY = (
    "{e}.stay_started_at IS NOT NULL AND {e}.from_stage IS NOT NULL AND {e}.to_stage IS NOT NULL"
)
_CREATION = "{e}.kind = 'created' AND {e}.to_stage IS NOT NULL"
_MOVES_KEY = "(team_id, map_id, owner_id, from_stage, to_stage)"
# the counted events (storage.kpi_events.event_counts): losses, objections, overrides and
# reopens, each with what it is, its key and its stage, as that query groups them
_COUNTED = (
    "{e}.deal_id IS NOT NULL AND {e}.kind IN ('branched', 'objection', 'overridden', "
    "'reopened') AND ({e}.kind <> 'branched' OR {e}.action = 'lose')"
)
_WHAT = "CASE WHEN {e}.kind = 'branched' THEN 'lose' ELSE {e}.kind END"
_KEY = (
    "CASE WHEN {e}.kind = 'branched' THEN coalesce({e}.value, {e}.reason) "
    "WHEN {e}.kind = 'objection' THEN {e}.value END"
)
_STAGE = "CASE WHEN {e}.kind = 'reopened' THEN {e}.to_stage ELSE {e}.from_stage END"
# a counted total's identity: NULL-safe, and on PostgreSQL with the key hashed (a free-text
# reason may be longer than a B-tree entry may be)
_COUNTED_KEY = {
    "sqlite": "(team_id, map_id, owner_id, what, coalesce(stage, ''), coalesce(key, ''))",
    "postgresql": "(team_id, map_id, owner_id, what, coalesce(stage, ''), md5(coalesce(key, '')))",
}


def counted_columns(e: str) -> str:
    """What a counted event of the table aliased `e` is, its stage and its key."""
    return f"{_WHAT.format(e=e)}, {_STAGE.format(e=e)}, {_KEY.format(e=e)}"


def counted_condition(e: str) -> str:
    return _COUNTED.format(e=e)


def stay_condition(e: str) -> str:
    """The events (of the table aliased `e`) the matrix counts as a move ending a stay."""
    return _STAY.format(e=e)


def creation_condition(e: str) -> str:
    """The events the matrix counts as a deal created in a stage."""
    return _CREATION.format(e=e)


# made with the triggers, differently per database, so not declared on the models
TRIGGER_INDEXES = frozenset({"uq_kpi_counted_total"})


def counted_key(dialect: str) -> str:
    """The conflict target of an upsert into kpi_counted_total."""
    return _COUNTED_KEY[dialect]


def counted_index(dialect: str) -> str:
    return (
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_kpi_counted_total ON kpi_counted_total "
        f"{_COUNTED_KEY[dialect]}"
    )


_CREATED_KEY = "(team_id, map_id, owner_id, stage)"


def _sqlite_event_trigger(name: str, when: str, row: str, sign: int, total: str) -> str:
    """A row trigger on deal_event adding `sign` times the row's share to one total."""
    op = "INSERT" if row == "NEW" else "DELETE"
    if total == "moves":
        insert = (
            "INSERT INTO kpi_move_total (team_id, map_id, owner_id, from_stage, to_stage, "
            f"moves, migrated) SELECT d.team_id, d.map_id, d.owner_id, {row}.from_stage, "
            f"{row}.to_stage, {sign}, {sign} * ({row}.kind = 'migrated')"
        )
        update = "moves = moves + excluded.moves, migrated = migrated + excluded.migrated"
        key = _MOVES_KEY
    elif total == "created":
        insert = (
            "INSERT INTO kpi_created_total (team_id, map_id, owner_id, stage, created) "
            f"SELECT d.team_id, d.map_id, d.owner_id, {row}.to_stage, {sign}"
        )
        update, key = "created = created + excluded.created", _CREATED_KEY
    else:
        insert = (
            "INSERT INTO kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) "
            f"SELECT d.team_id, d.map_id, d.owner_id, {counted_columns(row)}, {sign}"
        )
        update, key = "n = n + excluded.n", _COUNTED_KEY["sqlite"]
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {op} ON deal_event "
        f"WHEN {when.format(e=row)} BEGIN {insert} FROM deal AS d "
        f"WHERE d.id = {row}.deal_id AND NOT d.is_practice AND d.id < {REACH} "
        f"ON CONFLICT {key} DO UPDATE SET {update}; END"
    )


def _deal_share(deal: str, sign: str, dialect: str) -> list[str]:
    """Upserts adding `sign` times the share of the deal as `deal` (OLD or NEW) was."""
    counted = counted_columns("e")
    return [
        "INSERT INTO kpi_move_total (team_id, map_id, owner_id, from_stage, to_stage, moves, "
        f"migrated) SELECT {deal}.team_id, {deal}.map_id, {deal}.owner_id, e.from_stage, "
        f"e.to_stage, {sign} count(*), {sign} sum(CASE WHEN e.kind = 'migrated' THEN 1 "
        f"ELSE 0 END) FROM deal_event AS e WHERE e.deal_id = {deal}.id AND {_STAY.format(e='e')} "
        f"AND NOT {deal}.is_practice GROUP BY e.from_stage, e.to_stage "
        f"ORDER BY e.from_stage, e.to_stage ON CONFLICT {_MOVES_KEY} DO UPDATE SET "
        "moves = kpi_move_total.moves + excluded.moves, "
        "migrated = kpi_move_total.migrated + excluded.migrated",
        "INSERT INTO kpi_created_total (team_id, map_id, owner_id, stage, created) "
        f"SELECT {deal}.team_id, {deal}.map_id, {deal}.owner_id, e.to_stage, {sign} count(*) "
        f"FROM deal_event AS e WHERE e.deal_id = {deal}.id AND {_CREATION.format(e='e')} "
        f"AND NOT {deal}.is_practice GROUP BY e.to_stage ORDER BY e.to_stage "
        f"ON CONFLICT {_CREATED_KEY} DO UPDATE SET "
        "created = kpi_created_total.created + excluded.created",
        "INSERT INTO kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) "
        f"SELECT {deal}.team_id, {deal}.map_id, {deal}.owner_id, {counted}, {sign} count(*) "
        f"FROM deal_event AS e WHERE e.deal_id = {deal}.id AND {_COUNTED.format(e='e')} "
        f"AND NOT {deal}.is_practice GROUP BY {counted} "
        f"ON CONFLICT {_COUNTED_KEY[dialect]} DO UPDATE SET n = kpi_counted_total.n + excluded.n",
    ]


# what a deal's totals are keyed or measured by (created_at: its first response's hours)
_DEAL_CHANGED = (
    "(OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.map_id IS DISTINCT FROM NEW.map_id "
    "OR OLD.is_practice IS DISTINCT FROM NEW.is_practice "
    "OR OLD.team_id IS DISTINCT FROM NEW.team_id "
    "OR OLD.created_at IS DISTINCT FROM NEW.created_at)"
)
_DEAL_COLUMNS = "owner_id, map_id, is_practice, team_id, created_at"


def sqlite_statements() -> list[str]:
    shares = (
        *_deal_share("OLD", "-", "sqlite"),
        *_deal_share("NEW", "", "sqlite"),
        *_deal_items("NEW", "sqlite"),
        *rollup_responses.deal_redone("NEW", "sqlite"),
    )
    moved = " ".join(f"{s};" for s in shares)
    return [
        counted_index("sqlite"),
        _sqlite_event_trigger("kpi_matrix_stay_added", _STAY, "NEW", 1, "moves"),
        _sqlite_event_trigger("kpi_matrix_stay_removed", _STAY, "OLD", -1, "moves"),
        _sqlite_event_trigger("kpi_matrix_created_added", _CREATION, "NEW", 1, "created"),
        _sqlite_event_trigger("kpi_matrix_created_removed", _CREATION, "OLD", -1, "created"),
        _sqlite_event_trigger("kpi_counted_added", _COUNTED, "NEW", 1, "counted"),
        _sqlite_event_trigger("kpi_counted_removed", _COUNTED, "OLD", -1, "counted"),
        *_sqlite_stay_triggers(),
        *rollup_responses.sqlite_statements(),
        f"CREATE TRIGGER IF NOT EXISTS kpi_matrix_deal_changed AFTER UPDATE OF {_DEAL_COLUMNS} "
        f"ON deal WHEN {_DEAL_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
        f"AND NEW.id < {REACH} BEGIN {moved} END",
    ]


def _pg_events_function() -> str:
    """One function for both statement triggers: `changed` is the inserted rows (sign 1)
    or the deleted ones (sign -1)."""
    kept = f"NOT d.is_practice AND d.id < {REACH}"
    return f"""
CREATE OR REPLACE FUNCTION kpi_matrix_events_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE sign integer := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
BEGIN
  INSERT INTO kpi_move_total AS t (team_id, map_id, owner_id, from_stage, to_stage, moves, migrated)
  SELECT d.team_id, d.map_id, d.owner_id, e.from_stage, e.to_stage,
         sign * count(*), sign * count(*) FILTER (WHERE e.kind = 'migrated')
  FROM changed AS e CROSS JOIN LATERAL {ONE_DEAL.format(e="e")}
  WHERE {_STAY.format(e="e")} AND {kept}
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT {_MOVES_KEY}
  DO UPDATE SET moves = t.moves + EXCLUDED.moves, migrated = t.migrated + EXCLUDED.migrated;
  INSERT INTO kpi_created_total AS t (team_id, map_id, owner_id, stage, created)
  SELECT d.team_id, d.map_id, d.owner_id, e.to_stage, sign * count(*)
  FROM changed AS e CROSS JOIN LATERAL {ONE_DEAL.format(e="e")}
  WHERE {_CREATION.format(e="e")} AND {kept}
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT {_CREATED_KEY} DO UPDATE SET created = t.created + EXCLUDED.created;
  INSERT INTO kpi_counted_total AS t (team_id, map_id, owner_id, what, stage, key, n)
  SELECT d.team_id, d.map_id, d.owner_id, {counted_columns("e")}, sign * count(*)
  FROM changed AS e CROSS JOIN LATERAL {ONE_DEAL.format(e="e")}
  WHERE {_COUNTED.format(e="e")} AND {kept}
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT {_COUNTED_KEY["postgresql"]} DO UPDATE SET n = t.n + EXCLUDED.n;
  RETURN NULL;
END $$"""


def _pg_deal_function() -> str:
    shares = (
        *_deal_share("OLD", "-", "postgresql"),
        *_deal_share("NEW", "", "postgresql"),
        *_deal_items("NEW", "postgresql"),
        *rollup_responses.deal_redone("NEW", "postgresql"),
    )
    moved = " ".join(f"{s};" for s in shares)
    return f"""
CREATE OR REPLACE FUNCTION kpi_matrix_deal_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id < {REACH} THEN {moved} END IF;
  RETURN NULL;
END $$"""


def postgresql_statements() -> list[str]:
    return [
        counted_index("postgresql"),
        _pg_events_function(),
        _pg_deal_function(),
        "DROP TRIGGER IF EXISTS kpi_matrix_events_added ON deal_event",
        "CREATE TRIGGER kpi_matrix_events_added AFTER INSERT ON deal_event "
        "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION kpi_matrix_events_changed()",
        "DROP TRIGGER IF EXISTS kpi_matrix_events_removed ON deal_event",
        "CREATE TRIGGER kpi_matrix_events_removed AFTER DELETE ON deal_event "
        "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION kpi_matrix_events_changed()",
        "DROP TRIGGER IF EXISTS kpi_matrix_deal_changed ON deal",
        f"CREATE TRIGGER kpi_matrix_deal_changed AFTER UPDATE OF {_DEAL_COLUMNS} ON deal "
        f"FOR EACH ROW WHEN {_DEAL_CHANGED} EXECUTE FUNCTION kpi_matrix_deal_changed()",
        *_pg_stay_triggers(),
        *rollup_responses.postgresql_statements(),
    ]


def statements(dialect: str) -> list[str]:
    """The dialect's statements, each on one line (as revision 0025 keeps them)."""
    found = postgresql_statements() if dialect == "postgresql" else sqlite_statements()
    return [" ".join(statement.split()) for statement in found]


def _after_create(_metadata: MetaData, connection: Connection, **_kw: Any) -> None:
    """`create_all` of a new database: the totals start complete (there is no history)."""
    for statement in statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(
        "INSERT INTO kpi_rollup_state (name, next_deal_id) "
        f"VALUES ('{MATRIX}', {ALL_DEALS}) ON CONFLICT (name) DO NOTHING"
    )


def install_on(metadata: MetaData) -> None:
    if not event.contains(metadata, "after_create", _after_create):
        event.listen(metadata, "after_create", _after_create)


# -- time in stage: an item per deal and stage (kpi_stay_item), and buckets of them ----------
# A stay written or deleted redoes its deal's item for that stage from the deal's stays
# there (a few rows of ix_deal_event_stays), so an item is always what the history's own
# query computes for it; an item added or removed moves its two buckets.

_ITEM_COLUMNS = (
    "(deal_id, stage, team_id, map_id, owner_id, cumulative, latest, "
    "cumulative_bucket, latest_bucket)"
)
_ENDS_STAY = "{e}.stay_started_at IS NOT NULL AND {e}.from_stage IS NOT NULL"


def _stays_of(team: str, deal: str, stage: str | None) -> str:
    """One row per stage (or only `stage`) the deal stayed in: (stage, cumulative, latest),
    the latest being the stay that began last, as storage.kpi_stays reads it."""
    # The stage is compared as an expression (`|| ''`), never as a plain column: either
    # form lets ix_deal_event_moves (team, from_stage, ...) serve the look-up, and during
    # a bulk import, with the statistics behind, PostgreSQL took it and read every stay
    # of the stage for each deal (5 ms a deal), where ix_deal_event_stays (team, deal)
    # holds the few it needs.
    one = f" AND e.from_stage || '' = {stage}" if stage else " AND e.from_stage || '' <> ''"
    last = (
        f"(SELECT l.stay_days FROM deal_event AS l WHERE l.team_id = {team} "
        f"AND l.deal_id = {deal} AND l.from_stage = e.from_stage "
        "AND l.stay_started_at IS NOT NULL ORDER BY l.stay_started_at DESC, l.at DESC LIMIT 1)"
    )
    return (
        f"SELECT e.from_stage AS stage, sum(e.stay_days) AS cumulative, {last} AS latest "
        f"FROM deal_event AS e WHERE e.team_id = {team} AND e.deal_id = {deal}{one} "
        "AND e.stay_started_at IS NOT NULL GROUP BY e.from_stage"
    )


def _insert_items(dialect: str, deal: str, stays: str, where: str) -> str:
    """Insert the items `stays` (aliased g) of the deal row `deal` where `where` holds."""
    return (
        f"INSERT INTO kpi_stay_item {_ITEM_COLUMNS} SELECT {deal}.id, g.stage, "
        f"{deal}.team_id, {deal}.map_id, {deal}.owner_id, g.cumulative, g.latest, "
        f"{bucket(dialect, 'g.cumulative')}, {bucket(dialect, 'g.latest')} FROM {stays} "
        f"WHERE g.cumulative IS NOT NULL AND g.latest IS NOT NULL AND {where}"
    )


def _deal_items(deal: str, dialect: str) -> list[str]:
    """A deal changed hands (or map, or practice flag): its items, redone as it now is."""
    stays = f"({_stays_of(f'{deal}.team_id', f'{deal}.id', None)}) AS g"
    return [
        f"DELETE FROM kpi_stay_item WHERE deal_id = {deal}.id",
        _insert_items(dialect, deal, stays, f"NOT {deal}.is_practice"),
    ]


def _bucket_changes(row: str, sign: str) -> list[str]:
    """Upserts adding `sign` times item `row` (NEW or OLD) to its two buckets."""
    target = "(team_id, map_id, owner_id, stage, variant, bucket)"
    return [
        "INSERT INTO kpi_stay_bucket (team_id, map_id, owner_id, stage, variant, bucket, n, "
        f"total) VALUES ({row}.team_id, {row}.map_id, {row}.owner_id, {row}.stage, "
        f"'{variant}', {row}.{variant}_bucket, {sign}1, {sign}{row}.{variant}) "
        f"ON CONFLICT {target} DO UPDATE SET n = kpi_stay_bucket.n + excluded.n, "
        "total = kpi_stay_bucket.total + excluded.total"
        for variant in ("cumulative", "latest")
    ]


def _sqlite_stay_triggers() -> list[str]:
    found = []
    for name, op, row in (("added", "INSERT", "NEW"), ("removed", "DELETE", "OLD")):
        stays = f"deal AS d, ({_stays_of(f'{row}.team_id', f'{row}.deal_id', f'{row}.from_stage')}) AS g"
        counted = f"d.id = {row}.deal_id AND NOT d.is_practice AND d.id < {REACH}"
        found.append(
            f"CREATE TRIGGER IF NOT EXISTS kpi_stays_{name} AFTER {op} ON deal_event "
            f"WHEN {_ENDS_STAY.format(e=row)} BEGIN DELETE FROM kpi_stay_item "
            f"WHERE deal_id = {row}.deal_id AND stage = {row}.from_stage; "
            f"{_insert_items('sqlite', 'd', stays, counted)}; END"
        )
    for name, op, row, sign in (("added", "INSERT", "NEW", ""), ("removed", "DELETE", "OLD", "-")):
        changes = " ".join(f"{s};" for s in _bucket_changes(row, sign))
        found.append(
            f"CREATE TRIGGER IF NOT EXISTS kpi_stay_item_{name} AFTER {op} ON kpi_stay_item "
            f"BEGIN {changes} END"
        )
    return found


def _pg_stay_functions() -> list[str]:
    touched = (
        f"(SELECT DISTINCT team_id, deal_id, from_stage FROM changed "
        f"WHERE {_ENDS_STAY.format(e='changed')}) AS c"
    )
    stays = (
        f"{touched} CROSS JOIN LATERAL {ONE_DEAL.format(e='c')} CROSS JOIN LATERAL "
        f"({_stays_of('c.team_id', 'c.deal_id', 'c.from_stage')}) AS g"
    )
    counted = f"NOT d.is_practice AND d.id < {REACH}"
    events = f"""
CREATE OR REPLACE FUNCTION kpi_stays_events_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM kpi_stay_item AS i USING {touched}
  WHERE i.deal_id = c.deal_id AND i.stage = c.from_stage;
  {_insert_items("postgresql", "d", stays, counted)} ORDER BY d.id, g.stage;
  RETURN NULL;
END $$"""
    add, remove = (
        " ".join(f"{s};" for s in _bucket_changes(r, g)) for r, g in (("NEW", ""), ("OLD", "-"))
    )
    items = f"""
CREATE OR REPLACE FUNCTION kpi_stay_item_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {add} ELSE {remove} END IF;
  RETURN NULL;
END $$"""
    return [events, items]


def _pg_stay_triggers() -> list[str]:
    return [
        *_pg_stay_functions(),
        "DROP TRIGGER IF EXISTS kpi_stays_events_added ON deal_event",
        "CREATE TRIGGER kpi_stays_events_added AFTER INSERT ON deal_event "
        "REFERENCING NEW TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION kpi_stays_events_changed()",
        "DROP TRIGGER IF EXISTS kpi_stays_events_removed ON deal_event",
        "CREATE TRIGGER kpi_stays_events_removed AFTER DELETE ON deal_event "
        "REFERENCING OLD TABLE AS changed FOR EACH STATEMENT "
        "EXECUTE FUNCTION kpi_stays_events_changed()",
        "DROP TRIGGER IF EXISTS kpi_stay_item_changed ON kpi_stay_item",
        "CREATE TRIGGER kpi_stay_item_changed AFTER INSERT OR DELETE ON kpi_stay_item "
        "FOR EACH ROW EXECUTE FUNCTION kpi_stay_item_changed()",
    ]


def batch_items(dialect: str) -> str:
    """The items of the deals with ids in [:low, :high), for storage.rollup_backfill (their
    buckets follow from the item triggers)."""
    last = (
        "(SELECT l.stay_days FROM deal_event AS l WHERE l.team_id = e.team_id "
        "AND l.deal_id = e.deal_id AND l.from_stage = e.from_stage "
        "AND l.stay_started_at IS NOT NULL ORDER BY l.stay_started_at DESC, l.at DESC LIMIT 1)"
    )
    grouped = (
        f"SELECT e.deal_id, e.from_stage AS stage, sum(e.stay_days) AS cumulative, {last} "
        "AS latest FROM deal_event AS e WHERE e.deal_id >= CAST(:low AS BIGINT) "
        f"AND e.deal_id < CAST(:high AS BIGINT) AND {_ENDS_STAY.format(e='e')} "
        "GROUP BY e.team_id, e.deal_id, e.from_stage"
    )
    stays = f"deal AS d JOIN ({grouped}) AS g ON g.deal_id = d.id"
    return _insert_items(dialect, "d", stays, "NOT d.is_practice")

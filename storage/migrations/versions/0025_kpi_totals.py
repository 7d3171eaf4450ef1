"""all-time KPI totals kept by triggers: a report for all time reads a few rows, not the history

`/deal stats` for all time read every stay and every creation of the workspace's history
to count the transition matrix: at 1,000,000 deals, a second on PostgreSQL and more on
SQLite, and ten times that at ten times the history (issue #23). This revision adds
running totals per workspace, map and owner (`kpi_move_total`, `kpi_created_total`; and
`kpi_counted_total`, the losses, objections, overrides and reopens by key and stage;
`kpi_stay_item`, each deal's days in each stage, and `kpi_stay_bucket`, how many fall in
each quarter-day, from which time in stage finds its medians),
kept by triggers in the writers' own transactions (storage.rollup_triggers says why
triggers), and `kpi_rollup_state`, how far the totals reach.

The history already recorded is not counted here: one transaction over millions of
events could not be resumed, and would hold a replica's start for minutes. The reach
starts at 0 when there are deals (at ALL_DEALS on an empty database), so the reports keep
reading the history until `stagecoach db upgrade` (or `stagecoach db backfill`, which
resumes an interrupted run) has counted every deal, a batch per transaction
(storage.rollup_backfill).

A report for a team over a window keeps the events of the team's deals, which it lists
from `ix_deal_team_owner`; the index gets the map, the practice flag and the id, so the
list no longer reads every one of the team's deal rows beside it.

The triggers' statements are this revision's own copy (storage.rollup_triggers makes
the same ones for new databases; tests/storage/test_kpi_totals.py checks both agree).

Revision ID: 9c4f2a7e1d35
Revises: 7d3e9a1c5b28
Create Date: 2026-12-07 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types sqlmodel renders)
from alembic import op

revision: str = "9c4f2a7e1d35"
down_revision: str | None = "7d3e9a1c5b28"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
ALL_DEALS = 2**62
MATRIX = "matrix"

SQLITE = (
    (
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_kpi_counted_total ON kpi_counted_total "
        "(team_id, map_id, owner_id, what, coalesce(stage, ''), coalesce(key, ''))"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_matrix_stay_added AFTER INSERT ON deal_event WHEN "
        "NEW.stay_started_at IS NOT NULL AND NEW.from_stage IS NOT NULL AND NEW.to_stage IS "
        "NOT NULL BEGIN INSERT INTO kpi_move_total (team_id, map_id, owner_id, from_stage, "
        "to_stage, moves, migrated) SELECT d.team_id, d.map_id, d.owner_id, NEW.from_stage, "
        "NEW.to_stage, 1, 1 * (NEW.kind = 'migrated') FROM deal AS d WHERE d.id = NEW.deal_id"
        " AND NOT d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE "
        "name = 'matrix') ON CONFLICT (team_id, map_id, owner_id, from_stage, to_stage) DO "
        "UPDATE SET moves = moves + excluded.moves, migrated = migrated + excluded.migrated; "
        "END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_matrix_stay_removed AFTER DELETE ON deal_event WHEN"
        " OLD.stay_started_at IS NOT NULL AND OLD.from_stage IS NOT NULL AND OLD.to_stage IS "
        "NOT NULL BEGIN INSERT INTO kpi_move_total (team_id, map_id, owner_id, from_stage, "
        "to_stage, moves, migrated) SELECT d.team_id, d.map_id, d.owner_id, OLD.from_stage, "
        "OLD.to_stage, -1, -1 * (OLD.kind = 'migrated') FROM deal AS d WHERE d.id = "
        "OLD.deal_id AND NOT d.is_practice AND d.id < (SELECT next_deal_id FROM "
        "kpi_rollup_state WHERE name = 'matrix') ON CONFLICT (team_id, map_id, owner_id, "
        "from_stage, to_stage) DO UPDATE SET moves = moves + excluded.moves, migrated = "
        "migrated + excluded.migrated; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_matrix_created_added AFTER INSERT ON deal_event "
        "WHEN NEW.kind = 'created' AND NEW.to_stage IS NOT NULL BEGIN INSERT INTO "
        "kpi_created_total (team_id, map_id, owner_id, stage, created) SELECT d.team_id, "
        "d.map_id, d.owner_id, NEW.to_stage, 1 FROM deal AS d WHERE d.id = NEW.deal_id AND "
        "NOT d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name ="
        " 'matrix') ON CONFLICT (team_id, map_id, owner_id, stage) DO UPDATE SET created = "
        "created + excluded.created; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_matrix_created_removed AFTER DELETE ON deal_event "
        "WHEN OLD.kind = 'created' AND OLD.to_stage IS NOT NULL BEGIN INSERT INTO "
        "kpi_created_total (team_id, map_id, owner_id, stage, created) SELECT d.team_id, "
        "d.map_id, d.owner_id, OLD.to_stage, -1 FROM deal AS d WHERE d.id = OLD.deal_id AND "
        "NOT d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name ="
        " 'matrix') ON CONFLICT (team_id, map_id, owner_id, stage) DO UPDATE SET created = "
        "created + excluded.created; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_counted_added AFTER INSERT ON deal_event WHEN "
        "NEW.deal_id IS NOT NULL AND NEW.kind IN ('branched', 'objection', 'overridden', "
        "'reopened') AND (NEW.kind <> 'branched' OR NEW.action = 'lose') BEGIN INSERT INTO "
        "kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) SELECT d.team_id,"
        " d.map_id, d.owner_id, CASE WHEN NEW.kind = 'branched' THEN 'lose' ELSE NEW.kind "
        "END, CASE WHEN NEW.kind = 'reopened' THEN NEW.to_stage ELSE NEW.from_stage END, CASE"
        " WHEN NEW.kind = 'branched' THEN coalesce(NEW.value, NEW.reason) WHEN NEW.kind = "
        "'objection' THEN NEW.value END, 1 FROM deal AS d WHERE d.id = NEW.deal_id AND NOT "
        "d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name = "
        "'matrix') ON CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), "
        "coalesce(key, '')) DO UPDATE SET n = n + excluded.n; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_counted_removed AFTER DELETE ON deal_event WHEN "
        "OLD.deal_id IS NOT NULL AND OLD.kind IN ('branched', 'objection', 'overridden', "
        "'reopened') AND (OLD.kind <> 'branched' OR OLD.action = 'lose') BEGIN INSERT INTO "
        "kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) SELECT d.team_id,"
        " d.map_id, d.owner_id, CASE WHEN OLD.kind = 'branched' THEN 'lose' ELSE OLD.kind "
        "END, CASE WHEN OLD.kind = 'reopened' THEN OLD.to_stage ELSE OLD.from_stage END, CASE"
        " WHEN OLD.kind = 'branched' THEN coalesce(OLD.value, OLD.reason) WHEN OLD.kind = "
        "'objection' THEN OLD.value END, -1 FROM deal AS d WHERE d.id = OLD.deal_id AND NOT "
        "d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name = "
        "'matrix') ON CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), "
        "coalesce(key, '')) DO UPDATE SET n = n + excluded.n; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_stays_added AFTER INSERT ON deal_event WHEN "
        "NEW.stay_started_at IS NOT NULL AND NEW.from_stage IS NOT NULL BEGIN DELETE FROM "
        "kpi_stay_item WHERE deal_id = NEW.deal_id AND stage = NEW.from_stage; INSERT INTO "
        "kpi_stay_item (deal_id, stage, team_id, map_id, owner_id, cumulative, latest, "
        "cumulative_bucket, latest_bucket) SELECT d.id, g.stage, d.team_id, d.map_id, "
        "d.owner_id, g.cumulative, g.latest, CAST((g.cumulative) * 4 AS INTEGER), "
        "CAST((g.latest) * 4 AS INTEGER) FROM deal AS d, (SELECT e.from_stage AS stage, "
        "sum(e.stay_days) AS cumulative, (SELECT l.stay_days FROM deal_event AS l WHERE "
        "l.team_id = NEW.team_id AND l.deal_id = NEW.deal_id AND l.from_stage = e.from_stage "
        "AND l.stay_started_at IS NOT NULL ORDER BY l.stay_started_at DESC, l.at DESC LIMIT "
        "1) AS latest FROM deal_event AS e WHERE e.team_id = NEW.team_id AND e.deal_id = "
        "NEW.deal_id AND e.from_stage || '' = NEW.from_stage AND e.stay_started_at IS NOT "
        "NULL GROUP BY e.from_stage) AS g WHERE g.cumulative IS NOT NULL AND g.latest IS NOT "
        "NULL AND d.id = NEW.deal_id AND NOT d.is_practice AND d.id < (SELECT next_deal_id "
        "FROM kpi_rollup_state WHERE name = 'matrix'); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_stays_removed AFTER DELETE ON deal_event WHEN "
        "OLD.stay_started_at IS NOT NULL AND OLD.from_stage IS NOT NULL BEGIN DELETE FROM "
        "kpi_stay_item WHERE deal_id = OLD.deal_id AND stage = OLD.from_stage; INSERT INTO "
        "kpi_stay_item (deal_id, stage, team_id, map_id, owner_id, cumulative, latest, "
        "cumulative_bucket, latest_bucket) SELECT d.id, g.stage, d.team_id, d.map_id, "
        "d.owner_id, g.cumulative, g.latest, CAST((g.cumulative) * 4 AS INTEGER), "
        "CAST((g.latest) * 4 AS INTEGER) FROM deal AS d, (SELECT e.from_stage AS stage, "
        "sum(e.stay_days) AS cumulative, (SELECT l.stay_days FROM deal_event AS l WHERE "
        "l.team_id = OLD.team_id AND l.deal_id = OLD.deal_id AND l.from_stage = e.from_stage "
        "AND l.stay_started_at IS NOT NULL ORDER BY l.stay_started_at DESC, l.at DESC LIMIT "
        "1) AS latest FROM deal_event AS e WHERE e.team_id = OLD.team_id AND e.deal_id = "
        "OLD.deal_id AND e.from_stage || '' = OLD.from_stage AND e.stay_started_at IS NOT "
        "NULL GROUP BY e.from_stage) AS g WHERE g.cumulative IS NOT NULL AND g.latest IS NOT "
        "NULL AND d.id = OLD.deal_id AND NOT d.is_practice AND d.id < (SELECT next_deal_id "
        "FROM kpi_rollup_state WHERE name = 'matrix'); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_stay_item_added AFTER INSERT ON kpi_stay_item BEGIN"
        " INSERT INTO kpi_stay_bucket (team_id, map_id, owner_id, stage, variant, bucket, n, "
        "total) VALUES (NEW.team_id, NEW.map_id, NEW.owner_id, NEW.stage, 'cumulative', "
        "NEW.cumulative_bucket, 1, NEW.cumulative) ON CONFLICT (team_id, map_id, owner_id, "
        "stage, variant, bucket) DO UPDATE SET n = kpi_stay_bucket.n + excluded.n, total = "
        "kpi_stay_bucket.total + excluded.total; INSERT INTO kpi_stay_bucket (team_id, "
        "map_id, owner_id, stage, variant, bucket, n, total) VALUES (NEW.team_id, NEW.map_id,"
        " NEW.owner_id, NEW.stage, 'latest', NEW.latest_bucket, 1, NEW.latest) ON CONFLICT "
        "(team_id, map_id, owner_id, stage, variant, bucket) DO UPDATE SET n = "
        "kpi_stay_bucket.n + excluded.n, total = kpi_stay_bucket.total + excluded.total; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_stay_item_removed AFTER DELETE ON kpi_stay_item "
        "BEGIN INSERT INTO kpi_stay_bucket (team_id, map_id, owner_id, stage, variant, "
        "bucket, n, total) VALUES (OLD.team_id, OLD.map_id, OLD.owner_id, OLD.stage, "
        "'cumulative', OLD.cumulative_bucket, -1, -OLD.cumulative) ON CONFLICT (team_id, "
        "map_id, owner_id, stage, variant, bucket) DO UPDATE SET n = kpi_stay_bucket.n + "
        "excluded.n, total = kpi_stay_bucket.total + excluded.total; INSERT INTO "
        "kpi_stay_bucket (team_id, map_id, owner_id, stage, variant, bucket, n, total) VALUES"
        " (OLD.team_id, OLD.map_id, OLD.owner_id, OLD.stage, 'latest', OLD.latest_bucket, -1,"
        " -OLD.latest) ON CONFLICT (team_id, map_id, owner_id, stage, variant, bucket) DO "
        "UPDATE SET n = kpi_stay_bucket.n + excluded.n, total = kpi_stay_bucket.total + "
        "excluded.total; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_matrix_deal_changed AFTER UPDATE OF owner_id, "
        "map_id, is_practice, team_id ON deal WHEN (OLD.owner_id IS NOT NEW.owner_id OR "
        "OLD.map_id IS NOT NEW.map_id OR OLD.is_practice IS NOT NEW.is_practice OR "
        "OLD.team_id IS NOT NEW.team_id) AND NEW.id < (SELECT next_deal_id FROM "
        "kpi_rollup_state WHERE name = 'matrix') BEGIN INSERT INTO kpi_move_total (team_id, "
        "map_id, owner_id, from_stage, to_stage, moves, migrated) SELECT OLD.team_id, "
        "OLD.map_id, OLD.owner_id, e.from_stage, e.to_stage, - count(*), - sum(CASE WHEN "
        "e.kind = 'migrated' THEN 1 ELSE 0 END) FROM deal_event AS e WHERE e.deal_id = OLD.id"
        " AND e.stay_started_at IS NOT NULL AND e.from_stage IS NOT NULL AND e.to_stage IS "
        "NOT NULL AND NOT OLD.is_practice GROUP BY e.from_stage, e.to_stage ORDER BY "
        "e.from_stage, e.to_stage ON CONFLICT (team_id, map_id, owner_id, from_stage, "
        "to_stage) DO UPDATE SET moves = kpi_move_total.moves + excluded.moves, migrated = "
        "kpi_move_total.migrated + excluded.migrated; INSERT INTO kpi_created_total (team_id,"
        " map_id, owner_id, stage, created) SELECT OLD.team_id, OLD.map_id, OLD.owner_id, "
        "e.to_stage, - count(*) FROM deal_event AS e WHERE e.deal_id = OLD.id AND e.kind = "
        "'created' AND e.to_stage IS NOT NULL AND NOT OLD.is_practice GROUP BY e.to_stage "
        "ORDER BY e.to_stage ON CONFLICT (team_id, map_id, owner_id, stage) DO UPDATE SET "
        "created = kpi_created_total.created + excluded.created; INSERT INTO "
        "kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) SELECT "
        "OLD.team_id, OLD.map_id, OLD.owner_id, CASE WHEN e.kind = 'branched' THEN 'lose' "
        "ELSE e.kind END, CASE WHEN e.kind = 'reopened' THEN e.to_stage ELSE e.from_stage "
        "END, CASE WHEN e.kind = 'branched' THEN coalesce(e.value, e.reason) WHEN e.kind = "
        "'objection' THEN e.value END, - count(*) FROM deal_event AS e WHERE e.deal_id = "
        "OLD.id AND e.deal_id IS NOT NULL AND e.kind IN ('branched', 'objection', "
        "'overridden', 'reopened') AND (e.kind <> 'branched' OR e.action = 'lose') AND NOT "
        "OLD.is_practice GROUP BY CASE WHEN e.kind = 'branched' THEN 'lose' ELSE e.kind END, "
        "CASE WHEN e.kind = 'reopened' THEN e.to_stage ELSE e.from_stage END, CASE WHEN "
        "e.kind = 'branched' THEN coalesce(e.value, e.reason) WHEN e.kind = 'objection' THEN "
        "e.value END ON CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), "
        "coalesce(key, '')) DO UPDATE SET n = kpi_counted_total.n + excluded.n; INSERT INTO "
        "kpi_move_total (team_id, map_id, owner_id, from_stage, to_stage, moves, migrated) "
        "SELECT NEW.team_id, NEW.map_id, NEW.owner_id, e.from_stage, e.to_stage, count(*), "
        "sum(CASE WHEN e.kind = 'migrated' THEN 1 ELSE 0 END) FROM deal_event AS e WHERE "
        "e.deal_id = NEW.id AND e.stay_started_at IS NOT NULL AND e.from_stage IS NOT NULL "
        "AND e.to_stage IS NOT NULL AND NOT NEW.is_practice GROUP BY e.from_stage, e.to_stage"
        " ORDER BY e.from_stage, e.to_stage ON CONFLICT (team_id, map_id, owner_id, "
        "from_stage, to_stage) DO UPDATE SET moves = kpi_move_total.moves + excluded.moves, "
        "migrated = kpi_move_total.migrated + excluded.migrated; INSERT INTO "
        "kpi_created_total (team_id, map_id, owner_id, stage, created) SELECT NEW.team_id, "
        "NEW.map_id, NEW.owner_id, e.to_stage, count(*) FROM deal_event AS e WHERE e.deal_id "
        "= NEW.id AND e.kind = 'created' AND e.to_stage IS NOT NULL AND NOT NEW.is_practice "
        "GROUP BY e.to_stage ORDER BY e.to_stage ON CONFLICT (team_id, map_id, owner_id, "
        "stage) DO UPDATE SET created = kpi_created_total.created + excluded.created; INSERT "
        "INTO kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) SELECT "
        "NEW.team_id, NEW.map_id, NEW.owner_id, CASE WHEN e.kind = 'branched' THEN 'lose' "
        "ELSE e.kind END, CASE WHEN e.kind = 'reopened' THEN e.to_stage ELSE e.from_stage "
        "END, CASE WHEN e.kind = 'branched' THEN coalesce(e.value, e.reason) WHEN e.kind = "
        "'objection' THEN e.value END, count(*) FROM deal_event AS e WHERE e.deal_id = NEW.id"
        " AND e.deal_id IS NOT NULL AND e.kind IN ('branched', 'objection', 'overridden', "
        "'reopened') AND (e.kind <> 'branched' OR e.action = 'lose') AND NOT NEW.is_practice "
        "GROUP BY CASE WHEN e.kind = 'branched' THEN 'lose' ELSE e.kind END, CASE WHEN e.kind"
        " = 'reopened' THEN e.to_stage ELSE e.from_stage END, CASE WHEN e.kind = 'branched' "
        "THEN coalesce(e.value, e.reason) WHEN e.kind = 'objection' THEN e.value END ON "
        "CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), coalesce(key, '')) "
        "DO UPDATE SET n = kpi_counted_total.n + excluded.n; DELETE FROM kpi_stay_item WHERE "
        "deal_id = NEW.id; INSERT INTO kpi_stay_item (deal_id, stage, team_id, map_id, "
        "owner_id, cumulative, latest, cumulative_bucket, latest_bucket) SELECT NEW.id, "
        "g.stage, NEW.team_id, NEW.map_id, NEW.owner_id, g.cumulative, g.latest, "
        "CAST((g.cumulative) * 4 AS INTEGER), CAST((g.latest) * 4 AS INTEGER) FROM (SELECT "
        "e.from_stage AS stage, sum(e.stay_days) AS cumulative, (SELECT l.stay_days FROM "
        "deal_event AS l WHERE l.team_id = NEW.team_id AND l.deal_id = NEW.id AND "
        "l.from_stage = e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY "
        "l.stay_started_at DESC, l.at DESC LIMIT 1) AS latest FROM deal_event AS e WHERE "
        "e.team_id = NEW.team_id AND e.deal_id = NEW.id AND e.from_stage || '' <> '' AND "
        "e.stay_started_at IS NOT NULL GROUP BY e.from_stage) AS g WHERE g.cumulative IS NOT "
        "NULL AND g.latest IS NOT NULL AND NOT NEW.is_practice; END"
    ),
)
POSTGRESQL = (
    (
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_kpi_counted_total ON kpi_counted_total "
        "(team_id, map_id, owner_id, what, coalesce(stage, ''), md5(coalesce(key, '')))"
    ),
    (
        "CREATE OR REPLACE FUNCTION kpi_matrix_events_changed() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ DECLARE sign integer := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END; "
        "BEGIN INSERT INTO kpi_move_total AS t (team_id, map_id, owner_id, from_stage, "
        "to_stage, moves, migrated) SELECT d.team_id, d.map_id, d.owner_id, e.from_stage, "
        "e.to_stage, sign * count(*), sign * count(*) FILTER (WHERE e.kind = 'migrated') FROM"
        " changed AS e CROSS JOIN LATERAL (SELECT * FROM deal WHERE deal.id = e.deal_id LIMIT"
        " 1) AS d WHERE e.stay_started_at IS NOT NULL AND e.from_stage IS NOT NULL AND "
        "e.to_stage IS NOT NULL AND NOT d.is_practice AND d.id < (SELECT next_deal_id FROM "
        "kpi_rollup_state WHERE name = 'matrix') GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, "
        "5 ON CONFLICT (team_id, map_id, owner_id, from_stage, to_stage) DO UPDATE SET moves "
        "= t.moves + EXCLUDED.moves, migrated = t.migrated + EXCLUDED.migrated; INSERT INTO "
        "kpi_created_total AS t (team_id, map_id, owner_id, stage, created) SELECT d.team_id,"
        " d.map_id, d.owner_id, e.to_stage, sign * count(*) FROM changed AS e CROSS JOIN "
        "LATERAL (SELECT * FROM deal WHERE deal.id = e.deal_id LIMIT 1) AS d WHERE e.kind = "
        "'created' AND e.to_stage IS NOT NULL AND NOT d.is_practice AND d.id < (SELECT "
        "next_deal_id FROM kpi_rollup_state WHERE name = 'matrix') GROUP BY 1, 2, 3, 4 ORDER "
        "BY 1, 2, 3, 4 ON CONFLICT (team_id, map_id, owner_id, stage) DO UPDATE SET created ="
        " t.created + EXCLUDED.created; INSERT INTO kpi_counted_total AS t (team_id, map_id, "
        "owner_id, what, stage, key, n) SELECT d.team_id, d.map_id, d.owner_id, CASE WHEN "
        "e.kind = 'branched' THEN 'lose' ELSE e.kind END, CASE WHEN e.kind = 'reopened' THEN "
        "e.to_stage ELSE e.from_stage END, CASE WHEN e.kind = 'branched' THEN "
        "coalesce(e.value, e.reason) WHEN e.kind = 'objection' THEN e.value END, sign * "
        "count(*) FROM changed AS e CROSS JOIN LATERAL (SELECT * FROM deal WHERE deal.id = "
        "e.deal_id LIMIT 1) AS d WHERE e.deal_id IS NOT NULL AND e.kind IN ('branched', "
        "'objection', 'overridden', 'reopened') AND (e.kind <> 'branched' OR e.action = "
        "'lose') AND NOT d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state "
        "WHERE name = 'matrix') GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6 ON "
        "CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), md5(coalesce(key, "
        "''))) DO UPDATE SET n = t.n + EXCLUDED.n; RETURN NULL; END $$"
    ),
    (
        "CREATE OR REPLACE FUNCTION kpi_matrix_deal_changed() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ BEGIN IF NEW.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE "
        "name = 'matrix') THEN INSERT INTO kpi_move_total (team_id, map_id, owner_id, "
        "from_stage, to_stage, moves, migrated) SELECT OLD.team_id, OLD.map_id, OLD.owner_id,"
        " e.from_stage, e.to_stage, - count(*), - sum(CASE WHEN e.kind = 'migrated' THEN 1 "
        "ELSE 0 END) FROM deal_event AS e WHERE e.deal_id = OLD.id AND e.stay_started_at IS "
        "NOT NULL AND e.from_stage IS NOT NULL AND e.to_stage IS NOT NULL AND NOT "
        "OLD.is_practice GROUP BY e.from_stage, e.to_stage ORDER BY e.from_stage, e.to_stage "
        "ON CONFLICT (team_id, map_id, owner_id, from_stage, to_stage) DO UPDATE SET moves = "
        "kpi_move_total.moves + excluded.moves, migrated = kpi_move_total.migrated + "
        "excluded.migrated; INSERT INTO kpi_created_total (team_id, map_id, owner_id, stage, "
        "created) SELECT OLD.team_id, OLD.map_id, OLD.owner_id, e.to_stage, - count(*) FROM "
        "deal_event AS e WHERE e.deal_id = OLD.id AND e.kind = 'created' AND e.to_stage IS "
        "NOT NULL AND NOT OLD.is_practice GROUP BY e.to_stage ORDER BY e.to_stage ON CONFLICT"
        " (team_id, map_id, owner_id, stage) DO UPDATE SET created = "
        "kpi_created_total.created + excluded.created; INSERT INTO kpi_counted_total "
        "(team_id, map_id, owner_id, what, stage, key, n) SELECT OLD.team_id, OLD.map_id, "
        "OLD.owner_id, CASE WHEN e.kind = 'branched' THEN 'lose' ELSE e.kind END, CASE WHEN "
        "e.kind = 'reopened' THEN e.to_stage ELSE e.from_stage END, CASE WHEN e.kind = "
        "'branched' THEN coalesce(e.value, e.reason) WHEN e.kind = 'objection' THEN e.value "
        "END, - count(*) FROM deal_event AS e WHERE e.deal_id = OLD.id AND e.deal_id IS NOT "
        "NULL AND e.kind IN ('branched', 'objection', 'overridden', 'reopened') AND (e.kind "
        "<> 'branched' OR e.action = 'lose') AND NOT OLD.is_practice GROUP BY CASE WHEN "
        "e.kind = 'branched' THEN 'lose' ELSE e.kind END, CASE WHEN e.kind = 'reopened' THEN "
        "e.to_stage ELSE e.from_stage END, CASE WHEN e.kind = 'branched' THEN "
        "coalesce(e.value, e.reason) WHEN e.kind = 'objection' THEN e.value END ON CONFLICT "
        "(team_id, map_id, owner_id, what, coalesce(stage, ''), md5(coalesce(key, ''))) DO "
        "UPDATE SET n = kpi_counted_total.n + excluded.n; INSERT INTO kpi_move_total "
        "(team_id, map_id, owner_id, from_stage, to_stage, moves, migrated) SELECT "
        "NEW.team_id, NEW.map_id, NEW.owner_id, e.from_stage, e.to_stage, count(*), sum(CASE "
        "WHEN e.kind = 'migrated' THEN 1 ELSE 0 END) FROM deal_event AS e WHERE e.deal_id = "
        "NEW.id AND e.stay_started_at IS NOT NULL AND e.from_stage IS NOT NULL AND e.to_stage"
        " IS NOT NULL AND NOT NEW.is_practice GROUP BY e.from_stage, e.to_stage ORDER BY "
        "e.from_stage, e.to_stage ON CONFLICT (team_id, map_id, owner_id, from_stage, "
        "to_stage) DO UPDATE SET moves = kpi_move_total.moves + excluded.moves, migrated = "
        "kpi_move_total.migrated + excluded.migrated; INSERT INTO kpi_created_total (team_id,"
        " map_id, owner_id, stage, created) SELECT NEW.team_id, NEW.map_id, NEW.owner_id, "
        "e.to_stage, count(*) FROM deal_event AS e WHERE e.deal_id = NEW.id AND e.kind = "
        "'created' AND e.to_stage IS NOT NULL AND NOT NEW.is_practice GROUP BY e.to_stage "
        "ORDER BY e.to_stage ON CONFLICT (team_id, map_id, owner_id, stage) DO UPDATE SET "
        "created = kpi_created_total.created + excluded.created; INSERT INTO "
        "kpi_counted_total (team_id, map_id, owner_id, what, stage, key, n) SELECT "
        "NEW.team_id, NEW.map_id, NEW.owner_id, CASE WHEN e.kind = 'branched' THEN 'lose' "
        "ELSE e.kind END, CASE WHEN e.kind = 'reopened' THEN e.to_stage ELSE e.from_stage "
        "END, CASE WHEN e.kind = 'branched' THEN coalesce(e.value, e.reason) WHEN e.kind = "
        "'objection' THEN e.value END, count(*) FROM deal_event AS e WHERE e.deal_id = NEW.id"
        " AND e.deal_id IS NOT NULL AND e.kind IN ('branched', 'objection', 'overridden', "
        "'reopened') AND (e.kind <> 'branched' OR e.action = 'lose') AND NOT NEW.is_practice "
        "GROUP BY CASE WHEN e.kind = 'branched' THEN 'lose' ELSE e.kind END, CASE WHEN e.kind"
        " = 'reopened' THEN e.to_stage ELSE e.from_stage END, CASE WHEN e.kind = 'branched' "
        "THEN coalesce(e.value, e.reason) WHEN e.kind = 'objection' THEN e.value END ON "
        "CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), md5(coalesce(key, "
        "''))) DO UPDATE SET n = kpi_counted_total.n + excluded.n; DELETE FROM kpi_stay_item "
        "WHERE deal_id = NEW.id; INSERT INTO kpi_stay_item (deal_id, stage, team_id, map_id, "
        "owner_id, cumulative, latest, cumulative_bucket, latest_bucket) SELECT NEW.id, "
        "g.stage, NEW.team_id, NEW.map_id, NEW.owner_id, g.cumulative, g.latest, "
        "CAST(FLOOR((g.cumulative) * 4) AS INTEGER), CAST(FLOOR((g.latest) * 4) AS INTEGER) "
        "FROM (SELECT e.from_stage AS stage, sum(e.stay_days) AS cumulative, (SELECT "
        "l.stay_days FROM deal_event AS l WHERE l.team_id = NEW.team_id AND l.deal_id = "
        "NEW.id AND l.from_stage = e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY "
        "l.stay_started_at DESC, l.at DESC LIMIT 1) AS latest FROM deal_event AS e WHERE "
        "e.team_id = NEW.team_id AND e.deal_id = NEW.id AND e.from_stage || '' <> '' AND "
        "e.stay_started_at IS NOT NULL GROUP BY e.from_stage) AS g WHERE g.cumulative IS NOT "
        "NULL AND g.latest IS NOT NULL AND NOT NEW.is_practice; END IF; RETURN NULL; END $$"
    ),
    ("DROP TRIGGER IF EXISTS kpi_matrix_events_added ON deal_event"),
    (
        "CREATE TRIGGER kpi_matrix_events_added AFTER INSERT ON deal_event REFERENCING NEW "
        "TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_matrix_events_changed()"
    ),
    ("DROP TRIGGER IF EXISTS kpi_matrix_events_removed ON deal_event"),
    (
        "CREATE TRIGGER kpi_matrix_events_removed AFTER DELETE ON deal_event REFERENCING OLD "
        "TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_matrix_events_changed()"
    ),
    ("DROP TRIGGER IF EXISTS kpi_matrix_deal_changed ON deal"),
    (
        "CREATE TRIGGER kpi_matrix_deal_changed AFTER UPDATE OF owner_id, map_id, "
        "is_practice, team_id ON deal FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM "
        "NEW.owner_id OR OLD.map_id IS DISTINCT FROM NEW.map_id OR OLD.is_practice IS "
        "DISTINCT FROM NEW.is_practice OR OLD.team_id IS DISTINCT FROM NEW.team_id) EXECUTE "
        "FUNCTION kpi_matrix_deal_changed()"
    ),
    (
        "CREATE OR REPLACE FUNCTION kpi_stays_events_changed() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ BEGIN DELETE FROM kpi_stay_item AS i USING (SELECT DISTINCT team_id, "
        "deal_id, from_stage FROM changed WHERE changed.stay_started_at IS NOT NULL AND "
        "changed.from_stage IS NOT NULL) AS c WHERE i.deal_id = c.deal_id AND i.stage = "
        "c.from_stage; INSERT INTO kpi_stay_item (deal_id, stage, team_id, map_id, owner_id, "
        "cumulative, latest, cumulative_bucket, latest_bucket) SELECT d.id, g.stage, "
        "d.team_id, d.map_id, d.owner_id, g.cumulative, g.latest, CAST(FLOOR((g.cumulative) *"
        " 4) AS INTEGER), CAST(FLOOR((g.latest) * 4) AS INTEGER) FROM (SELECT DISTINCT "
        "team_id, deal_id, from_stage FROM changed WHERE changed.stay_started_at IS NOT NULL "
        "AND changed.from_stage IS NOT NULL) AS c CROSS JOIN LATERAL (SELECT * FROM deal "
        "WHERE deal.id = c.deal_id LIMIT 1) AS d CROSS JOIN LATERAL (SELECT e.from_stage AS "
        "stage, sum(e.stay_days) AS cumulative, (SELECT l.stay_days FROM deal_event AS l "
        "WHERE l.team_id = c.team_id AND l.deal_id = c.deal_id AND l.from_stage = "
        "e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY l.stay_started_at DESC, l.at"
        " DESC LIMIT 1) AS latest FROM deal_event AS e WHERE e.team_id = c.team_id AND "
        "e.deal_id = c.deal_id AND e.from_stage || '' = c.from_stage AND e.stay_started_at IS"
        " NOT NULL GROUP BY e.from_stage) AS g WHERE g.cumulative IS NOT NULL AND g.latest IS"
        " NOT NULL AND NOT d.is_practice AND d.id < (SELECT next_deal_id FROM "
        "kpi_rollup_state WHERE name = 'matrix') ORDER BY d.id, g.stage; RETURN NULL; END $$"
    ),
    (
        "CREATE OR REPLACE FUNCTION kpi_stay_item_changed() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN IF TG_OP = 'INSERT' THEN INSERT INTO kpi_stay_bucket (team_id, map_id, "
        "owner_id, stage, variant, bucket, n, total) VALUES (NEW.team_id, NEW.map_id, "
        "NEW.owner_id, NEW.stage, 'cumulative', NEW.cumulative_bucket, 1, NEW.cumulative) ON "
        "CONFLICT (team_id, map_id, owner_id, stage, variant, bucket) DO UPDATE SET n = "
        "kpi_stay_bucket.n + excluded.n, total = kpi_stay_bucket.total + excluded.total; "
        "INSERT INTO kpi_stay_bucket (team_id, map_id, owner_id, stage, variant, bucket, n, "
        "total) VALUES (NEW.team_id, NEW.map_id, NEW.owner_id, NEW.stage, 'latest', "
        "NEW.latest_bucket, 1, NEW.latest) ON CONFLICT (team_id, map_id, owner_id, stage, "
        "variant, bucket) DO UPDATE SET n = kpi_stay_bucket.n + excluded.n, total = "
        "kpi_stay_bucket.total + excluded.total; ELSE INSERT INTO kpi_stay_bucket (team_id, "
        "map_id, owner_id, stage, variant, bucket, n, total) VALUES (OLD.team_id, OLD.map_id,"
        " OLD.owner_id, OLD.stage, 'cumulative', OLD.cumulative_bucket, -1, -OLD.cumulative) "
        "ON CONFLICT (team_id, map_id, owner_id, stage, variant, bucket) DO UPDATE SET n = "
        "kpi_stay_bucket.n + excluded.n, total = kpi_stay_bucket.total + excluded.total; "
        "INSERT INTO kpi_stay_bucket (team_id, map_id, owner_id, stage, variant, bucket, n, "
        "total) VALUES (OLD.team_id, OLD.map_id, OLD.owner_id, OLD.stage, 'latest', "
        "OLD.latest_bucket, -1, -OLD.latest) ON CONFLICT (team_id, map_id, owner_id, stage, "
        "variant, bucket) DO UPDATE SET n = kpi_stay_bucket.n + excluded.n, total = "
        "kpi_stay_bucket.total + excluded.total; END IF; RETURN NULL; END $$"
    ),
    ("DROP TRIGGER IF EXISTS kpi_stays_events_added ON deal_event"),
    (
        "CREATE TRIGGER kpi_stays_events_added AFTER INSERT ON deal_event REFERENCING NEW "
        "TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_stays_events_changed()"
    ),
    ("DROP TRIGGER IF EXISTS kpi_stays_events_removed ON deal_event"),
    (
        "CREATE TRIGGER kpi_stays_events_removed AFTER DELETE ON deal_event REFERENCING OLD "
        "TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_stays_events_changed()"
    ),
    ("DROP TRIGGER IF EXISTS kpi_stay_item_changed ON kpi_stay_item"),
    (
        "CREATE TRIGGER kpi_stay_item_changed AFTER INSERT OR DELETE ON kpi_stay_item FOR "
        "EACH ROW EXECUTE FUNCTION kpi_stay_item_changed()"
    ),
)

OWNER_BEFORE = ["team_id", "owner_id", "status"]
OWNER_AFTER = [*OWNER_BEFORE, "map_id", "is_practice", "id"]


def upgrade() -> None:
    _rebuild_owner_index(OWNER_AFTER)
    _tables()
    connection = op.get_bind()
    statements = POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE
    for statement in statements:
        connection.exec_driver_sql(statement)
    has_deals = connection.execute(sa.text("SELECT 1 FROM deal LIMIT 1")).first() is not None
    op.execute(
        sa.text(
            "INSERT INTO kpi_rollup_state (name, next_deal_id) VALUES (:name, :reach)"
        ).bindparams(name=MATRIX, reach=0 if has_deals else ALL_DEALS)
    )


def _tables() -> None:
    key = ["team_id", "map_id", "owner_id"]
    op.create_table(
        "kpi_move_total",
        *_key_columns(),
        sa.Column("from_stage", _TEXT(length=40), nullable=False),
        sa.Column("to_stage", _TEXT(length=40), nullable=False),
        sa.Column("moves", sa.Integer(), nullable=False),
        sa.Column("migrated", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, "from_stage", "to_stage"),
    )
    op.create_table(
        "kpi_created_total",
        *_key_columns(),
        sa.Column("stage", _TEXT(length=40), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, "stage"),
    )
    op.create_table(
        "kpi_counted_total",
        sa.Column("id", sa.Integer(), nullable=False),
        *_key_columns(),
        sa.Column("what", _TEXT(length=16), nullable=False),
        sa.Column("stage", _TEXT(length=40), nullable=True),
        sa.Column("key", sa.Text(), nullable=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "kpi_stay_item",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("stage", _TEXT(length=40), nullable=False),
        *_key_columns(),
        sa.Column("cumulative", sa.Float(), nullable=False),
        sa.Column("latest", sa.Float(), nullable=False),
        sa.Column("cumulative_bucket", sa.Integer(), nullable=False),
        sa.Column("latest_bucket", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("deal_id", "stage"),
    )
    for variant in ("cumulative", "latest"):
        op.create_index(
            f"ix_kpi_stay_item_{variant}",
            "kpi_stay_item",
            ["team_id", "map_id", "stage", f"{variant}_bucket", variant, "owner_id"],
        )
    op.create_table(
        "kpi_stay_bucket",
        *_key_columns(),
        sa.Column("stage", _TEXT(length=40), nullable=False),
        sa.Column("variant", _TEXT(length=16), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(*key, "stage", "variant", "bucket"),
    )
    op.create_table(
        "kpi_rollup_state",
        sa.Column("name", _TEXT(length=40), nullable=False),
        sa.Column("next_deal_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def _key_columns() -> list[sa.Column]:
    return [
        sa.Column("team_id", _TEXT(length=32), nullable=False),
        sa.Column("map_id", _TEXT(length=40), nullable=False),
        sa.Column("owner_id", _TEXT(length=32), nullable=False),
    ]


def _rebuild_owner_index(columns: list[str]) -> None:
    """A team's deals listed from the index alone (map, practice flag and id in it)."""
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_team_owner")
        batch_op.create_index("ix_deal_team_owner", columns, unique=False)


def downgrade() -> None:
    _rebuild_owner_index(OWNER_BEFORE)
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for trigger, table in (
            ("kpi_matrix_events_added", "deal_event"),
            ("kpi_matrix_events_removed", "deal_event"),
            ("kpi_matrix_deal_changed", "deal"),
            ("kpi_stays_events_added", "deal_event"),
            ("kpi_stays_events_removed", "deal_event"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in (
            "kpi_matrix_events_changed",
            "kpi_matrix_deal_changed",
            "kpi_stays_events_changed",
            "kpi_stay_item_changed",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    else:
        for trigger in (
            "kpi_matrix_stay_added",
            "kpi_matrix_stay_removed",
            "kpi_matrix_created_added",
            "kpi_matrix_created_removed",
            "kpi_counted_added",
            "kpi_counted_removed",
            "kpi_stays_added",
            "kpi_stays_removed",
            "kpi_stay_item_added",
            "kpi_stay_item_removed",
            "kpi_matrix_deal_changed",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("kpi_rollup_state")
    op.drop_table("kpi_stay_bucket")
    op.drop_index("ix_kpi_stay_item_latest", table_name="kpi_stay_item")
    op.drop_index("ix_kpi_stay_item_cumulative", table_name="kpi_stay_item")
    op.drop_table("kpi_stay_item")
    op.drop_table("kpi_counted_total")
    op.drop_table("kpi_created_total")
    op.drop_table("kpi_move_total")

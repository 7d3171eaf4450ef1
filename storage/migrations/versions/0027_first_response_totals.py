"""all-time first response kept by triggers, and the totals counted afresh

All-time first response looked up every deal's first reply, one index look-up per deal
ever created: seconds at 1,000,000 deals (issue #23). This revision adds an item per
counted deal with its first response (`kpi_response_item`: the event and the hours from
the deal's creation) and buckets of them (`kpi_response_bucket`), from which the median
and p90 are found as time in stage finds its own (storage.bucket_ranks). The triggers
that keep them join those of revision 0025 (storage.rollup_responses says how), and the
deal's trigger now also fires when its creation time changes.

The new items cover no deal yet, and the totals share one reach: so the totals are
emptied and the reach set back to 0 (ALL_DEALS on an empty database), and the reports
read the history, right but slower, until `stagecoach db upgrade` (or `stagecoach db
backfill`, which resumes) has counted every deal again, a batch per transaction
(storage.rollup_backfill). Emptied before the triggers are replaced, so no trigger
undoes what is cleared row by row.

The triggers' statements are this revision's own copy (storage.rollup_triggers makes
the same ones for new databases; tests/storage/test_kpi_totals_backfill.py checks both
agree).

Revision ID: 5d1a7c3e9b42
Revises: 3b8f2c6d9e14
Create Date: 2026-12-08 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # noqa: F401  (the column types sqlmodel renders)
from alembic import op

revision: str = "5d1a7c3e9b42"
down_revision: str | None = "3b8f2c6d9e14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
ALL_DEALS = 2**62
MATRIX = "matrix"
TOTALS = (
    "kpi_move_total",
    "kpi_created_total",
    "kpi_counted_total",
    "kpi_stay_item",
    "kpi_stay_bucket",
)
# revision 0025's triggers (SQLite cannot replace one: each is dropped, then made anew)
SQLITE_BEFORE = (
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
)
SQLITE_ADDED = (
    "kpi_response_added",
    "kpi_response_removed",
    "kpi_response_item_added",
    "kpi_response_item_removed",
)

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
        "d.owner_id, g.cumulative, g.latest, (CASE WHEN g.cumulative < 0 THEN -1 WHEN "
        "g.cumulative < 1 THEN CAST((g.cumulative * 16) AS INTEGER) WHEN g.cumulative < 2 "
        "THEN 16 + CAST(((g.cumulative - 1) * 8.0 / 1) AS INTEGER) WHEN g.cumulative < 4 THEN"
        " 24 + CAST(((g.cumulative - 2) * 8.0 / 2) AS INTEGER) WHEN g.cumulative < 8 THEN 32 "
        "+ CAST(((g.cumulative - 4) * 8.0 / 4) AS INTEGER) WHEN g.cumulative < 16 THEN 40 + "
        "CAST(((g.cumulative - 8) * 8.0 / 8) AS INTEGER) WHEN g.cumulative < 32 THEN 48 + "
        "CAST(((g.cumulative - 16) * 8.0 / 16) AS INTEGER) WHEN g.cumulative < 64 THEN 56 + "
        "CAST(((g.cumulative - 32) * 8.0 / 32) AS INTEGER) WHEN g.cumulative < 128 THEN 64 + "
        "CAST(((g.cumulative - 64) * 8.0 / 64) AS INTEGER) WHEN g.cumulative < 256 THEN 72 + "
        "CAST(((g.cumulative - 128) * 8.0 / 128) AS INTEGER) WHEN g.cumulative < 512 THEN 80 "
        "+ CAST(((g.cumulative - 256) * 8.0 / 256) AS INTEGER) WHEN g.cumulative < 1024 THEN "
        "88 + CAST(((g.cumulative - 512) * 8.0 / 512) AS INTEGER) WHEN g.cumulative < 2048 "
        "THEN 96 + CAST(((g.cumulative - 1024) * 8.0 / 1024) AS INTEGER) WHEN g.cumulative < "
        "4096 THEN 104 + CAST(((g.cumulative - 2048) * 8.0 / 2048) AS INTEGER) WHEN "
        "g.cumulative < 8192 THEN 112 + CAST(((g.cumulative - 4096) * 8.0 / 4096) AS INTEGER)"
        " WHEN g.cumulative < 16384 THEN 120 + CAST(((g.cumulative - 8192) * 8.0 / 8192) AS "
        "INTEGER) ELSE 128 END), (CASE WHEN g.latest < 0 THEN -1 WHEN g.latest < 1 THEN "
        "CAST((g.latest * 16) AS INTEGER) WHEN g.latest < 2 THEN 16 + CAST(((g.latest - 1) * "
        "8.0 / 1) AS INTEGER) WHEN g.latest < 4 THEN 24 + CAST(((g.latest - 2) * 8.0 / 2) AS "
        "INTEGER) WHEN g.latest < 8 THEN 32 + CAST(((g.latest - 4) * 8.0 / 4) AS INTEGER) "
        "WHEN g.latest < 16 THEN 40 + CAST(((g.latest - 8) * 8.0 / 8) AS INTEGER) WHEN "
        "g.latest < 32 THEN 48 + CAST(((g.latest - 16) * 8.0 / 16) AS INTEGER) WHEN g.latest "
        "< 64 THEN 56 + CAST(((g.latest - 32) * 8.0 / 32) AS INTEGER) WHEN g.latest < 128 "
        "THEN 64 + CAST(((g.latest - 64) * 8.0 / 64) AS INTEGER) WHEN g.latest < 256 THEN 72 "
        "+ CAST(((g.latest - 128) * 8.0 / 128) AS INTEGER) WHEN g.latest < 512 THEN 80 + "
        "CAST(((g.latest - 256) * 8.0 / 256) AS INTEGER) WHEN g.latest < 1024 THEN 88 + "
        "CAST(((g.latest - 512) * 8.0 / 512) AS INTEGER) WHEN g.latest < 2048 THEN 96 + "
        "CAST(((g.latest - 1024) * 8.0 / 1024) AS INTEGER) WHEN g.latest < 4096 THEN 104 + "
        "CAST(((g.latest - 2048) * 8.0 / 2048) AS INTEGER) WHEN g.latest < 8192 THEN 112 + "
        "CAST(((g.latest - 4096) * 8.0 / 4096) AS INTEGER) WHEN g.latest < 16384 THEN 120 + "
        "CAST(((g.latest - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM deal AS d, "
        "(SELECT e.from_stage AS stage, sum(e.stay_days) AS cumulative, (SELECT l.stay_days "
        "FROM deal_event AS l WHERE l.team_id = NEW.team_id AND l.deal_id = NEW.deal_id AND "
        "l.from_stage = e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY "
        "l.stay_started_at DESC, l.at DESC LIMIT 1) AS latest FROM deal_event AS e WHERE "
        "e.team_id = NEW.team_id AND e.deal_id = NEW.deal_id AND e.from_stage || '' = "
        "NEW.from_stage AND e.stay_started_at IS NOT NULL GROUP BY e.from_stage) AS g WHERE "
        "g.cumulative IS NOT NULL AND g.latest IS NOT NULL AND d.id = NEW.deal_id AND NOT "
        "d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name = "
        "'matrix'); END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_stays_removed AFTER DELETE ON deal_event WHEN "
        "OLD.stay_started_at IS NOT NULL AND OLD.from_stage IS NOT NULL BEGIN DELETE FROM "
        "kpi_stay_item WHERE deal_id = OLD.deal_id AND stage = OLD.from_stage; INSERT INTO "
        "kpi_stay_item (deal_id, stage, team_id, map_id, owner_id, cumulative, latest, "
        "cumulative_bucket, latest_bucket) SELECT d.id, g.stage, d.team_id, d.map_id, "
        "d.owner_id, g.cumulative, g.latest, (CASE WHEN g.cumulative < 0 THEN -1 WHEN "
        "g.cumulative < 1 THEN CAST((g.cumulative * 16) AS INTEGER) WHEN g.cumulative < 2 "
        "THEN 16 + CAST(((g.cumulative - 1) * 8.0 / 1) AS INTEGER) WHEN g.cumulative < 4 THEN"
        " 24 + CAST(((g.cumulative - 2) * 8.0 / 2) AS INTEGER) WHEN g.cumulative < 8 THEN 32 "
        "+ CAST(((g.cumulative - 4) * 8.0 / 4) AS INTEGER) WHEN g.cumulative < 16 THEN 40 + "
        "CAST(((g.cumulative - 8) * 8.0 / 8) AS INTEGER) WHEN g.cumulative < 32 THEN 48 + "
        "CAST(((g.cumulative - 16) * 8.0 / 16) AS INTEGER) WHEN g.cumulative < 64 THEN 56 + "
        "CAST(((g.cumulative - 32) * 8.0 / 32) AS INTEGER) WHEN g.cumulative < 128 THEN 64 + "
        "CAST(((g.cumulative - 64) * 8.0 / 64) AS INTEGER) WHEN g.cumulative < 256 THEN 72 + "
        "CAST(((g.cumulative - 128) * 8.0 / 128) AS INTEGER) WHEN g.cumulative < 512 THEN 80 "
        "+ CAST(((g.cumulative - 256) * 8.0 / 256) AS INTEGER) WHEN g.cumulative < 1024 THEN "
        "88 + CAST(((g.cumulative - 512) * 8.0 / 512) AS INTEGER) WHEN g.cumulative < 2048 "
        "THEN 96 + CAST(((g.cumulative - 1024) * 8.0 / 1024) AS INTEGER) WHEN g.cumulative < "
        "4096 THEN 104 + CAST(((g.cumulative - 2048) * 8.0 / 2048) AS INTEGER) WHEN "
        "g.cumulative < 8192 THEN 112 + CAST(((g.cumulative - 4096) * 8.0 / 4096) AS INTEGER)"
        " WHEN g.cumulative < 16384 THEN 120 + CAST(((g.cumulative - 8192) * 8.0 / 8192) AS "
        "INTEGER) ELSE 128 END), (CASE WHEN g.latest < 0 THEN -1 WHEN g.latest < 1 THEN "
        "CAST((g.latest * 16) AS INTEGER) WHEN g.latest < 2 THEN 16 + CAST(((g.latest - 1) * "
        "8.0 / 1) AS INTEGER) WHEN g.latest < 4 THEN 24 + CAST(((g.latest - 2) * 8.0 / 2) AS "
        "INTEGER) WHEN g.latest < 8 THEN 32 + CAST(((g.latest - 4) * 8.0 / 4) AS INTEGER) "
        "WHEN g.latest < 16 THEN 40 + CAST(((g.latest - 8) * 8.0 / 8) AS INTEGER) WHEN "
        "g.latest < 32 THEN 48 + CAST(((g.latest - 16) * 8.0 / 16) AS INTEGER) WHEN g.latest "
        "< 64 THEN 56 + CAST(((g.latest - 32) * 8.0 / 32) AS INTEGER) WHEN g.latest < 128 "
        "THEN 64 + CAST(((g.latest - 64) * 8.0 / 64) AS INTEGER) WHEN g.latest < 256 THEN 72 "
        "+ CAST(((g.latest - 128) * 8.0 / 128) AS INTEGER) WHEN g.latest < 512 THEN 80 + "
        "CAST(((g.latest - 256) * 8.0 / 256) AS INTEGER) WHEN g.latest < 1024 THEN 88 + "
        "CAST(((g.latest - 512) * 8.0 / 512) AS INTEGER) WHEN g.latest < 2048 THEN 96 + "
        "CAST(((g.latest - 1024) * 8.0 / 1024) AS INTEGER) WHEN g.latest < 4096 THEN 104 + "
        "CAST(((g.latest - 2048) * 8.0 / 2048) AS INTEGER) WHEN g.latest < 8192 THEN 112 + "
        "CAST(((g.latest - 4096) * 8.0 / 4096) AS INTEGER) WHEN g.latest < 16384 THEN 120 + "
        "CAST(((g.latest - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM deal AS d, "
        "(SELECT e.from_stage AS stage, sum(e.stay_days) AS cumulative, (SELECT l.stay_days "
        "FROM deal_event AS l WHERE l.team_id = OLD.team_id AND l.deal_id = OLD.deal_id AND "
        "l.from_stage = e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY "
        "l.stay_started_at DESC, l.at DESC LIMIT 1) AS latest FROM deal_event AS e WHERE "
        "e.team_id = OLD.team_id AND e.deal_id = OLD.deal_id AND e.from_stage || '' = "
        "OLD.from_stage AND e.stay_started_at IS NOT NULL GROUP BY e.from_stage) AS g WHERE "
        "g.cumulative IS NOT NULL AND g.latest IS NOT NULL AND d.id = OLD.deal_id AND NOT "
        "d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name = "
        "'matrix'); END"
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
        "CREATE TRIGGER IF NOT EXISTS kpi_response_added AFTER INSERT ON deal_event WHEN "
        "NEW.deal_id IS NOT NULL AND NEW.kind NOT IN ('created', 'migrated') BEGIN DELETE "
        "FROM kpi_response_item WHERE deal_id = NEW.deal_id AND event_id > NEW.id; INSERT "
        "INTO kpi_response_item (deal_id, team_id, map_id, owner_id, event_id, hours, bucket)"
        " SELECT x.id, x.team_id, x.map_id, x.owner_id, x.event_id, x.hours, (CASE WHEN "
        "x.hours < 0 THEN -1 WHEN x.hours < 1 THEN CAST((x.hours * 16) AS INTEGER) WHEN "
        "x.hours < 2 THEN 16 + CAST(((x.hours - 1) * 8.0 / 1) AS INTEGER) WHEN x.hours < 4 "
        "THEN 24 + CAST(((x.hours - 2) * 8.0 / 2) AS INTEGER) WHEN x.hours < 8 THEN 32 + "
        "CAST(((x.hours - 4) * 8.0 / 4) AS INTEGER) WHEN x.hours < 16 THEN 40 + "
        "CAST(((x.hours - 8) * 8.0 / 8) AS INTEGER) WHEN x.hours < 32 THEN 48 + "
        "CAST(((x.hours - 16) * 8.0 / 16) AS INTEGER) WHEN x.hours < 64 THEN 56 + "
        "CAST(((x.hours - 32) * 8.0 / 32) AS INTEGER) WHEN x.hours < 128 THEN 64 + "
        "CAST(((x.hours - 64) * 8.0 / 64) AS INTEGER) WHEN x.hours < 256 THEN 72 + "
        "CAST(((x.hours - 128) * 8.0 / 128) AS INTEGER) WHEN x.hours < 512 THEN 80 + "
        "CAST(((x.hours - 256) * 8.0 / 256) AS INTEGER) WHEN x.hours < 1024 THEN 88 + "
        "CAST(((x.hours - 512) * 8.0 / 512) AS INTEGER) WHEN x.hours < 2048 THEN 96 + "
        "CAST(((x.hours - 1024) * 8.0 / 1024) AS INTEGER) WHEN x.hours < 4096 THEN 104 + "
        "CAST(((x.hours - 2048) * 8.0 / 2048) AS INTEGER) WHEN x.hours < 8192 THEN 112 + "
        "CAST(((x.hours - 4096) * 8.0 / 4096) AS INTEGER) WHEN x.hours < 16384 THEN 120 + "
        "CAST(((x.hours - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM (SELECT d.id, "
        "d.team_id, d.map_id, d.owner_id, r.id AS event_id, ((julianday(r.at) - "
        "julianday(d.created_at)) * 24.0) AS hours FROM deal AS d JOIN deal_event AS r ON "
        "r.id = (SELECT f.id FROM deal_event AS f WHERE f.deal_id = d.id AND f.kind NOT IN "
        "('created', 'migrated') ORDER BY f.id LIMIT 1) WHERE d.id = NEW.deal_id AND NOT "
        "d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name = "
        "'matrix') AND NOT EXISTS (SELECT 1 FROM kpi_response_item AS i WHERE i.deal_id = "
        "d.id)) AS x; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_response_removed AFTER DELETE ON deal_event WHEN "
        "OLD.deal_id IS NOT NULL AND OLD.kind NOT IN ('created', 'migrated') BEGIN DELETE "
        "FROM kpi_response_item WHERE deal_id = OLD.deal_id AND event_id = OLD.id; INSERT "
        "INTO kpi_response_item (deal_id, team_id, map_id, owner_id, event_id, hours, bucket)"
        " SELECT x.id, x.team_id, x.map_id, x.owner_id, x.event_id, x.hours, (CASE WHEN "
        "x.hours < 0 THEN -1 WHEN x.hours < 1 THEN CAST((x.hours * 16) AS INTEGER) WHEN "
        "x.hours < 2 THEN 16 + CAST(((x.hours - 1) * 8.0 / 1) AS INTEGER) WHEN x.hours < 4 "
        "THEN 24 + CAST(((x.hours - 2) * 8.0 / 2) AS INTEGER) WHEN x.hours < 8 THEN 32 + "
        "CAST(((x.hours - 4) * 8.0 / 4) AS INTEGER) WHEN x.hours < 16 THEN 40 + "
        "CAST(((x.hours - 8) * 8.0 / 8) AS INTEGER) WHEN x.hours < 32 THEN 48 + "
        "CAST(((x.hours - 16) * 8.0 / 16) AS INTEGER) WHEN x.hours < 64 THEN 56 + "
        "CAST(((x.hours - 32) * 8.0 / 32) AS INTEGER) WHEN x.hours < 128 THEN 64 + "
        "CAST(((x.hours - 64) * 8.0 / 64) AS INTEGER) WHEN x.hours < 256 THEN 72 + "
        "CAST(((x.hours - 128) * 8.0 / 128) AS INTEGER) WHEN x.hours < 512 THEN 80 + "
        "CAST(((x.hours - 256) * 8.0 / 256) AS INTEGER) WHEN x.hours < 1024 THEN 88 + "
        "CAST(((x.hours - 512) * 8.0 / 512) AS INTEGER) WHEN x.hours < 2048 THEN 96 + "
        "CAST(((x.hours - 1024) * 8.0 / 1024) AS INTEGER) WHEN x.hours < 4096 THEN 104 + "
        "CAST(((x.hours - 2048) * 8.0 / 2048) AS INTEGER) WHEN x.hours < 8192 THEN 112 + "
        "CAST(((x.hours - 4096) * 8.0 / 4096) AS INTEGER) WHEN x.hours < 16384 THEN 120 + "
        "CAST(((x.hours - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM (SELECT d.id, "
        "d.team_id, d.map_id, d.owner_id, r.id AS event_id, ((julianday(r.at) - "
        "julianday(d.created_at)) * 24.0) AS hours FROM deal AS d JOIN deal_event AS r ON "
        "r.id = (SELECT f.id FROM deal_event AS f WHERE f.deal_id = d.id AND f.kind NOT IN "
        "('created', 'migrated') ORDER BY f.id LIMIT 1) WHERE d.id = OLD.deal_id AND NOT "
        "d.is_practice AND d.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name = "
        "'matrix') AND NOT EXISTS (SELECT 1 FROM kpi_response_item AS i WHERE i.deal_id = "
        "d.id)) AS x; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_response_item_added AFTER INSERT ON "
        "kpi_response_item BEGIN INSERT INTO kpi_response_bucket (team_id, map_id, owner_id, "
        "bucket, n, total) VALUES (NEW.team_id, NEW.map_id, NEW.owner_id, NEW.bucket, 1, "
        "NEW.hours) ON CONFLICT (team_id, map_id, owner_id, bucket) DO UPDATE SET n = "
        "kpi_response_bucket.n + excluded.n, total = kpi_response_bucket.total + "
        "excluded.total; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_response_item_removed AFTER DELETE ON "
        "kpi_response_item BEGIN INSERT INTO kpi_response_bucket (team_id, map_id, owner_id, "
        "bucket, n, total) VALUES (OLD.team_id, OLD.map_id, OLD.owner_id, OLD.bucket, -1, "
        "-OLD.hours) ON CONFLICT (team_id, map_id, owner_id, bucket) DO UPDATE SET n = "
        "kpi_response_bucket.n + excluded.n, total = kpi_response_bucket.total + "
        "excluded.total; END"
    ),
    (
        "CREATE TRIGGER IF NOT EXISTS kpi_matrix_deal_changed AFTER UPDATE OF owner_id, "
        "map_id, is_practice, team_id, created_at ON deal WHEN (OLD.owner_id IS NOT "
        "NEW.owner_id OR OLD.map_id IS NOT NEW.map_id OR OLD.is_practice IS NOT "
        "NEW.is_practice OR OLD.team_id IS NOT NEW.team_id OR OLD.created_at IS NOT "
        "NEW.created_at) AND NEW.id < (SELECT next_deal_id FROM kpi_rollup_state WHERE name ="
        " 'matrix') BEGIN INSERT INTO kpi_move_total (team_id, map_id, owner_id, from_stage, "
        "to_stage, moves, migrated) SELECT OLD.team_id, OLD.map_id, OLD.owner_id, "
        "e.from_stage, e.to_stage, - count(*), - sum(CASE WHEN e.kind = 'migrated' THEN 1 "
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
        "(team_id, map_id, owner_id, what, coalesce(stage, ''), coalesce(key, '')) DO UPDATE "
        "SET n = kpi_counted_total.n + excluded.n; INSERT INTO kpi_move_total (team_id, "
        "map_id, owner_id, from_stage, to_stage, moves, migrated) SELECT NEW.team_id, "
        "NEW.map_id, NEW.owner_id, e.from_stage, e.to_stage, count(*), sum(CASE WHEN e.kind ="
        " 'migrated' THEN 1 ELSE 0 END) FROM deal_event AS e WHERE e.deal_id = NEW.id AND "
        "e.stay_started_at IS NOT NULL AND e.from_stage IS NOT NULL AND e.to_stage IS NOT "
        "NULL AND NOT NEW.is_practice GROUP BY e.from_stage, e.to_stage ORDER BY "
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
        "CONFLICT (team_id, map_id, owner_id, what, coalesce(stage, ''), coalesce(key, '')) "
        "DO UPDATE SET n = kpi_counted_total.n + excluded.n; DELETE FROM kpi_stay_item WHERE "
        "deal_id = NEW.id; INSERT INTO kpi_stay_item (deal_id, stage, team_id, map_id, "
        "owner_id, cumulative, latest, cumulative_bucket, latest_bucket) SELECT NEW.id, "
        "g.stage, NEW.team_id, NEW.map_id, NEW.owner_id, g.cumulative, g.latest, (CASE WHEN "
        "g.cumulative < 0 THEN -1 WHEN g.cumulative < 1 THEN CAST((g.cumulative * 16) AS "
        "INTEGER) WHEN g.cumulative < 2 THEN 16 + CAST(((g.cumulative - 1) * 8.0 / 1) AS "
        "INTEGER) WHEN g.cumulative < 4 THEN 24 + CAST(((g.cumulative - 2) * 8.0 / 2) AS "
        "INTEGER) WHEN g.cumulative < 8 THEN 32 + CAST(((g.cumulative - 4) * 8.0 / 4) AS "
        "INTEGER) WHEN g.cumulative < 16 THEN 40 + CAST(((g.cumulative - 8) * 8.0 / 8) AS "
        "INTEGER) WHEN g.cumulative < 32 THEN 48 + CAST(((g.cumulative - 16) * 8.0 / 16) AS "
        "INTEGER) WHEN g.cumulative < 64 THEN 56 + CAST(((g.cumulative - 32) * 8.0 / 32) AS "
        "INTEGER) WHEN g.cumulative < 128 THEN 64 + CAST(((g.cumulative - 64) * 8.0 / 64) AS "
        "INTEGER) WHEN g.cumulative < 256 THEN 72 + CAST(((g.cumulative - 128) * 8.0 / 128) "
        "AS INTEGER) WHEN g.cumulative < 512 THEN 80 + CAST(((g.cumulative - 256) * 8.0 / "
        "256) AS INTEGER) WHEN g.cumulative < 1024 THEN 88 + CAST(((g.cumulative - 512) * 8.0"
        " / 512) AS INTEGER) WHEN g.cumulative < 2048 THEN 96 + CAST(((g.cumulative - 1024) *"
        " 8.0 / 1024) AS INTEGER) WHEN g.cumulative < 4096 THEN 104 + CAST(((g.cumulative - "
        "2048) * 8.0 / 2048) AS INTEGER) WHEN g.cumulative < 8192 THEN 112 + "
        "CAST(((g.cumulative - 4096) * 8.0 / 4096) AS INTEGER) WHEN g.cumulative < 16384 THEN"
        " 120 + CAST(((g.cumulative - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END), (CASE "
        "WHEN g.latest < 0 THEN -1 WHEN g.latest < 1 THEN CAST((g.latest * 16) AS INTEGER) "
        "WHEN g.latest < 2 THEN 16 + CAST(((g.latest - 1) * 8.0 / 1) AS INTEGER) WHEN "
        "g.latest < 4 THEN 24 + CAST(((g.latest - 2) * 8.0 / 2) AS INTEGER) WHEN g.latest < 8"
        " THEN 32 + CAST(((g.latest - 4) * 8.0 / 4) AS INTEGER) WHEN g.latest < 16 THEN 40 + "
        "CAST(((g.latest - 8) * 8.0 / 8) AS INTEGER) WHEN g.latest < 32 THEN 48 + "
        "CAST(((g.latest - 16) * 8.0 / 16) AS INTEGER) WHEN g.latest < 64 THEN 56 + "
        "CAST(((g.latest - 32) * 8.0 / 32) AS INTEGER) WHEN g.latest < 128 THEN 64 + "
        "CAST(((g.latest - 64) * 8.0 / 64) AS INTEGER) WHEN g.latest < 256 THEN 72 + "
        "CAST(((g.latest - 128) * 8.0 / 128) AS INTEGER) WHEN g.latest < 512 THEN 80 + "
        "CAST(((g.latest - 256) * 8.0 / 256) AS INTEGER) WHEN g.latest < 1024 THEN 88 + "
        "CAST(((g.latest - 512) * 8.0 / 512) AS INTEGER) WHEN g.latest < 2048 THEN 96 + "
        "CAST(((g.latest - 1024) * 8.0 / 1024) AS INTEGER) WHEN g.latest < 4096 THEN 104 + "
        "CAST(((g.latest - 2048) * 8.0 / 2048) AS INTEGER) WHEN g.latest < 8192 THEN 112 + "
        "CAST(((g.latest - 4096) * 8.0 / 4096) AS INTEGER) WHEN g.latest < 16384 THEN 120 + "
        "CAST(((g.latest - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM (SELECT "
        "e.from_stage AS stage, sum(e.stay_days) AS cumulative, (SELECT l.stay_days FROM "
        "deal_event AS l WHERE l.team_id = NEW.team_id AND l.deal_id = NEW.id AND "
        "l.from_stage = e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY "
        "l.stay_started_at DESC, l.at DESC LIMIT 1) AS latest FROM deal_event AS e WHERE "
        "e.team_id = NEW.team_id AND e.deal_id = NEW.id AND e.from_stage || '' <> '' AND "
        "e.stay_started_at IS NOT NULL GROUP BY e.from_stage) AS g WHERE g.cumulative IS NOT "
        "NULL AND g.latest IS NOT NULL AND NOT NEW.is_practice; DELETE FROM kpi_response_item"
        " WHERE deal_id = NEW.id; INSERT INTO kpi_response_item (deal_id, team_id, map_id, "
        "owner_id, event_id, hours, bucket) SELECT x.id, x.team_id, x.map_id, x.owner_id, "
        "x.event_id, x.hours, (CASE WHEN x.hours < 0 THEN -1 WHEN x.hours < 1 THEN "
        "CAST((x.hours * 16) AS INTEGER) WHEN x.hours < 2 THEN 16 + CAST(((x.hours - 1) * 8.0"
        " / 1) AS INTEGER) WHEN x.hours < 4 THEN 24 + CAST(((x.hours - 2) * 8.0 / 2) AS "
        "INTEGER) WHEN x.hours < 8 THEN 32 + CAST(((x.hours - 4) * 8.0 / 4) AS INTEGER) WHEN "
        "x.hours < 16 THEN 40 + CAST(((x.hours - 8) * 8.0 / 8) AS INTEGER) WHEN x.hours < 32 "
        "THEN 48 + CAST(((x.hours - 16) * 8.0 / 16) AS INTEGER) WHEN x.hours < 64 THEN 56 + "
        "CAST(((x.hours - 32) * 8.0 / 32) AS INTEGER) WHEN x.hours < 128 THEN 64 + "
        "CAST(((x.hours - 64) * 8.0 / 64) AS INTEGER) WHEN x.hours < 256 THEN 72 + "
        "CAST(((x.hours - 128) * 8.0 / 128) AS INTEGER) WHEN x.hours < 512 THEN 80 + "
        "CAST(((x.hours - 256) * 8.0 / 256) AS INTEGER) WHEN x.hours < 1024 THEN 88 + "
        "CAST(((x.hours - 512) * 8.0 / 512) AS INTEGER) WHEN x.hours < 2048 THEN 96 + "
        "CAST(((x.hours - 1024) * 8.0 / 1024) AS INTEGER) WHEN x.hours < 4096 THEN 104 + "
        "CAST(((x.hours - 2048) * 8.0 / 2048) AS INTEGER) WHEN x.hours < 8192 THEN 112 + "
        "CAST(((x.hours - 4096) * 8.0 / 4096) AS INTEGER) WHEN x.hours < 16384 THEN 120 + "
        "CAST(((x.hours - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM (SELECT d.id, "
        "d.team_id, d.map_id, d.owner_id, r.id AS event_id, ((julianday(r.at) - "
        "julianday(d.created_at)) * 24.0) AS hours FROM deal AS d JOIN deal_event AS r ON "
        "r.id = (SELECT f.id FROM deal_event AS f WHERE f.deal_id = d.id AND f.kind NOT IN "
        "('created', 'migrated') ORDER BY f.id LIMIT 1) WHERE d.id = NEW.id AND NOT "
        "d.is_practice AND NOT EXISTS (SELECT 1 FROM kpi_response_item AS i WHERE i.deal_id ="
        " d.id)) AS x; END"
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
        "g.stage, NEW.team_id, NEW.map_id, NEW.owner_id, g.cumulative, g.latest, (CASE WHEN "
        "g.cumulative < 0 THEN -1 WHEN g.cumulative < 1 THEN CAST(FLOOR(g.cumulative * 16) AS"
        " INTEGER) WHEN g.cumulative < 2 THEN 16 + CAST(FLOOR((g.cumulative - 1) * 8.0 / 1) "
        "AS INTEGER) WHEN g.cumulative < 4 THEN 24 + CAST(FLOOR((g.cumulative - 2) * 8.0 / 2)"
        " AS INTEGER) WHEN g.cumulative < 8 THEN 32 + CAST(FLOOR((g.cumulative - 4) * 8.0 / "
        "4) AS INTEGER) WHEN g.cumulative < 16 THEN 40 + CAST(FLOOR((g.cumulative - 8) * 8.0 "
        "/ 8) AS INTEGER) WHEN g.cumulative < 32 THEN 48 + CAST(FLOOR((g.cumulative - 16) * "
        "8.0 / 16) AS INTEGER) WHEN g.cumulative < 64 THEN 56 + CAST(FLOOR((g.cumulative - "
        "32) * 8.0 / 32) AS INTEGER) WHEN g.cumulative < 128 THEN 64 + "
        "CAST(FLOOR((g.cumulative - 64) * 8.0 / 64) AS INTEGER) WHEN g.cumulative < 256 THEN "
        "72 + CAST(FLOOR((g.cumulative - 128) * 8.0 / 128) AS INTEGER) WHEN g.cumulative < "
        "512 THEN 80 + CAST(FLOOR((g.cumulative - 256) * 8.0 / 256) AS INTEGER) WHEN "
        "g.cumulative < 1024 THEN 88 + CAST(FLOOR((g.cumulative - 512) * 8.0 / 512) AS "
        "INTEGER) WHEN g.cumulative < 2048 THEN 96 + CAST(FLOOR((g.cumulative - 1024) * 8.0 /"
        " 1024) AS INTEGER) WHEN g.cumulative < 4096 THEN 104 + CAST(FLOOR((g.cumulative - "
        "2048) * 8.0 / 2048) AS INTEGER) WHEN g.cumulative < 8192 THEN 112 + "
        "CAST(FLOOR((g.cumulative - 4096) * 8.0 / 4096) AS INTEGER) WHEN g.cumulative < 16384"
        " THEN 120 + CAST(FLOOR((g.cumulative - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 "
        "END), (CASE WHEN g.latest < 0 THEN -1 WHEN g.latest < 1 THEN CAST(FLOOR(g.latest * "
        "16) AS INTEGER) WHEN g.latest < 2 THEN 16 + CAST(FLOOR((g.latest - 1) * 8.0 / 1) AS "
        "INTEGER) WHEN g.latest < 4 THEN 24 + CAST(FLOOR((g.latest - 2) * 8.0 / 2) AS "
        "INTEGER) WHEN g.latest < 8 THEN 32 + CAST(FLOOR((g.latest - 4) * 8.0 / 4) AS "
        "INTEGER) WHEN g.latest < 16 THEN 40 + CAST(FLOOR((g.latest - 8) * 8.0 / 8) AS "
        "INTEGER) WHEN g.latest < 32 THEN 48 + CAST(FLOOR((g.latest - 16) * 8.0 / 16) AS "
        "INTEGER) WHEN g.latest < 64 THEN 56 + CAST(FLOOR((g.latest - 32) * 8.0 / 32) AS "
        "INTEGER) WHEN g.latest < 128 THEN 64 + CAST(FLOOR((g.latest - 64) * 8.0 / 64) AS "
        "INTEGER) WHEN g.latest < 256 THEN 72 + CAST(FLOOR((g.latest - 128) * 8.0 / 128) AS "
        "INTEGER) WHEN g.latest < 512 THEN 80 + CAST(FLOOR((g.latest - 256) * 8.0 / 256) AS "
        "INTEGER) WHEN g.latest < 1024 THEN 88 + CAST(FLOOR((g.latest - 512) * 8.0 / 512) AS "
        "INTEGER) WHEN g.latest < 2048 THEN 96 + CAST(FLOOR((g.latest - 1024) * 8.0 / 1024) "
        "AS INTEGER) WHEN g.latest < 4096 THEN 104 + CAST(FLOOR((g.latest - 2048) * 8.0 / "
        "2048) AS INTEGER) WHEN g.latest < 8192 THEN 112 + CAST(FLOOR((g.latest - 4096) * 8.0"
        " / 4096) AS INTEGER) WHEN g.latest < 16384 THEN 120 + CAST(FLOOR((g.latest - 8192) *"
        " 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM (SELECT e.from_stage AS stage, "
        "sum(e.stay_days) AS cumulative, (SELECT l.stay_days FROM deal_event AS l WHERE "
        "l.team_id = NEW.team_id AND l.deal_id = NEW.id AND l.from_stage = e.from_stage AND "
        "l.stay_started_at IS NOT NULL ORDER BY l.stay_started_at DESC, l.at DESC LIMIT 1) AS"
        " latest FROM deal_event AS e WHERE e.team_id = NEW.team_id AND e.deal_id = NEW.id "
        "AND e.from_stage || '' <> '' AND e.stay_started_at IS NOT NULL GROUP BY "
        "e.from_stage) AS g WHERE g.cumulative IS NOT NULL AND g.latest IS NOT NULL AND NOT "
        "NEW.is_practice; DELETE FROM kpi_response_item WHERE deal_id = NEW.id; INSERT INTO "
        "kpi_response_item (deal_id, team_id, map_id, owner_id, event_id, hours, bucket) "
        "SELECT x.id, x.team_id, x.map_id, x.owner_id, x.event_id, x.hours, (CASE WHEN "
        "x.hours < 0 THEN -1 WHEN x.hours < 1 THEN CAST(FLOOR(x.hours * 16) AS INTEGER) WHEN "
        "x.hours < 2 THEN 16 + CAST(FLOOR((x.hours - 1) * 8.0 / 1) AS INTEGER) WHEN x.hours <"
        " 4 THEN 24 + CAST(FLOOR((x.hours - 2) * 8.0 / 2) AS INTEGER) WHEN x.hours < 8 THEN "
        "32 + CAST(FLOOR((x.hours - 4) * 8.0 / 4) AS INTEGER) WHEN x.hours < 16 THEN 40 + "
        "CAST(FLOOR((x.hours - 8) * 8.0 / 8) AS INTEGER) WHEN x.hours < 32 THEN 48 + "
        "CAST(FLOOR((x.hours - 16) * 8.0 / 16) AS INTEGER) WHEN x.hours < 64 THEN 56 + "
        "CAST(FLOOR((x.hours - 32) * 8.0 / 32) AS INTEGER) WHEN x.hours < 128 THEN 64 + "
        "CAST(FLOOR((x.hours - 64) * 8.0 / 64) AS INTEGER) WHEN x.hours < 256 THEN 72 + "
        "CAST(FLOOR((x.hours - 128) * 8.0 / 128) AS INTEGER) WHEN x.hours < 512 THEN 80 + "
        "CAST(FLOOR((x.hours - 256) * 8.0 / 256) AS INTEGER) WHEN x.hours < 1024 THEN 88 + "
        "CAST(FLOOR((x.hours - 512) * 8.0 / 512) AS INTEGER) WHEN x.hours < 2048 THEN 96 + "
        "CAST(FLOOR((x.hours - 1024) * 8.0 / 1024) AS INTEGER) WHEN x.hours < 4096 THEN 104 +"
        " CAST(FLOOR((x.hours - 2048) * 8.0 / 2048) AS INTEGER) WHEN x.hours < 8192 THEN 112 "
        "+ CAST(FLOOR((x.hours - 4096) * 8.0 / 4096) AS INTEGER) WHEN x.hours < 16384 THEN "
        "120 + CAST(FLOOR((x.hours - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM "
        "(SELECT d.id, d.team_id, d.map_id, d.owner_id, r.id AS event_id, "
        "((date_part('epoch', r.at - d.created_at) / 86400.0) * 24.0) AS hours FROM deal AS d"
        " JOIN deal_event AS r ON r.id = (SELECT f.id FROM deal_event AS f WHERE f.deal_id = "
        "d.id AND f.kind NOT IN ('created', 'migrated') ORDER BY f.id LIMIT 1) WHERE d.id = "
        "NEW.id AND NOT d.is_practice AND NOT EXISTS (SELECT 1 FROM kpi_response_item AS i "
        "WHERE i.deal_id = d.id)) AS x; END IF; RETURN NULL; END $$"
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
        "is_practice, team_id, created_at ON deal FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT"
        " FROM NEW.owner_id OR OLD.map_id IS DISTINCT FROM NEW.map_id OR OLD.is_practice IS "
        "DISTINCT FROM NEW.is_practice OR OLD.team_id IS DISTINCT FROM NEW.team_id OR "
        "OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION "
        "kpi_matrix_deal_changed()"
    ),
    (
        "CREATE OR REPLACE FUNCTION kpi_stays_events_changed() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ BEGIN DELETE FROM kpi_stay_item AS i USING (SELECT DISTINCT team_id, "
        "deal_id, from_stage FROM changed WHERE changed.stay_started_at IS NOT NULL AND "
        "changed.from_stage IS NOT NULL) AS c WHERE i.deal_id = c.deal_id AND i.stage = "
        "c.from_stage; INSERT INTO kpi_stay_item (deal_id, stage, team_id, map_id, owner_id, "
        "cumulative, latest, cumulative_bucket, latest_bucket) SELECT d.id, g.stage, "
        "d.team_id, d.map_id, d.owner_id, g.cumulative, g.latest, (CASE WHEN g.cumulative < 0"
        " THEN -1 WHEN g.cumulative < 1 THEN CAST(FLOOR(g.cumulative * 16) AS INTEGER) WHEN "
        "g.cumulative < 2 THEN 16 + CAST(FLOOR((g.cumulative - 1) * 8.0 / 1) AS INTEGER) WHEN"
        " g.cumulative < 4 THEN 24 + CAST(FLOOR((g.cumulative - 2) * 8.0 / 2) AS INTEGER) "
        "WHEN g.cumulative < 8 THEN 32 + CAST(FLOOR((g.cumulative - 4) * 8.0 / 4) AS INTEGER)"
        " WHEN g.cumulative < 16 THEN 40 + CAST(FLOOR((g.cumulative - 8) * 8.0 / 8) AS "
        "INTEGER) WHEN g.cumulative < 32 THEN 48 + CAST(FLOOR((g.cumulative - 16) * 8.0 / 16)"
        " AS INTEGER) WHEN g.cumulative < 64 THEN 56 + CAST(FLOOR((g.cumulative - 32) * 8.0 /"
        " 32) AS INTEGER) WHEN g.cumulative < 128 THEN 64 + CAST(FLOOR((g.cumulative - 64) * "
        "8.0 / 64) AS INTEGER) WHEN g.cumulative < 256 THEN 72 + CAST(FLOOR((g.cumulative - "
        "128) * 8.0 / 128) AS INTEGER) WHEN g.cumulative < 512 THEN 80 + "
        "CAST(FLOOR((g.cumulative - 256) * 8.0 / 256) AS INTEGER) WHEN g.cumulative < 1024 "
        "THEN 88 + CAST(FLOOR((g.cumulative - 512) * 8.0 / 512) AS INTEGER) WHEN g.cumulative"
        " < 2048 THEN 96 + CAST(FLOOR((g.cumulative - 1024) * 8.0 / 1024) AS INTEGER) WHEN "
        "g.cumulative < 4096 THEN 104 + CAST(FLOOR((g.cumulative - 2048) * 8.0 / 2048) AS "
        "INTEGER) WHEN g.cumulative < 8192 THEN 112 + CAST(FLOOR((g.cumulative - 4096) * 8.0 "
        "/ 4096) AS INTEGER) WHEN g.cumulative < 16384 THEN 120 + CAST(FLOOR((g.cumulative - "
        "8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END), (CASE WHEN g.latest < 0 THEN -1 WHEN "
        "g.latest < 1 THEN CAST(FLOOR(g.latest * 16) AS INTEGER) WHEN g.latest < 2 THEN 16 + "
        "CAST(FLOOR((g.latest - 1) * 8.0 / 1) AS INTEGER) WHEN g.latest < 4 THEN 24 + "
        "CAST(FLOOR((g.latest - 2) * 8.0 / 2) AS INTEGER) WHEN g.latest < 8 THEN 32 + "
        "CAST(FLOOR((g.latest - 4) * 8.0 / 4) AS INTEGER) WHEN g.latest < 16 THEN 40 + "
        "CAST(FLOOR((g.latest - 8) * 8.0 / 8) AS INTEGER) WHEN g.latest < 32 THEN 48 + "
        "CAST(FLOOR((g.latest - 16) * 8.0 / 16) AS INTEGER) WHEN g.latest < 64 THEN 56 + "
        "CAST(FLOOR((g.latest - 32) * 8.0 / 32) AS INTEGER) WHEN g.latest < 128 THEN 64 + "
        "CAST(FLOOR((g.latest - 64) * 8.0 / 64) AS INTEGER) WHEN g.latest < 256 THEN 72 + "
        "CAST(FLOOR((g.latest - 128) * 8.0 / 128) AS INTEGER) WHEN g.latest < 512 THEN 80 + "
        "CAST(FLOOR((g.latest - 256) * 8.0 / 256) AS INTEGER) WHEN g.latest < 1024 THEN 88 + "
        "CAST(FLOOR((g.latest - 512) * 8.0 / 512) AS INTEGER) WHEN g.latest < 2048 THEN 96 + "
        "CAST(FLOOR((g.latest - 1024) * 8.0 / 1024) AS INTEGER) WHEN g.latest < 4096 THEN 104"
        " + CAST(FLOOR((g.latest - 2048) * 8.0 / 2048) AS INTEGER) WHEN g.latest < 8192 THEN "
        "112 + CAST(FLOOR((g.latest - 4096) * 8.0 / 4096) AS INTEGER) WHEN g.latest < 16384 "
        "THEN 120 + CAST(FLOOR((g.latest - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM"
        " (SELECT DISTINCT team_id, deal_id, from_stage FROM changed WHERE "
        "changed.stay_started_at IS NOT NULL AND changed.from_stage IS NOT NULL) AS c CROSS "
        "JOIN LATERAL (SELECT * FROM deal WHERE deal.id = c.deal_id LIMIT 1) AS d CROSS JOIN "
        "LATERAL (SELECT e.from_stage AS stage, sum(e.stay_days) AS cumulative, (SELECT "
        "l.stay_days FROM deal_event AS l WHERE l.team_id = c.team_id AND l.deal_id = "
        "c.deal_id AND l.from_stage = e.from_stage AND l.stay_started_at IS NOT NULL ORDER BY"
        " l.stay_started_at DESC, l.at DESC LIMIT 1) AS latest FROM deal_event AS e WHERE "
        "e.team_id = c.team_id AND e.deal_id = c.deal_id AND e.from_stage || '' = "
        "c.from_stage AND e.stay_started_at IS NOT NULL GROUP BY e.from_stage) AS g WHERE "
        "g.cumulative IS NOT NULL AND g.latest IS NOT NULL AND NOT d.is_practice AND d.id < "
        "(SELECT next_deal_id FROM kpi_rollup_state WHERE name = 'matrix') ORDER BY d.id, "
        "g.stage; RETURN NULL; END $$"
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
    (
        "CREATE OR REPLACE FUNCTION kpi_response_events_changed() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ BEGIN IF TG_OP = 'INSERT' THEN DELETE FROM kpi_response_item AS i "
        "USING (SELECT deal_id, min(id) AS id FROM changed WHERE changed.deal_id IS NOT NULL "
        "AND changed.kind NOT IN ('created', 'migrated') GROUP BY deal_id) AS c WHERE "
        "i.deal_id = c.deal_id AND i.event_id > c.id; ELSE DELETE FROM kpi_response_item AS i"
        " USING changed AS c WHERE i.deal_id = c.deal_id AND i.event_id = c.id; END IF; "
        "INSERT INTO kpi_response_item (deal_id, team_id, map_id, owner_id, event_id, hours, "
        "bucket) SELECT x.id, x.team_id, x.map_id, x.owner_id, x.event_id, x.hours, (CASE "
        "WHEN x.hours < 0 THEN -1 WHEN x.hours < 1 THEN CAST(FLOOR(x.hours * 16) AS INTEGER) "
        "WHEN x.hours < 2 THEN 16 + CAST(FLOOR((x.hours - 1) * 8.0 / 1) AS INTEGER) WHEN "
        "x.hours < 4 THEN 24 + CAST(FLOOR((x.hours - 2) * 8.0 / 2) AS INTEGER) WHEN x.hours <"
        " 8 THEN 32 + CAST(FLOOR((x.hours - 4) * 8.0 / 4) AS INTEGER) WHEN x.hours < 16 THEN "
        "40 + CAST(FLOOR((x.hours - 8) * 8.0 / 8) AS INTEGER) WHEN x.hours < 32 THEN 48 + "
        "CAST(FLOOR((x.hours - 16) * 8.0 / 16) AS INTEGER) WHEN x.hours < 64 THEN 56 + "
        "CAST(FLOOR((x.hours - 32) * 8.0 / 32) AS INTEGER) WHEN x.hours < 128 THEN 64 + "
        "CAST(FLOOR((x.hours - 64) * 8.0 / 64) AS INTEGER) WHEN x.hours < 256 THEN 72 + "
        "CAST(FLOOR((x.hours - 128) * 8.0 / 128) AS INTEGER) WHEN x.hours < 512 THEN 80 + "
        "CAST(FLOOR((x.hours - 256) * 8.0 / 256) AS INTEGER) WHEN x.hours < 1024 THEN 88 + "
        "CAST(FLOOR((x.hours - 512) * 8.0 / 512) AS INTEGER) WHEN x.hours < 2048 THEN 96 + "
        "CAST(FLOOR((x.hours - 1024) * 8.0 / 1024) AS INTEGER) WHEN x.hours < 4096 THEN 104 +"
        " CAST(FLOOR((x.hours - 2048) * 8.0 / 2048) AS INTEGER) WHEN x.hours < 8192 THEN 112 "
        "+ CAST(FLOOR((x.hours - 4096) * 8.0 / 4096) AS INTEGER) WHEN x.hours < 16384 THEN "
        "120 + CAST(FLOOR((x.hours - 8192) * 8.0 / 8192) AS INTEGER) ELSE 128 END) FROM "
        "(SELECT d.id, d.team_id, d.map_id, d.owner_id, r.id AS event_id, "
        "((date_part('epoch', r.at - d.created_at) / 86400.0) * 24.0) AS hours FROM (SELECT "
        "DISTINCT deal_id FROM changed WHERE changed.deal_id IS NOT NULL AND changed.kind NOT"
        " IN ('created', 'migrated')) AS c CROSS JOIN LATERAL (SELECT * FROM deal WHERE "
        "deal.id = c.deal_id LIMIT 1) AS d JOIN deal_event AS r ON r.id = (SELECT f.id FROM "
        "deal_event AS f WHERE f.deal_id = d.id AND f.kind NOT IN ('created', 'migrated') "
        "ORDER BY f.id LIMIT 1) WHERE NOT d.is_practice AND d.id < (SELECT next_deal_id FROM "
        "kpi_rollup_state WHERE name = 'matrix') AND NOT EXISTS (SELECT 1 FROM "
        "kpi_response_item AS i WHERE i.deal_id = d.id)) AS x ORDER BY x.id; RETURN NULL; END"
        " $$"
    ),
    (
        "CREATE OR REPLACE FUNCTION kpi_response_item_changed() RETURNS trigger LANGUAGE "
        "plpgsql AS $$ BEGIN IF TG_OP = 'INSERT' THEN INSERT INTO kpi_response_bucket "
        "(team_id, map_id, owner_id, bucket, n, total) VALUES (NEW.team_id, NEW.map_id, "
        "NEW.owner_id, NEW.bucket, 1, NEW.hours) ON CONFLICT (team_id, map_id, owner_id, "
        "bucket) DO UPDATE SET n = kpi_response_bucket.n + excluded.n, total = "
        "kpi_response_bucket.total + excluded.total; ELSE INSERT INTO kpi_response_bucket "
        "(team_id, map_id, owner_id, bucket, n, total) VALUES (OLD.team_id, OLD.map_id, "
        "OLD.owner_id, OLD.bucket, -1, -OLD.hours) ON CONFLICT (team_id, map_id, owner_id, "
        "bucket) DO UPDATE SET n = kpi_response_bucket.n + excluded.n, total = "
        "kpi_response_bucket.total + excluded.total; END IF; RETURN NULL; END $$"
    ),
    ("DROP TRIGGER IF EXISTS kpi_response_events_added ON deal_event"),
    (
        "CREATE TRIGGER kpi_response_events_added AFTER INSERT ON deal_event REFERENCING NEW "
        "TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION kpi_response_events_changed()"
    ),
    ("DROP TRIGGER IF EXISTS kpi_response_events_removed ON deal_event"),
    (
        "CREATE TRIGGER kpi_response_events_removed AFTER DELETE ON deal_event REFERENCING "
        "OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "
        "kpi_response_events_changed()"
    ),
    ("DROP TRIGGER IF EXISTS kpi_response_item_changed ON kpi_response_item"),
    (
        "CREATE TRIGGER kpi_response_item_changed AFTER INSERT OR DELETE ON kpi_response_item"
        " FOR EACH ROW EXECUTE FUNCTION kpi_response_item_changed()"
    ),
)


def upgrade() -> None:
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:  # TRUNCATE fires no row or statement trigger
        op.execute(f"TRUNCATE {', '.join(TOTALS)}")
    else:
        for trigger in SQLITE_BEFORE:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for table in TOTALS:
            op.execute(f"DELETE FROM {table}")
    _tables()
    for statement in POSTGRESQL if postgresql else SQLITE:
        connection.exec_driver_sql(statement)
    has_deals = connection.execute(sa.text("SELECT 1 FROM deal LIMIT 1")).first() is not None
    op.execute(
        sa.text("UPDATE kpi_rollup_state SET next_deal_id = :reach WHERE name = :name").bindparams(
            name=MATRIX, reach=0 if has_deals else ALL_DEALS
        )
    )


def _key() -> list[sa.Column]:
    return [
        sa.Column("team_id", _TEXT(length=32), nullable=False),
        sa.Column("map_id", _TEXT(length=40), nullable=False),
        sa.Column("owner_id", _TEXT(length=32), nullable=False),
    ]


def _tables() -> None:
    op.create_table(
        "kpi_response_item",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        *_key(),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("deal_id"),
    )
    op.create_index(
        "ix_kpi_response_item_hours",
        "kpi_response_item",
        ["team_id", "map_id", "bucket", "hours", "owner_id"],
    )
    op.create_table(
        "kpi_response_bucket",
        *_key(),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "map_id", "owner_id", "bucket"),
    )


def downgrade() -> None:
    """Back to revision 0025's triggers (its own statements), without the new tables; the
    totals are counted afresh, as on the way up."""
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for trigger, table in (
            ("kpi_response_events_added", "deal_event"),
            ("kpi_response_events_removed", "deal_event"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        for function in ("kpi_response_events_changed", "kpi_response_item_changed"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}() CASCADE")
    else:
        for trigger in (*SQLITE_BEFORE, *SQLITE_ADDED):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("kpi_response_bucket")
    op.drop_index("ix_kpi_response_item_hours", table_name="kpi_response_item")
    op.drop_table("kpi_response_item")
    before = _revision_0025()
    if connection.dialect.name == "postgresql":
        op.execute(f"TRUNCATE {', '.join(TOTALS)}")
    else:
        for table in TOTALS:
            op.execute(f"DELETE FROM {table}")
    for statement in (
        before.POSTGRESQL if connection.dialect.name == "postgresql" else before.SQLITE
    ):
        connection.exec_driver_sql(statement)
    has_deals = connection.execute(sa.text("SELECT 1 FROM deal LIMIT 1")).first() is not None
    op.execute(
        sa.text("UPDATE kpi_rollup_state SET next_deal_id = :reach WHERE name = :name").bindparams(
            name=MATRIX, reach=0 if has_deals else ALL_DEALS
        )
    )


def _revision_0025():  # noqa: ANN202  (a migration module, loaded by its path)
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("0025_kpi_totals.py")
    spec = importlib.util.spec_from_file_location("revision_0025", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

"""SQL fragments every trigger of the running totals shares (storage.rollup_triggers,
storage.rollup_responses): how far the totals reach, and a statement's look-up of an
event's deal."""

from __future__ import annotations

from storage.rollup_models import MATRIX

# deals with an id below it are counted (storage.rollup_backfill moves it)
REACH = f"(SELECT next_deal_id FROM kpi_rollup_state WHERE name = '{MATRIX}')"

# A statement's events look their deal up by id, one each (`LIMIT 1` keeps PostgreSQL
# from turning it back into a join): as a join, it hashed every deal of the table for
# each batch of an import (a million at 1M deals), its statistics not knowing how few
# the batch touches.
ONE_DEAL = "(SELECT * FROM deal WHERE deal.id = {e}.deal_id LIMIT 1) AS d"

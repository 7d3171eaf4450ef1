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

OCTAVES = 14  # of the value's unit: the last bucket holds everything from 2**14 units on


def bucket(dialect: str, x: str) -> str:
    """The bucket of the value `x` (SQL): 16 per unit below 1, then 8 per doubling (1 to 2,
    2 to 4, …), every negative value in one. In value order, which is all a percentile's
    look-up needs (storage.bucket_ranks); a few dozen buckets per stage and owner, where
    a fixed width made one per quarter-day up to the longest stay (some 300,000 rows to
    add up per report at 1,000,000 deals, for 66 owners)."""
    whole = "CAST(({}) AS INTEGER)" if dialect == "sqlite" else "CAST(FLOOR({}) AS INTEGER)"
    steps = [f"WHEN {x} < 0 THEN -1", f"WHEN {x} < 1 THEN {whole.format(f'{x} * 16')}"]
    for octave in range(OCTAVES):
        low = 2**octave
        within = whole.format(f"({x} - {low}) * 8.0 / {low}")  # powers of 2: exact
        steps.append(f"WHEN {x} < {2 * low} THEN {16 + 8 * octave} + {within}")
    return f"(CASE {' '.join(steps)} ELSE {16 + 8 * OCTAVES} END)"

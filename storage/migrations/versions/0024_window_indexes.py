"""the stage entries in time order, and the completed stays by when they began: a report
over a window reads the window, not the whole history

Every KPI index led with the team and then a stage or a deal, and a window was a filter
inside it: `/deal stats` for the last 90 days read every stay and every stage entry of
the workspace's history to keep the few in the window, so it cost ten times more at ten
times the history (issue #23). These two indexes put the window's time right after the
team, so a bounded window is one range of each (docs/kpis.md, "How the numbers stay
fast"):

- ix_deal_event_entries_at, the stage entries by `at`: the moves made in the window
  (transition matrix), the deals that entered a won stage in the window (cycle length,
  won amounts) and the window's moves that may have passed gates (deviations);
- ix_deal_event_stays_began, the entries that end a stay by `stay_started_at`: the stays
  that began in the window (time in stage, and the matrix's stays begun in the window
  that ended after it).

Both are partial like the indexes they sit beside, and hold every column those queries
read, so neither database reads the table beside them. On the deals, for the deal-side
KPIs that read every deal of the map in ix_deal_kpis' id order:

- ix_deal_kpis_created, by creation time: first response over a window reads the deals
  created in it;
- ix_deal_team_status_entered (the deal list's, by status and the time the deal entered
  it) gets the map and the owner at its end, so the status counts read it alone: the open
  and nurture deals (a snapshot, whatever the window) and the window's losses and
  disqualifications, not the won deals nor older losses. Widened rather than a new
  index: a deal's every move rewrites its entries in both, and the list keeps its order.

Revision ID: 7d3e9a1c5b28
Revises: 5c1d8e3a7b42
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d3e9a1c5b28"
down_revision: str | None = "5c1d8e3a7b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTRIES_WHERE = sa.text("to_stage IS NOT NULL")
ENTRIES_AT = [
    "team_id",
    "at",
    "kind",
    "to_stage",
    "from_stage",
    "deal_id",
    "stay_started_at",
    "id",
]
STAYS_WHERE = sa.text("stay_started_at IS NOT NULL")
STAYS_BEGAN = [
    "team_id",
    "stay_started_at",
    "deal_id",
    "from_stage",
    "stay_days",
    "at",
    "to_stage",
    "kind",
]


DEALS_CREATED = ["team_id", "map_id", "is_practice", "created_at", "id", "owner_id"]
STATUS_ENTERED = ["team_id", "status", "is_practice", "stage_entered_at"]
STATUS_WIDE = [*STATUS_ENTERED, "map_id", "owner_id"]


def upgrade() -> None:
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index("ix_deal_kpis_created", DEALS_CREATED, unique=False)
        batch_op.drop_index("ix_deal_team_status_entered")
        batch_op.create_index("ix_deal_team_status_entered", STATUS_WIDE, unique=False)
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deal_event_entries_at",
            ENTRIES_AT,
            unique=False,
            sqlite_where=ENTRIES_WHERE,
            postgresql_where=ENTRIES_WHERE,
        )
        batch_op.create_index(
            "ix_deal_event_stays_began",
            STAYS_BEGAN,
            unique=False,
            sqlite_where=STAYS_WHERE,
            postgresql_where=STAYS_WHERE,
        )


def downgrade() -> None:
    with op.batch_alter_table("deal_event", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_event_stays_began")
        batch_op.drop_index("ix_deal_event_entries_at")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_team_status_entered")
        batch_op.create_index("ix_deal_team_status_entered", STATUS_ENTERED, unique=False)
        batch_op.drop_index("ix_deal_kpis_created")

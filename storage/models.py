"""The tables. Every row that belongs to a workspace carries its Slack team id (`team_id`),
and every query in `storage` filters on it: one deployment may serve several
workspaces and none ever sees another's deals, people or numbers.

Times are timezone-aware UTC (`utcnow()`); sqlmodel stores them as `timestamptz` on
PostgreSQL and as UTC text on SQLite, and always returns them aware.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# Enum columns are plain strings (sa_type=String): adding a value later needs no
# database-specific ALTER TYPE migration.


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class DealStatus(StrEnum):
    """Derived from the kind of stage a deal is in; kept on the row for cheap filters."""

    OPEN = "open"
    WON = "won"  # the won stage and every post-sale stage after it
    LOST = "lost"
    DISQUALIFIED = "disqualified"
    NURTURE = "nurture"


class EventKind(StrEnum):
    CREATED = "created"
    TICKED = "ticked"
    UNTICKED = "unticked"
    ADVANCED = "advanced"
    OVERRIDDEN = "overridden"
    BRANCHED = "branched"  # lose / disqualify / nurture; `action` says which
    REOPENED = "reopened"
    OBJECTION = "objection"
    FEEDBACK = "feedback"
    BOUND = "bound"
    UNBOUND = "unbound"
    UPDATED = "updated"
    VALIDATED = "validated"  # a manager confirmed a ticked item
    SENT_BACK = "sent_back"  # a manager refused it: the tick is gone; `value` says why
    # Approvals (docs/approvals.md): `value` is the request's id; a rejection's `reason` why.
    APPROVAL_ASKED = "approval_asked"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # Moved onto another version of its map (stagecoach maps migrate; docs/maps.md):
    # `value` is "<from version>><to version>", `from_stage` the stage it was in, and
    # `to_stage` (with `stay_started_at`) only when the stage id changed: then, and only
    # then, it ends a stay like a stage move. `reason`: what happened to the ticks (JSON).
    MIGRATED = "migrated"
    # Someone of the stage's owning team took the deal over (docs/handoffs.md): `value`
    # is the handoff's id, `to_stage` the stage they hold.
    HANDOFF_ACCEPTED = "handoff_accepted"


class MapVersion(SQLModel, table=True):
    """A copy of each map version deals were created under, so a deal keeps its map
    even after the YAML file changes (deployment configuration, not workspace data)."""

    __tablename__ = "map_version"

    map_id: str = Field(primary_key=True, max_length=40)
    version: int = Field(primary_key=True)
    title: str = Field(max_length=200)
    source: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: dt.datetime = Field(default_factory=utcnow)


class Person(SQLModel, table=True):
    """A Slack user of a workspace, their role, and (for reps) their manager."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("team_id", "user_id", name="uq_person_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    display_name: str | None = Field(default=None, max_length=120)
    role: Role = Field(default=Role.REP, sa_type=String(16))
    manager_id: str | None = Field(default=None, max_length=32, index=True)
    tz: str | None = Field(default=None, max_length=64)
    last_deal_id: int | None = Field(default=None)
    created_at: dt.datetime = Field(default_factory=utcnow)


# The open deals, as the predicate of ix_deal_open_marks, value written out: a bound
# parameter would not let either database prove that the partial index holds the rows.
OPEN_SQL = f"status = '{DealStatus.OPEN.value}'"


class Deal(SQLModel, table=True):
    __tablename__ = "deal"
    __table_args__ = (
        # With the map, the practice flag and the id after them (revision 0025), a report
        # for a team lists the team's deals from it alone, to keep their events
        # (storage.kpi_scope.unjoined_events): it read every one of their rows beside it.
        Index("ix_deal_team_owner", "team_id", "owner_id", "status", "map_id", "is_practice", "id"),
        # PostgreSQL: byte order (text_pattern_ops), so that a name's prefix is a range of
        # it under any collation (storage.deal_queries.name_prefix_query); SQLite's is already.
        Index(
            "ix_deal_team_name",
            "team_id",
            "name_key",
            postgresql_ops={"name_key": "text_pattern_ops"},
        ),
        Index("ix_deal_team_stage", "team_id", "stage"),
        # A list walks it in order and stops at its page, and counts its total in it
        # alone (storage.deal_queries.deal_page); without it, every open deal of the
        # workspace was read and sorted for `/deal list all`, then read again to count.
        # With the map and the owner after them (revision 0024), the status counts of a
        # report over a window read it alone: every open and nurture deal, and the losses
        # and disqualifications entered in the window (storage.kpi_events.status_counts).
        Index(
            "ix_deal_team_status_entered",
            "team_id",
            "status",
            "is_practice",
            "stage_entered_at",
            "map_id",
            "owner_id",
        ),
        # The deals a report reads (storage.kpi_queries.deal_filter: one map's non-practice
        # deals, any owners), in id order, with what the deal-side KPIs count: statuses and
        # first response read it alone, and the event KPIs that start from the deals seek
        # each deal's events in order (a deal order by status sent them all over the file).
        Index(
            "ix_deal_kpis",
            "team_id",
            "map_id",
            "is_practice",
            "id",
            "owner_id",
            "status",
            "stage_entered_at",
            "created_at",
        ),
        # The report's deals by creation time: first response over a window reads the
        # window's creations, where ix_deal_kpis, in id order, had it read every deal.
        Index(
            "ix_deal_kpis_created",
            "team_id",
            "map_id",
            "is_practice",
            "created_at",
            "id",
            "owner_id",
        ),
        # the most recently active names, which a mistyped name is matched against
        Index("ix_deal_team_activity", "team_id", "last_activity_at"),
        # Partial: only bound deals are in it. With every unbound deal in the index, SQLite's
        # statistics (ANALYZE) say a channel look-up matches every row, and it scans instead.
        Index(
            "ix_deal_team_channel",
            "team_id",
            "channel_id",
            sqlite_where=text("channel_id IS NOT NULL"),
            postgresql_where=text("channel_id IS NOT NULL"),
        ),
        # one deal per CRM deal id and workspace: re-importing a history changes nothing
        Index("uq_deal_team_external", "team_id", "external_id", unique=True),
        # Only the open deals, every workspace's, by map version and stage with the two
        # marks a nudge counts from: the scheduler's scan for stuck and idle deals
        # (storage.digest_queries.crossed) reads the open deals past a stage's limit, and
        # the map versions they follow, where it walked every deal ever made on each tick.
        # A query uses it only if its WHERE repeats the predicate word for word (OPEN_SQL).
        Index(
            "ix_deal_open_marks",
            "map_id",
            "map_version",
            "stage",
            "stage_entered_at",
            "last_activity_at",
            sqlite_where=text(OPEN_SQL),
            postgresql_where=text(OPEN_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    name: str = Field(max_length=120)
    name_key: str = Field(
        max_length=120, description="folded name, for prefix lookups (storage.name_keys)"
    )
    company: str | None = Field(default=None, max_length=120)
    amount: float | None = Field(default=None)
    currency: str = Field(default="USD", max_length=3)
    owner_id: str = Field(max_length=32)
    created_by: str = Field(max_length=32)
    map_id: str = Field(max_length=40)
    map_version: int
    stage: str = Field(max_length=40)
    status: DealStatus = Field(default=DealStatus.OPEN, sa_type=String(16))
    version: int = Field(default=1, description="bumped by every change: guards concurrent writes")
    channel_id: str | None = Field(default=None, max_length=32)
    nurture_until: dt.date | None = Field(default=None)
    expected_close: dt.date | None = Field(default=None, description="when the owner expects it")
    # Times expected_close moved later: three or more is slipping. The default is the
    # database's, so a row written by code that predates the column still gets it.
    close_pushes: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default=text("0"))
    )
    is_practice: bool = Field(default=False, description="onboarding sandbox: never in KPIs")
    external_id: str | None = Field(
        default=None, max_length=64, description="the deal's id in the CRM it was imported from"
    )
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    stage_entered_at: dt.datetime = Field(default_factory=utcnow)
    last_activity_at: dt.datetime = Field(default_factory=utcnow)
    # Who holds the current stage for its owning team (docs/handoffs.md): `handoff` is
    # waiting | no_channel | held since the deal entered a stage of another owner (None: no
    # handoff), `held_by` who accepted it. Kept on the row so the card needs no other read.
    handoff: str | None = Field(default=None, max_length=16)
    held_by: str | None = Field(default=None, max_length=32)


class ExitTick(SQLModel, table=True):
    """An exit item ticked on a deal in a stage (a row exists only while ticked)."""

    __tablename__ = "exit_tick"
    __table_args__ = (
        UniqueConstraint("deal_id", "stage", "item_id", name="uq_exit_tick_item"),
        Index("ix_exit_tick_deal_stage", "deal_id", "stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int = Field(foreign_key="deal.id")
    stage: str = Field(max_length=40)
    item_id: str = Field(max_length=40)
    ticked_by: str = Field(max_length=32)
    ticked_at: dt.datetime = Field(default_factory=utcnow)
    evidence: str | None = Field(default=None, max_length=500)
    # For an item the map has validated (`validate: manager`): who confirmed it, and when.
    validated_by: str | None = Field(default=None, max_length=32)
    validated_at: dt.datetime | None = Field(default=None)


# The kinds the KPIs count, as the predicate of ix_deal_event_counted. A query uses that
# index only if its WHERE repeats the predicate word for word, values written out:
# storage.kpi_events builds it from COUNTED_KINDS.
COUNTED_KINDS = (
    EventKind.BRANCHED,  # a loss: action `lose`
    EventKind.OBJECTION,
    EventKind.OVERRIDDEN,
    EventKind.REOPENED,
)
COUNTED_KINDS_SQL = "kind IN ({})".format(", ".join(f"'{kind.value}'" for kind in COUNTED_KINDS))


class DealEvent(SQLModel, table=True):
    """Append-only history: who did what, when, from which stage to which, and why.

    Every KPI (time in stage, conversion, cycle length, stuck deals) derives from it.
    `deal_id` is empty for map feedback that is not about one deal.
    """

    __tablename__ = "deal_event"
    __table_args__ = (
        # A deal's events in record order; with kind and at, first response finds each
        # deal's first reply in the index alone (storage.kpi_events.first_response).
        Index("ix_deal_event_deal", "deal_id", "id", "kind", "at"),
        Index("ix_deal_event_team_at", "team_id", "at"),
        Index("ix_deal_event_team_kind_at", "team_id", "kind", "at"),
        # Stage entries in each deal's time order, with what the KPI queries read: the
        # window over a deal's entries (storage.kpi_queries) scans it without sorting or
        # touching the table.
        Index(
            "ix_deal_event_entries",
            "team_id",
            "deal_id",
            "at",
            "id",
            "kind",
            "from_stage",
            "to_stage",
            sqlite_where=text("to_stage IS NOT NULL"),
            postgresql_where=text("to_stage IS NOT NULL"),
        ),
        # Completed stays, read off the entries that end them, in each deal's stage order:
        # time in stage groups them per deal and stage as it scans (no sort) and adds up
        # their recorded lengths, and the transition matrix reads them without touching
        # the table.
        Index(
            "ix_deal_event_stays",
            "team_id",
            "deal_id",
            "from_stage",
            "stay_started_at",
            "at",
            "to_stage",
            "stay_days",
            sqlite_where=text("stay_started_at IS NOT NULL"),
            postgresql_where=text("stay_started_at IS NOT NULL"),
        ),
        # The same stays in (from, to) stage order, with the times a window reads, the
        # deal that keeps them in scope and the kind: the transition matrix groups them as
        # it scans (storage.kpi_queries.transitions), where the index of stays, in deal
        # order, needed a sort of every stay; the migrations' moves are counted from it
        # alone (SQLite prefers it to the index by kind, for its order).
        Index(
            "ix_deal_event_moves",
            "team_id",
            "from_stage",
            "to_stage",
            "at",
            "stay_started_at",
            "deal_id",
            "kind",
            sqlite_where=text("stay_started_at IS NOT NULL"),
            postgresql_where=text("stay_started_at IS NOT NULL"),
        ),
        # Creations by the stage they began in, with when and the deal: the transition
        # matrix counts them from it alone, in stage order (storage.kpi_queries.matrix).
        Index(
            "ix_deal_event_created",
            "team_id",
            "to_stage",
            "at",
            "deal_id",
            "kind",
            sqlite_where=text("kind = 'created'"),
            postgresql_where=text("kind = 'created'"),
        ),
        # The same entries in time order, with what the windowed queries read of them: a
        # report over a window reads one range of it for the moves made in the window
        # (transition matrix), the deals that entered a won stage in it (storage.kpi_won)
        # and the moves that may have passed gates (storage.kpi_deviations), where the
        # indexes above, in deal or stage order, had it read every entry ever made.
        Index(
            "ix_deal_event_entries_at",
            "team_id",
            "at",
            "kind",
            "to_stage",
            "from_stage",
            "deal_id",
            "stay_started_at",
            "id",
            sqlite_where=text("to_stage IS NOT NULL"),
            postgresql_where=text("to_stage IS NOT NULL"),
        ),
        # The completed stays by when they began: time in stage over a window reads one
        # range of it, as does the matrix for the stays begun in the window that ended
        # after it (storage.kpi_queries; docs/kpis.md, "How the numbers stay fast").
        Index(
            "ix_deal_event_stays_began",
            "team_id",
            "stay_started_at",
            "deal_id",
            "from_stage",
            "stay_days",
            "at",
            "to_stage",
            "kind",
            sqlite_where=text("stay_started_at IS NOT NULL"),
            postgresql_where=text("stay_started_at IS NOT NULL"),
        ),
        # The events the KPIs count (storage.kpi_events.event_counts), with what the count
        # reads but the free-text reason: counted from it alone, not from every event's row.
        Index(
            "ix_deal_event_counted",
            "team_id",
            "kind",
            "at",
            "deal_id",
            "action",
            "from_stage",
            "to_stage",
            "value",
            "id",  # PostgreSQL reads the index alone only if the reason's look-up key is in it
            sqlite_where=text(COUNTED_KINDS_SQL),
            postgresql_where=text(COUNTED_KINDS_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    deal_id: int | None = Field(default=None, foreign_key="deal.id")
    map_id: str = Field(max_length=40)
    kind: EventKind = Field(sa_type=String(16))
    actor_id: str = Field(max_length=32)
    at: dt.datetime = Field(default_factory=utcnow)
    from_stage: str | None = Field(default=None, max_length=40)
    to_stage: str | None = Field(default=None, max_length=40)
    item_id: str | None = Field(default=None, max_length=40)
    action: str | None = Field(default=None, max_length=40)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    value: str | None = Field(default=None, max_length=500)
    stay_started_at: dt.datetime | None = Field(
        default=None,
        description="on an entry that ends a stay (it has from_stage): when that stay began, "
        "the time of the deal's entry before it (its stage_entered_at when it moved)",
    )
    # Filled by storage as the event is written, never by its callers (storage.stay_lengths).
    stay_days: float | None = Field(
        default=None,
        description="on an entry that ends a stay: that stay's length in days "
        "(at − stay_started_at), so the KPIs add lengths up instead of computing them",
    )

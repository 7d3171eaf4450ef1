"""What importing a deal does when the workspace may already hold it: the one rule that makes
importing converge on what the file says without overwriting work done in stagecoach.

- not there: create it;
- there, as the file states it: leave it (re-importing a good file changes nothing);
- there, stated differently (more rows, corrected ones), and touched by nothing but imports
  since (its `version` is still 1 and it has no events but stage entries): replace its row
  and history with the file's, keeping its id;
- there, stated differently, and changed in stagecoach since (a move, a tick, a note): leave
  it and report it, since the file cannot know what was done here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum
from typing import Any

from storage.history_store import StoredImport

DEAL_FIELDS = (
    "name",
    "amount",
    "currency",
    "owner_id",
    "map_id",
    "stage",
    "status",
    "created_at",
    "stage_entered_at",
)
EVENT_FIELDS = ("kind", "at", "from_stage", "to_stage", "action", "reason", "value", "actor_id")


class Decision(Enum):
    CREATE = "create"
    UNCHANGED = "unchanged"
    REPLACE = "replace"
    KEEP_CHANGED = "keep_changed"


def decide(
    stored: StoredImport | None, deal: dict[str, Any], events: Sequence[dict[str, Any]]
) -> Decision:
    if stored is None:
        return Decision.CREATE
    same = _view(stored.deal, DEAL_FIELDS) == _view(deal, DEAL_FIELDS) and [
        _view(event, EVENT_FIELDS) for event in stored.events
    ] == [_view(event, EVENT_FIELDS) for event in events]
    if same:
        return Decision.UNCHANGED
    return Decision.KEEP_CHANGED if stored.touched else Decision.REPLACE


def _view(row: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_plain(row.get(name)) for name in fields)


def _plain(value: Any) -> Any:
    """Values as both backends return them: aware UTC times, amounts as floats."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value

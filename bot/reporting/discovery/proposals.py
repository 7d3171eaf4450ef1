"""From a discovery report to proposed map changes, each resting on one finding (its
`basis`, which the view turns into the change's one reason). The rules and their
thresholds are in docs/discovery.md; nothing here writes a file or touches a deal."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from bot.reporting.discovery.report import (
    DiscoveryReport,
    ItemOverridden,
    Move,
    MoveKind,
    StageSkip,
    StageTime,
)
from bot.reporting.discovery.thresholds import (
    LOOSE_TARGET,
    MIN_SAMPLE,
    OFTEN_MOVES,
    OFTEN_SHARE,
    OVERRIDDEN_IN_WON,
    SKIPPED_SHARE,
)
from flows.schema import BRANCH_TARGET_KIND, ProcessMap

Basis = StageTime | ItemOverridden | Move | StageSkip | None


class ChangeKind(StrEnum):
    VERSION = "version"  # the new file is a new version of the map
    TARGET_DAYS = "target_days"  # a stage's target to its measured p75
    OPTIONAL_ITEM = "optional_item"  # an exit item no longer required
    ADD_BRANCH = "add_branch"  # a stage may branch to lost / disqualified / nurture
    ADD_REOPEN = "add_reopen"  # a side stage may reopen to an open stage
    MERGE_STAGE = "merge_stage"  # a stage folded into the one before it


@dataclass(frozen=True, slots=True)
class ProposedChange:
    kind: ChangeKind
    stage: str | None  # the stage changed (None: the map itself)
    value: int | str | None  # new target days, item id, branch, reopen stage, merged into
    basis: Basis  # the finding the change rests on
    # Open map feedback about the same stage (`/deal feedback`), for the reviewer to read
    # beside the change; filled where the feedback feature is wired in, empty until then.
    related_feedback: tuple[str, ...] = ()


def propose(report: DiscoveryReport) -> tuple[ProposedChange, ...]:
    """Every change the report supports, in map order; empty when there is none."""
    process_map = report.map
    merges = [
        merge_change(process_map, skip) for skip in report.skips if _skipped(process_map, skip)
    ]
    merged = {str(change.stage) for change in merges if change is not None}
    found = [
        *(_target(time) for time in report.times if time.stage not in merged),
        *(_optional(item) for item in report.items_overridden if item.stage not in merged),
        *(_branch(process_map, move, merged) for move in report.moves),
        *merges,
    ]
    changes = [change for change in found if change is not None]
    if not changes:
        return ()
    order = {stage.id: index for index, stage in enumerate(process_map.stages)}
    changes.sort(key=lambda c: (order.get(c.stage or "", -1), list(ChangeKind).index(c.kind)))
    version = ProposedChange(ChangeKind.VERSION, None, process_map.version + 1, None)
    return (version, *changes)


def _target(time: StageTime) -> ProposedChange | None:
    stays, target = time.stays, time.target_days
    if target is None or stays.count < MIN_SAMPLE or stays.p75 is None:
        return None
    assert stays.median is not None and stays.p90 is not None
    if not (stays.median > target or stays.p90 < target * LOOSE_TARGET):
        return None
    measured = max(1, math.floor(stays.p75 + 0.5))  # the nearest whole day
    if measured == target:
        return None
    return ProposedChange(ChangeKind.TARGET_DAYS, time.stage, measured, time)


def _optional(item: ItemOverridden) -> ProposedChange | None:
    if item.won_recorded < MIN_SAMPLE or item.share < OVERRIDDEN_IN_WON:
        return None
    return ProposedChange(ChangeKind.OPTIONAL_ITEM, item.stage, item.item, item)


def _branch(process_map: ProcessMap, move: Move, merged: set[str]) -> ProposedChange | None:
    """A move the map lacks, used often, that the map can say: a branch from an open
    stage to a side stage, or a reopen from a side stage to an open one."""
    edge = move.edge
    if edge.on_map or edge.source is None or edge.count < OFTEN_MOVES:
        return None
    if (move.share or 0.0) < OFTEN_SHARE or {edge.source, edge.dest} & merged:
        return None
    if move.kind not in (MoveKind.REOPEN, MoveKind.EXIT):  # e.g. a stage this version lacks
        return None
    source, dest = process_map.stage(edge.source), process_map.stage(edge.dest)
    if move.kind is MoveKind.REOPEN:
        return ProposedChange(ChangeKind.ADD_REOPEN, source.id, dest.id, move)
    if move.kind is MoveKind.EXIT and source.is_open:
        branch = next(b for b, kind in BRANCH_TARGET_KIND.items() if kind is dest.kind)
        return ProposedChange(ChangeKind.ADD_BRANCH, source.id, branch.value, move)
    return None  # a skip, a move back, side to side: the map has no way to draw it


def _skipped(process_map: ProcessMap, skip: StageSkip) -> bool:
    share = skip.share
    stage = process_map.stage(skip.stage)
    return (
        share is not None
        and skip.around + skip.through >= MIN_SAMPLE
        and share >= SKIPPED_SHARE
        and not stage.won
        and process_map.next_stage_id(stage) is not None
    )


def merge_change(process_map: ProcessMap, skip: StageSkip) -> ProposedChange | None:
    """Into the stage deals leave when they go around it: what work the skipped stage
    still sees happens there, and its `advance` then leads where deals really go. Not
    when it leads nowhere further, or back to a stage that leads to it (a loop would be
    left)."""
    stage = process_map.stage(skip.stage)
    before = [s.id for s in process_map.open_stages if process_map.next_stage_id(s) == stage.id]
    onward = process_map.next_stage_id(stage)
    if not before or onward is None or onward in before:
        return None
    return ProposedChange(ChangeKind.MERGE_STAGE, skip.stage, before[0], skip)

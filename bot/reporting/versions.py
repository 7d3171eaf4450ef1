"""KPIs across the versions of a map (docs/kpis.md, "Across map versions").

Stages are compared by id: every figure of a stage counts its deals on every version that
has it. Three things need the versions:

- a move is placed on the main path of a version that has both its stages (the reported
  version first, then the newest): a move Sales engagement → SQL made on version 2 is a
  conversion even when version 3 merged Sales engagement away;
- a migration's move from an old stage id to a new one (a renamed or merged stage) is
  neither a conversion nor a loss: it is taken out of the matrix and counted as *moved
  out* by migration for the old stage (its entry is decided by no one) and *moved in* for
  the new one (an entry there, still in it until it moves on);
- each stage says which versions have it, and whether it existed in the period (a stage
  new in a version stored after the period ended did not, unless deals were in it then;
  the first version's stages always did, since history may be imported from before it
  was stored); stages only in other versions
  than the reported one are listed apart (`Stats.retired`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.context import Services
from flows.schema import ProcessMap, Stage
from storage import kpi_queries as q
from storage import queries
from storage.kpi_migrations import without_migrations
from storage.kpi_scope import MapShape


@dataclass(frozen=True, slots=True)
class VersionShape:
    """One stored version of the map, as the queries see it."""

    version: int
    shape: MapShape
    stored_at: dt.datetime

    def has(self, stage: str | None) -> bool:
        return stage is None or stage in self.shape.probabilities


@dataclass(frozen=True, slots=True)
class AcrossVersions:
    flows: dict[str, q.StageFlow]
    moved_in: Counter[str]  # entries made by a migration (renamed or merged stage)
    moved_out: Counter[str]  # stays ended by a migration


def flows_across(
    moves: Sequence[q.Transition],
    migrated: Sequence[q.Transition],
    shapes: Sequence[MapShape],
) -> AcrossVersions:
    """Per-stage flows from the transition matrix (`moves`, every move) and the moves
    migrations made (`migrated`, part of `moves`); `shapes`: the versions to place moves
    on, the reported one first."""
    groups: dict[int, list[q.Transition]] = {}
    for move in without_migrations(moves, migrated):
        groups.setdefault(_placing(move, shapes), []).append(move)
    flows: dict[str, q.StageFlow] = {}
    for index, group in sorted(groups.items()):
        for stage, flow in q.flow_from(group, shape=shapes[index]).items():
            flows[stage] = _plus(flows.get(stage), flow)
    moved_in, moved_out = Counter[str](), Counter[str]()
    for m in migrated:
        moved_in[m.to_stage] += m.entered
        if m.from_stage is not None:
            moved_out[m.from_stage] += m.left
    for stage in {*moved_in, *moved_out}:
        base = flows.get(stage) or q.StageFlow(stage, 0, 0, 0, 0, 0, 0)
        flows[stage] = _with(base, moved_in[stage], moved_out[stage])
    return AcrossVersions(flows, moved_in, moved_out)


def _placing(move: q.Transition, shapes: Sequence[MapShape]) -> int:
    """The first version (in `shapes` order) that has both stages of the move."""
    for index, shape in enumerate(shapes):
        if move.to_stage in shape.probabilities and (
            move.from_stage is None or move.from_stage in shape.probabilities
        ):
            return index
    return 0


def _plus(one: q.StageFlow | None, other: q.StageFlow) -> q.StageFlow:
    if one is None:
        return other
    return q.StageFlow(
        other.stage,
        entered=one.entered + other.entered,
        converted=one.converted + other.converted,
        still_in=one.still_in + other.still_in,
        skipped_into=one.skipped_into + other.skipped_into,
        stages_skipped=one.stages_skipped + other.stages_skipped,
        backward_into=one.backward_into + other.backward_into,
        left_otherwise=one.left_otherwise + other.left_otherwise,
    )


def _with(flow: q.StageFlow, moved_in: int, moved_out: int) -> q.StageFlow:
    """`flow` with a migration's entries (still in the stage until they move on) and
    the stays it ended (no longer still in; decided neither way)."""
    return q.StageFlow(
        flow.stage,
        entered=flow.entered + moved_in,
        converted=flow.converted,
        still_in=flow.still_in + moved_in - moved_out,
        skipped_into=flow.skipped_into,
        stages_skipped=flow.stages_skipped,
        backward_into=flow.backward_into,
        left_otherwise=flow.left_otherwise,
    )


@dataclass(frozen=True, slots=True)
class StageVersions:
    """Which stored versions of the map have a stage, and whether it existed in the
    period: some version that has it was stored before the period ended."""

    versions: tuple[int, ...]
    all_versions: tuple[int, ...]
    existed: bool = True

    @property
    def in_every_version(self) -> bool:
        return self.versions == self.all_versions


def stage_versions(
    stage: str,
    versions: Sequence[VersionShape],
    *,
    period_end: dt.date | None,
    has_figures: bool = False,
) -> StageVersions:
    having = [v for v in versions if v.has(stage)]
    first = min((v.version for v in versions), default=0)  # nothing came before it
    existed = (
        has_figures
        or period_end is None
        or any(v.version == first or v.stored_at.date() <= period_end for v in having)
    )
    return StageVersions(
        versions=tuple(sorted(v.version for v in having)),
        all_versions=tuple(sorted(v.version for v in versions)),
        existed=existed,
    )


@dataclass(frozen=True, slots=True)
class MapHistory:
    """The reported version of a map and every stored version of it, newest first."""

    reported: ProcessMap
    versions: list[tuple[ProcessMap, VersionShape]]

    @property
    def other_shapes(self) -> list[MapShape]:
        """The versions besides the reported one, newest first: where moves are placed
        that the reported version has no stage for."""
        return [v.shape for m, v in self.versions if m.version != self.reported.version]

    def retired(self) -> list[Stage]:
        """Stages of other versions that the reported one does not have, each as the
        newest version that has it words it."""
        found: dict[str, Stage] = {}
        for process_map, _shape in self.versions:
            for stage in process_map.stages:
                if not self.reported.has_stage(stage.id):
                    found.setdefault(stage.id, stage)
        return list(found.values())

    def of(self, stage: str, *, period_end: dt.date | None, has_figures: bool) -> StageVersions:
        versions = [v for _m, v in self.versions]
        return stage_versions(stage, versions, period_end=period_end, has_figures=has_figures)


async def map_history(
    services: Services, reported: ProcessMap, shape_of: Callable[[ProcessMap], MapShape]
) -> MapHistory:
    async with services.db.read() as session:
        stored = await queries.versions_of_map(session, map_id=reported.id)
    versions = []
    for version, stored_at in stored:
        found = (
            reported
            if version == reported.version
            else await services.catalog.get(services.db, map_id=reported.id, version=version)
        )
        versions.append((found, VersionShape(version, shape_of(found), stored_at)))
    if not any(m.version == reported.version for m, _v in versions):
        versions.insert(0, (reported, VersionShape(reported.version, shape_of(reported), dt.datetime.min.replace(tzinfo=dt.UTC))))  # fmt: skip
    return MapHistory(reported, versions)

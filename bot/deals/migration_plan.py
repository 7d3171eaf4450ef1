"""What moving one open deal onto a new map version does (pure: no I/O). The rules, as
docs/maps.md states them:

- its stage: the same id when the new version has it, else the one the mapping file
  names; neither, or a stage that is not before the win, and the deal is *undecided*:
  listed, never guessed;
- its ticks carry over by item id, from the stage it is in, then the new stage's own
  (merged into), then the other stages merged into it, when the new item takes the same
  kind of evidence (an item whose value would not fit its new type is open again);
- the new stage's required items with no tick are open; ticked items the new stage no
  longer has are dropped from the checklist, and ticks whose value no longer fits are
  reset; both are named on the history event (their ticked events stay in the history).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from flows.i18n import _
from flows.schema import EvidenceType, ExitItem, ProcessMap
from flows.stage_mapping import StageMapping, is_pre_win
from storage.deal_moves import MigratingDeal, Tick


@dataclass(frozen=True, slots=True)
class TickNote:
    """What a migration did to a deal's checklist, by item id; kept on its event."""

    carried: list[str] = dataclasses.field(default_factory=list)
    opened: list[str] = dataclasses.field(default_factory=list)  # required, not ticked
    dropped: list[str] = dataclasses.field(default_factory=list)  # ticked, gone from it
    reset: list[str] = dataclasses.field(default_factory=list)  # ticked, its value no longer fits

    def to_json(self) -> str:
        fields = {"carried": self.carried, "opened": self.opened, "dropped": self.dropped, "reset": self.reset}  # fmt: skip
        return json.dumps(fields, separators=(",", ":"))  # not asdict: its deep copy cost 10%

    @classmethod
    def from_json(cls, text: str | None) -> TickNote:
        try:
            found = json.loads(text or "{}")
        except ValueError:
            return cls()
        if not isinstance(found, dict):
            return cls()
        keys = ("carried", "opened", "dropped", "reset")
        return cls(*(list(map(str, found.get(key) or [])) for key in keys))


@dataclass(frozen=True, slots=True)
class DealPlan:
    """Where one deal goes and with which ticks."""

    deal_id: int
    team_id: str
    name: str
    version: int  # the deal's row version it was planned on
    from_stage: str
    to_stage: str
    stage_entered_at: dt.datetime  # when it entered `from_stage`
    ticks: list[Tick]
    note: TickNote

    @property
    def stage_changed(self) -> bool:
        return self.from_stage != self.to_stage


@dataclass(frozen=True, slots=True)
class Undecided:
    """A deal whose stage on the new version cannot be decided: listed, not moved."""

    deal_id: int
    team_id: str
    name: str
    stage: str
    reason: str


def plan_deal(
    found: MigratingDeal, *, source: ProcessMap, target: ProcessMap, mapping: StageMapping
) -> DealPlan | Undecided:
    deal = found
    dest = stage_on(deal.stage, target=target, mapping=mapping)
    if dest is None:
        reason = _undecided_reason(deal.stage, mapping, target)
        return Undecided(deal.deal_id, deal.team_id, deal.name, deal.stage, reason)
    ticks, note = _carry(found, source=source, target=target, dest=dest, mapping=mapping)
    return DealPlan(
        deal_id=deal.deal_id,
        team_id=deal.team_id,
        name=deal.name,
        version=deal.version,
        from_stage=deal.stage,
        to_stage=dest,
        stage_entered_at=deal.stage_entered_at,
        ticks=ticks,
        note=note,
    )


def stage_on(stage: str, *, target: ProcessMap, mapping: StageMapping) -> str | None:
    """The stage a deal in `stage` goes to on `target`: its own id, else the mapping's;
    None when neither gives a stage before the win (the deal is undecided)."""
    dest = mapping.stages.get(stage) or (stage if target.has_stage(stage) else None)
    if dest is None or not is_pre_win(target, target.stage(dest)):
        return None
    return dest


def _undecided_reason(stage: str, mapping: StageMapping, target: ProcessMap) -> str:
    if stage not in mapping.stages and not target.has_stage(stage):
        return _(
            "its stage '{stage}' is not in version {v} and the mapping does not say where "
            "its deals go; add `{stage}: <a stage of version {v}>` under `stages:`"
        ).format(stage=stage, v=target.version)
    return _(
        "its stage '{stage}' is not before the win in version {v}: moved there, it would "
        "be won or closed; map '{stage}' to a stage before the win"
    ).format(stage=stage, v=target.version)


def _carry(
    found: MigratingDeal,
    *,
    source: ProcessMap,
    target: ProcessMap,
    dest: str,
    mapping: StageMapping,
) -> tuple[list[Tick], TickNote]:
    deal = found
    order = [deal.stage, dest, *mapping.sources_of(dest)]
    by_stage: dict[str, dict[str, Tick]] = {}
    for tick in found.ticks:
        by_stage.setdefault(tick.stage, {})[tick.item_id] = tick
    carried: list[Tick] = []
    opened: list[str] = []
    for item in target.stage(dest).exit:
        fitting = _first_fitting(item, order, by_stage, source)
        if fitting is not None:
            carried.append(fitting)
        elif item.required:
            opened.append(item.id)
    kept = {tick.item_id for tick in carried}
    was = by_stage.get(deal.stage, {})
    in_stage = source.stage(deal.stage) if source.has_stage(deal.stage) else None
    lost = [i for i in was if i not in kept and in_stage and in_stage.item(i)]
    new_stage = target.stage(dest)
    dropped = [i for i in lost if new_stage.item(i) is None]
    reset = [i for i in lost if new_stage.item(i) is not None]
    return carried, TickNote([t.item_id for t in carried], opened, dropped, reset)


def _first_fitting(
    item: ExitItem, order: list[str], by_stage: dict[str, dict[str, Tick]], source: ProcessMap
) -> Tick | None:
    for stage_id in dict.fromkeys(order):  # each stage once, in order
        tick = by_stage.get(stage_id, {}).get(item.id)
        if tick is None or not source.has_stage(stage_id):
            continue
        old = source.stage(stage_id).item(item.id)
        if old is not None and _fits(old, item, tick):
            return tick
    return None


def _fits(old: ExitItem, new: ExitItem, tick: Tick) -> bool:
    """A tick carries to `new` when `new` asks no value, or the same kind of value the
    tick has (and, for a choice, one of its options)."""
    if new.evidence is None:
        return True
    if old.evidence is None or tick.evidence is None or old.evidence.type != new.evidence.type:
        return False
    return new.evidence.type != EvidenceType.CHOICE or tick.evidence in new.evidence.options

"""The process map made executable: one `transitions.Machine` per map version.

Deals are not bound to the machine (no `add_model`): a trigger runs on a small plain
`DealState` through `machine.events[name].trigger(state)`. The machine is synchronous and
runs to completion; database and Slack I/O happen before and after it (docs/architecture.md,
"The state machine", says why not AsyncMachine). A failed condition only returns False, so
`missing_items` recomputes the reason for the reply while the condition stays the guard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from transitions import EventData, Machine

from flows.schema import BRANCH_TARGET_KIND, Branch, ExitItem, ProcessMap, Stage, StageKind

REOPEN_PREFIX = "reopen:"


class Move(StrEnum):
    """What a deal can do from a stage. Reopen targets are `reopen:<stage>` triggers."""

    ADVANCE = "advance"
    OVERRIDE = "override"  # advance with open items: managers only, audited by the use case
    LOSE = Branch.LOSE.value
    DISQUALIFY = Branch.DISQUALIFY.value
    NURTURE = Branch.NURTURE.value
    REOPEN = "reopen"


@dataclass(eq=False, slots=True)
class DealState:
    """What the machine needs of a deal. Compares by identity, as `transitions` expects."""

    state: str
    ticked: frozenset[str] = frozenset()
    evidence: Mapping[str, str] = field(default_factory=dict)
    validated: frozenset[str] = frozenset()  # ticks their validator confirmed


@dataclass(frozen=True, slots=True)
class Transition:
    trigger: str
    move: Move
    source: str
    dest: str


class Flow:
    """A process map with its state machine and the questions the bot asks of it."""

    def __init__(self, process_map: ProcessMap) -> None:
        self.map = process_map
        self.transitions = map_transitions(process_map)
        self.machine = Machine(
            model=None,
            states=[stage.id for stage in process_map.stages],
            initial=process_map.first_stage.id,
            transitions=[self._spec(t) for t in self.transitions],
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
        )

    def _spec(self, transition: Transition) -> dict[str, object]:
        spec: dict[str, object] = {
            "trigger": transition.trigger,
            "source": transition.source,
            "dest": transition.dest,
        }
        if transition.move is Move.ADVANCE:
            spec["conditions"] = [self._exit_criteria_met]
        return spec

    def _exit_criteria_met(self, event: EventData) -> bool:
        deal = event.model
        assert isinstance(deal, DealState)
        return not self.missing_items(deal.state, deal.ticked, deal.evidence, deal.validated)

    # -- questions -------------------------------------------------------------------------

    def stage(self, stage_id: str) -> Stage:
        return self.map.stage(stage_id)

    def available(self, stage_id: str) -> list[Transition]:
        """Transitions that leave `stage_id`, in a stable order (advance first)."""
        return [t for t in self.transitions if t.source == stage_id]

    def find(self, stage_id: str, move: Move, dest: str | None = None) -> Transition | None:
        return next(
            (
                t
                for t in self.available(stage_id)
                if t.move is move and (dest is None or t.dest == dest)
            ),
            None,
        )

    def missing_items(
        self,
        stage_id: str,
        ticked: frozenset[str],
        evidence: Mapping[str, str],
        validated: frozenset[str] = frozenset(),
    ) -> list[ExitItem]:
        """Required exit items not yet done: unticked, ticked without their evidence, or
        waiting for the validation the map asks for."""
        return [
            item
            for item in self.stage(stage_id).exit
            if item.required and not is_done(item, ticked, evidence, validated)
        ]

    def can_advance(self, deal: DealState) -> bool:
        return self.find(deal.state, Move.ADVANCE) is not None and not self.missing_items(
            deal.state, deal.ticked, deal.evidence, deal.validated
        )

    # -- acting ----------------------------------------------------------------------------

    def fire(self, transition: Transition, deal: DealState) -> bool:
        """Run `transition` on `deal`; True when the deal moved (its `state` is then `dest`)."""
        if deal.state != transition.source:
            return False
        return bool(self.machine.events[transition.trigger].trigger(deal))


def is_done(
    item: ExitItem,
    ticked: frozenset[str],
    evidence: Mapping[str, str],
    validated: frozenset[str] = frozenset(),
) -> bool:
    """Ticked, with its evidence when the item asks for some, and validated when the map
    says so. A tick without its value (from before evidence was part of the tick, or a map
    that later asked for one) is not done, and no card shows it ticked."""
    return is_recorded(item, ticked, evidence) and (
        item.validate_by is None or item.id in validated
    )


def is_recorded(item: ExitItem, ticked: frozenset[str], evidence: Mapping[str, str]) -> bool:
    """Ticked with its evidence: done, or waiting only for its validation."""
    if item.id not in ticked:
        return False
    return item.evidence is None or bool(evidence.get(item.id, "").strip())


def map_transitions(process_map: ProcessMap) -> list[Transition]:
    """Every move the map allows, in map order; the linter and the diagrams read it too."""
    found: list[Transition] = []
    for stage in process_map.stages:
        following = process_map.next_stage_id(stage)
        if following:
            found.append(Transition(Move.ADVANCE.value, Move.ADVANCE, stage.id, following))
            found.append(Transition(Move.OVERRIDE.value, Move.OVERRIDE, stage.id, following))
        for branch in stage.branches:
            target = process_map.stage_of_kind(BRANCH_TARGET_KIND[branch])
            if target is not None:
                found.append(Transition(branch.value, Move(branch.value), stage.id, target.id))
        for dest in stage.reopen if stage.kind is not StageKind.OPEN else []:
            found.append(Transition(f"{REOPEN_PREFIX}{dest}", Move.REOPEN, stage.id, dest))
    return found


_flows: dict[tuple[str, int], Flow] = {}


def flow_for(process_map: ProcessMap) -> Flow:
    """One Flow (and machine) per map version, built once per process."""
    key = (process_map.id, process_map.version)
    cached = _flows.get(key)
    if cached is None or cached.map != process_map:
        cached = _flows[key] = Flow(process_map)
    return cached

"""The card's checklist, its count and the gate agree in every state.

A rep clicks boxes (a whole selection, as Slack sends it), answers or fumbles the evidence
form a box opens, types `/deal tick` and `/deal untick` with good and bad values; and old
data holds ticks without their value, or with one a later map's type would refuse (from
before evidence was part of the tick). After every step: the boxes the card shows ticked
are exactly the items the gate counts as done, the count line says how many required ones
are open, and every ticked item that asks for evidence holds a value (one its type
accepts, unless older rules wrote it). An item the map has validated shows ticked while it
waits for the rep's manager, and the gate counts it only once they validate it; a manager
validates, sends back, or ticks it themselves (validated as written).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from slack_sdk.models.blocks import ActionsBlock, CheckboxesElement, SectionBlock
from sqlmodel import select

from bot.core.context import Actor
from bot.core.outcomes import DealCard
from bot.core.refs import DealNumber
from bot.deals import validating
from bot.deals.creating import create_deal
from bot.deals.evidence_values import read_evidence_value
from bot.deals.outcomes import Created, Shown, Ticked
from bot.deals.showing import show_deal
from bot.deals.ticking import set_ticks
from bot.views.checklist import checklist_blocks
from flows.machine import flow_for
from storage.models import ExitTick
from tests.conftest import BACKENDS
from tests.support.machines import DatabaseMachine
from tests.support.team import make_team
from tests.support.typed_map import SIGNED_OFF, TYPED, typed_catalog

TEAM, REP, MANAGER, ADMIN = "T0BOXES01", "U0REP00001", "U0MANAGER1", "UADMIN"
ACTOR = Actor(TEAM, REP)
CATALOG = typed_catalog()
STAGE = CATALOG.current.stages[0]
ITEMS = [item.id for item in STAGE.exit]
GOOD = {item_id: typed for item_id, (_spec, typed, _kept, _bad) in TYPED.items()}
BAD = {item_id: bad for item_id, (_spec, _typed, _kept, bad) in TYPED.items()}
GOOD[SIGNED_OFF], BAD[SIGNED_OFF] = "Maria, at list price", "  "


class ChecklistMachine(DatabaseMachine):
    def __init__(self) -> None:
        super().__init__()
        self.legacy: dict[str, str | None] = {}  # values older rules let in, by item

    @initialize()
    def open_deal(self) -> None:
        services = self.open(CATALOG, admins=frozenset({ADMIN}))
        admin = Actor(TEAM, ADMIN)
        self.run(make_team(services, admin, MANAGER, REP))
        created = self.run(create_deal(services, ACTOR, name="Acme", amount=None, company=None))
        assert isinstance(created, Created), created
        self.deal_id = created.card.deal_id

    def tick(self, *, by: str = REP, **options: Any) -> object:
        assert self.services is not None
        actor = Actor(TEAM, by)
        return self.run(set_ticks(self.services, actor, DealNumber(self.deal_id), **options))

    # -- what the rep does ---------------------------------------------------------------------

    @rule(chosen=st.sets(st.sampled_from(ITEMS)), answer=st.sampled_from(["good", "bad", "cancel"]))
    def click_boxes(self, chosen: set[str], answer: str) -> None:
        clicked = self.tick(selection=sorted(chosen))
        assert isinstance(clicked, Ticked), clicked
        if clicked.waiting and answer != "cancel":  # the form the click opened
            values = GOOD if answer == "good" else BAD
            self.tick(evidence={item: values[item] for item in clicked.waiting})

    @rule(
        numbers=st.sets(st.integers(1, len(ITEMS)), min_size=1),
        given=st.dictionaries(st.sampled_from(list(TYPED)), st.sampled_from(["good", "bad"])),
    )
    def type_tick(self, numbers: set[int], given: dict[str, str]) -> None:
        evidence = {item: (GOOD if kind == "good" else BAD)[item] for item, kind in given.items()}
        self.tick(tick=[str(n) for n in sorted(numbers)], evidence=evidence)

    @rule(number=st.integers(1, len(ITEMS)))
    def type_untick(self, number: int) -> None:
        self.tick(untick=[str(number)])

    @rule(item_id=st.sampled_from(list(TYPED)), value=st.sampled_from([None, "", "soon"]))
    def old_tick_without_its_value(self, item_id: str, value: str | None) -> None:
        """A row as older code, or a map that asked for evidence later, left it."""
        assert self.services is not None
        if self.run(self._raw_tick(item_id, value)):
            self.legacy[item_id] = value

    async def _raw_tick(self, item_id: str, value: str | None) -> bool:
        """Write the row unless the item has one; whether it was written."""
        assert self.services is not None
        async with self.services.db.write() as session:
            found = await session.exec(
                select(ExitTick).where(
                    ExitTick.deal_id == self.deal_id, ExitTick.item_id == item_id
                )
            )
            if found.first() is not None:
                return False
            session.add(
                ExitTick(
                    team_id=TEAM, deal_id=self.deal_id, stage=STAGE.id, item_id=item_id,
                    ticked_by=REP, ticked_at=self.services.clock(), evidence=value,
                )
            )  # fmt: skip
        return True

    # -- what the manager does ------------------------------------------------------------------

    @rule(verdict=st.sampled_from(["validate", "send back", "tick it themselves"]))
    def manager_answers(self, verdict: str) -> None:
        assert self.services is not None
        deal, manager = DealNumber(self.deal_id), Actor(TEAM, MANAGER)
        if verdict == "validate":
            self.run(validating.validate(self.services, manager, deal, SIGNED_OFF))
        elif verdict == "send back":
            why = "ask the CFO"
            self.run(validating.send_back(self.services, manager, deal, SIGNED_OFF, reason=why))
        else:
            self.tick(by=MANAGER, evidence={SIGNED_OFF: "Maria herself"})

    # -- what must hold after each ------------------------------------------------------------

    @invariant()
    def boxes_count_and_gate_agree(self) -> None:
        if self.services is None:
            return
        shown = self.run(show_deal(self.services, ACTOR, DealNumber(self.deal_id)))
        assert isinstance(shown, Shown), shown
        card = shown.card
        boxes, count = rendered(card)
        rows = self.run(self._rows())
        gate_missing = flow_for(CATALOG.current).missing_items(
            STAGE.id,
            frozenset(rows),
            {i: v or "" for i, v in rows.items()},
            self.run(self._validated()),
        )
        assert [i.id for i in card.missing] == [i.id for i in gate_missing]
        assert boxes == set(card.ticked)
        validated = self.run(self._validated())
        awaiting = [i for i in boxes if i == SIGNED_OFF and i not in validated]
        assert [i.id for i in card.awaiting] == awaiting
        open_required = [
            i.id for i in STAGE.exit if i.required and (i.id not in boxes or i.id in awaiting)
        ]
        assert open_required == [i.id for i in card.missing]
        assert count == (len(open_required) if open_required else None)
        for item in STAGE.exit:
            if item.id in boxes and item.evidence is not None:
                value = rows[item.id]
                assert value is not None and value.strip()  # never ticked without its value
                if value != self.legacy.get(item.id):  # what today's rules wrote, they accept
                    assert read_evidence_value(item.evidence, value) == value

    async def _validated(self) -> frozenset[str]:
        assert self.services is not None
        async with self.services.db.read() as session:
            found = await session.exec(select(ExitTick).where(ExitTick.deal_id == self.deal_id))
            return frozenset(t.item_id for t in found.all() if t.validated_by)

    async def _rows(self) -> dict[str, str | None]:
        assert self.services is not None
        async with self.services.db.read() as session:
            found = await session.exec(select(ExitTick).where(ExitTick.deal_id == self.deal_id))
            return {t.item_id: t.evidence for t in found.all()}


def rendered(card: DealCard) -> tuple[set[str], int | None]:
    """The boxes the checklist shows ticked, and the open count its title line states."""
    title, group, *_in_full = checklist_blocks(card)  # then the items cut short, whole
    assert isinstance(title, SectionBlock) and isinstance(group, ActionsBlock)
    checkboxes = next(e for e in group.elements if isinstance(e, CheckboxesElement))
    boxes = {o.value for o in checkboxes.initial_options or []}
    said = re.search(r"(\d+) of \d+ required items? open", title.text.text if title.text else "")
    return boxes, int(said.group(1)) if said else None


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_boxes_the_count_and_the_gate_agree(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ChecklistMachine.backend = backend
    ChecklistMachine.tmp = tmp_path_factory
    run_state_machine_as_test(
        ChecklistMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

"""The scripted session of issue #5, once, for the shell and for `stagecoach say`: create a
deal, see the card, be refused with the open items, tick them by number, advance, look
up an objection, lose a deal through the modal, override a gate as the manager, read
the history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from bot.core.context import Services
from storage.models import Deal, DealEvent, EventKind, ExitTick


@dataclass(frozen=True, slots=True)
class Step:
    user: str
    line: str
    answers: tuple[str, ...] = ()  # for the modal the line opens, field by field
    shows: tuple[str, ...] = ()  # what the reply must show
    fails: bool = False  # an error reply (`say` exits 1)


SCRIPT = (
    Step(
        "ana",
        "/deal new Acme 50k",
        shows=("Acme · Qualification", "✨ Created Acme in Qualification", "(7) Advance"),
    ),
    Step(
        "ana",
        "/deal advance",
        fails=True,
        shows=(
            "Acme cannot leave Qualification yet: 4 required items are open",
            "Still open:",
            "5. Book a discovery meeting between the buyer and the Account Executive",
        ),
    ),
    Step("ana", "/click 1", shows=("✅ Ticked 1.", "(1) [x] 1. Confirm the company")),
    Step(
        "ana",
        "/click 2",  # it asks for evidence: the box opens its form, and counts once answered
        answers=("Quotes take three days by hand",),
        shows=("┌ Add evidence", "✅ Ticked 2.", "(2) [x] 2. Record the business problem"),
    ),
    Step(
        "ana",
        "/click Add evidence",
        answers=("", "40-60k", "", "2026-03-10"),  # blank keeps what item 2 holds
        shows=(
            "┌ Add evidence",
            "Every required item is done: ready to advance to Discovery.",
            "Budget range: 40-60k",
        ),
    ),
    Step(
        "ana",
        "/click Advance",
        shows=("Acme · Discovery", "✅ Moved from Qualification to Discovery"),
    ),
    Step(
        "ana",
        "/deal playbook price",
        shows=("This is more than we expected to pay.", "Do not discount straight away."),
    ),
    Step("ana", "/deal new Globex 20k", shows=("✨ Created Globex in Qualification",)),
    Step("ana", "/deal show acme", shows=("Acme · Discovery", "(11) Mark as lost")),
    Step(
        "ana",
        "/click Mark as lost",
        answers=("2", "went with a cheaper tool"),
        shows=(
            "┌ Mark as lost",
            "2. Price too high",
            "⛔ Marked lost at Discovery: Price too high: went with a cheaper tool",
        ),
    ),
    Step("maria", "/deal show globex", shows=("Globex · Qualification", "Owner: @ana")),
    Step(
        "maria",
        "/click Override gate (managers)",
        answers=("Customer signed the pilot terms already",),
        shows=(
            "These open items will be skipped:",
            "⏭️ Gate overridden: moved from Qualification to Discovery: "
            "Customer signed the pilot terms already",
        ),
    ),
    Step(
        "maria",
        "/deal history globex",
        shows=(
            "History of Globex",
            "@ana created the deal in Qualification",
            "@maria overrode the gate Qualification → Discovery: "
            "Customer signed the pilot terms already",
        ),
    ),
)


async def assert_script_outcome(services: Services) -> None:
    """What the database holds after the script, however it was typed."""
    async with services.db.read() as session:
        deals = {d.name: d for d in (await session.exec(select(Deal))).all()}
        events = (await session.exec(select(DealEvent).order_by(col(DealEvent.id)))).all()
        ticks = (await session.exec(select(ExitTick))).all()
    acme, globex = deals["Acme"], deals["Globex"]
    assert (acme.stage, acme.status, acme.amount) == ("lost", "lost", 50_000)
    assert (globex.stage, globex.status, globex.owner_id) == ("discovery", "open", "U0ANA")
    lost = [e for e in events if e.kind == EventKind.BRANCHED and e.deal_id == acme.id]
    assert [e.reason for e in lost] == ["Price too high: went with a cheaper tool"]
    overridden = [e for e in events if e.kind == EventKind.OVERRIDDEN]
    assert [(e.actor_id, e.reason, e.deal_id) for e in overridden] == [
        ("U0MARIA", "Customer signed the pilot terms already", globex.id)
    ]
    assert {(t.stage, t.item_id, t.evidence) for t in ticks if t.deal_id == acme.id} == {
        ("qualify", "icp_fit", None),
        ("qualify", "problem", "Quotes take three days by hand"),
        ("qualify", "budget", "40-60k"),
        ("qualify", "discovery_booked", "2026-03-10"),
    }
    advanced = [e for e in events if e.kind == EventKind.ADVANCED]
    assert [(e.from_stage, e.to_stage) for e in advanced] == [("qualify", "discovery")]

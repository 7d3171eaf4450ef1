"""Moving a deal: advance (gated by the exit criteria), a manager's override, the
branches (lose, disqualify, nurture) and reopen."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.context import Actor, Services
from bot.core.dates import FromToday, NextDayOfYear, NextWeekday, WrittenDate
from bot.core.outcomes import Blocked, DealCard, Invalid, NotAllowed
from bot.core.refs import DealName, DealNumber
from bot.deals import moving, reopening, ticking
from bot.deals.outcomes import Moved, Shown
from bot.deals.showing import show_deal
from flows.machine import Move
from storage.models import DealEvent, DealStatus, EventKind
from tests.support.deals import (
    ADMIN,
    MANAGER,
    OTHER_REP,
    REP,
    deal_row,
    events_of,
    expect,
    kinds_of,
    make_ready,
    new_deal,
    writes_nothing,
)


async def advance_to(services: Services, card: DealCard, stage_id: str) -> DealCard:
    """Tick and advance the deal stage by stage until it is in `stage_id`."""
    while card.stage.id != stage_id:
        await make_ready(services, REP, card)
        card = expect(await moving.advance(services, REP, DealNumber(card.deal_id)), Moved).card
    return card


async def last_event(services: Services, card: DealCard) -> DealEvent:
    return (await events_of(services.db, card.deal_id))[-1]


@pytest.fixture
async def acme(services: Services) -> DealCard:
    return await new_deal(services, REP, "Acme", "50k")


@pytest.fixture
async def acme_in_discovery(services: Services, acme: DealCard) -> DealCard:
    return await advance_to(services, acme, "discovery")


@pytest.fixture
async def acme_lost(services: Services, acme_in_discovery: DealCard) -> DealCard:
    lost = await moving.lose(services, REP, DealName("acme"), reason="Chose a competitor")
    return expect(lost, Moved).card


# -- advance ------------------------------------------------------------------------------


async def test_advance_is_blocked_with_exactly_the_missing_items(
    services: Services, acme: DealCard
) -> None:
    await ticking.set_ticks(
        services, REP, DealName("acme"), tick=["icp_fit"], evidence={"budget": "20k"}
    )

    async with writes_nothing(services):
        blocked = expect(await moving.advance(services, REP, DealName("acme")), Blocked)

    assert [item.id for item in blocked.missing] == ["problem", "discovery_booked"]
    assert blocked.card is not None and blocked.card.stage.id == "qualify"


async def test_advance_moves_one_stage_and_writes_one_advanced_event(
    services: Services, acme: DealCard
) -> None:
    ready = await make_ready(services, REP, acme)

    moved = expect(await moving.advance(services, REP, DealName("acme")), Moved)

    assert (moved.move, moved.from_stage.id, moved.card.stage.id) == (
        Move.ADVANCE,
        "qualify",
        "discovery",
    )
    assert moved.card.version == ready.version + 1
    events = await events_of(services.db, acme.deal_id)
    advanced = [event for event in events if event.kind == EventKind.ADVANCED]
    assert len(advanced) == 1
    assert (advanced[0].from_stage, advanced[0].to_stage, advanced[0].actor_id) == (
        "qualify",
        "discovery",
        REP.user_id,
    )
    row = await deal_row(services.db, acme.deal_id)
    assert (row.stage, row.status) == ("discovery", DealStatus.OPEN)


async def test_entering_the_won_stage_wins_the_deal(services: Services, acme: DealCard) -> None:
    won = await advance_to(services, acme, "closed_won")
    after_sale = await advance_to(services, won, "onboarding")

    assert won.status is DealStatus.WON
    assert after_sale.status is DealStatus.WON


async def test_the_last_stage_cannot_advance(services: Services, acme: DealCard) -> None:
    last = await advance_to(services, acme, "onboarding")
    await make_ready(services, REP, last)

    async with writes_nothing(services):
        refused = expect(await moving.advance(services, REP, DealName("acme")), Invalid)

    assert "Onboarding" in refused.message


# -- override -----------------------------------------------------------------------------


async def test_the_owners_manager_overrides_with_a_reason_and_the_skipped_items_are_kept(
    team: Services, acme: DealCard
) -> None:
    moved = expect(
        await moving.override(team, MANAGER, DealName("acme"), reason="  signed LOI,  see thread "),
        Moved,
    )

    skipped = ["icp_fit", "problem", "budget", "discovery_booked"]
    assert [item.id for item in moved.skipped] == skipped
    assert (moved.move, moved.card.stage.id, moved.reason) == (
        Move.OVERRIDE,
        "discovery",
        "signed LOI, see thread",
    )
    event = await last_event(team, acme)
    assert (event.kind, event.actor_id, event.reason) == (
        EventKind.OVERRIDDEN,
        MANAGER.user_id,
        "signed LOI, see thread",
    )
    assert event.value == ",".join(skipped)


async def test_an_admin_may_override(services: Services, acme: DealCard) -> None:
    moved = expect(
        await moving.override(services, ADMIN, DealName("acme"), reason="exec sponsor"), Moved
    )

    assert moved.card.stage.id == "discovery"


@pytest.mark.parametrize("who", [REP, OTHER_REP], ids=["owner", "another rep"])
async def test_reps_may_not_override(team: Services, acme: DealCard, who: Actor) -> None:
    async with writes_nothing(team):
        expect(await moving.override(team, who, DealName("acme"), reason="trust me"), NotAllowed)


@pytest.mark.parametrize("reason", [None, "", "    ", "x" * 501])
async def test_an_override_needs_a_reason(
    team: Services, acme: DealCard, reason: str | None
) -> None:
    async with writes_nothing(team):
        expect(await moving.override(team, MANAGER, DealName("acme"), reason=reason), Invalid)


async def test_nothing_to_override_is_refused(team: Services, acme: DealCard) -> None:
    await make_ready(team, REP, acme)

    async with writes_nothing(team):
        refused = expect(
            await moving.override(team, MANAGER, DealName("acme"), reason="hurry"), Invalid
        )

    assert "advance" in refused.hint


# -- lose ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reason", "text"),
    [
        ("Price too high", "Price too high", "Price too high"),
        ("price too high - 30% over", "Price too high", "Price too high: 30% over"),
        ("competitor", "Chose a competitor", "Chose a competitor"),
        ("budget", "No budget", "No budget"),
    ],
)
async def test_lose_takes_one_of_the_maps_reasons(
    services: Services, acme_in_discovery: DealCard, typed: str, reason: str, text: str
) -> None:
    lost = expect(await moving.lose(services, REP, DealName("acme"), reason=typed), Moved)

    assert (lost.card.stage.id, lost.card.status, lost.reason) == ("lost", DealStatus.LOST, text)
    event = await last_event(services, acme_in_discovery)
    assert (event.kind, event.action, event.value, event.reason) == (
        EventKind.BRANCHED,
        "lose",
        reason,
        text,
    )


@pytest.mark.parametrize(
    ("reason", "note", "text"),
    [
        ("Price too high", " 20%  over budget ", "Price too high: 20% over budget"),
        ("Price too high", "— 20% over —", "Price too high: 20% over"),
        ("Price too high", "  ", "Price too high"),
        ("price too high - 30% over", "and slow", "Price too high: 30% over - and slow"),
        ("Price too high", "XL plan, XX seats", "Price too high: XL plan, XX seats"),  # as typed
    ],
)
async def test_the_forms_note_is_recorded_after_the_reason(
    services: Services, acme_in_discovery: DealCard, reason: str, note: str, text: str
) -> None:
    """The Lose form sends its reason and its note apart; the note is kept as the words
    typed after a reason are."""
    lost = expect(
        await moving.lose(services, REP, DealName("acme"), reason=reason, note=note), Moved
    )

    assert lost.reason == text
    event = await last_event(services, acme_in_discovery)
    assert (event.value, event.reason) == ("Price too high", text)


async def test_a_note_too_long_is_refused_beside_the_note(
    services: Services, acme_in_discovery: DealCard
) -> None:
    async with writes_nothing(services):
        refused = expect(
            await moving.lose(
                services, REP, DealName("acme"), reason="Price too high", note="x" * 501
            ),
            Invalid,
        )

    assert refused.field == "note"
    assert refused.message == "the note is 501 characters long"


async def test_a_note_without_a_reason_is_refused_listing_the_reasons(
    services: Services, acme_in_discovery: DealCard
) -> None:
    async with writes_nothing(services):
        refused = expect(
            await moving.lose(services, REP, DealName("acme"), reason=None, note="cheaper"),
            Invalid,
        )

    assert refused.field == "reason"
    assert "Price too high" in refused.hint


@pytest.mark.parametrize("typed", ["the weather", "no", "   ", None])
async def test_an_unknown_lost_reason_is_refused_listing_the_reasons(
    services: Services, acme_in_discovery: DealCard, typed: str | None
) -> None:
    async with writes_nothing(services):
        refused = expect(await moving.lose(services, REP, DealName("acme"), reason=typed), Invalid)

    for reason in services.catalog.current.lost_reasons:
        assert reason in refused.hint


async def test_a_stage_without_the_lose_branch_cannot_lose(
    services: Services, acme: DealCard
) -> None:
    async with writes_nothing(services):
        refused = expect(
            await moving.lose(services, REP, DealName("acme"), reason="No budget"), Invalid
        )

    assert "disqualify" in refused.hint and "nurture" in refused.hint


# -- disqualify ------------------------------------------------------------------------------


async def test_disqualify_keeps_the_reason(services: Services, acme: DealCard) -> None:
    moved = expect(
        await moving.disqualify(
            services, REP, DealName("acme"), reason="student project, no budget"
        ),
        Moved,
    )

    assert (moved.card.stage.id, moved.card.status) == ("disqualified", DealStatus.DISQUALIFIED)
    event = await last_event(services, acme)
    assert (event.action, event.reason) == ("disqualify", "student project, no budget")


@pytest.mark.parametrize("reason", [None, "", " \t "])
async def test_disqualify_needs_a_reason(
    services: Services, acme: DealCard, reason: str | None
) -> None:
    async with writes_nothing(services):
        expect(await moving.disqualify(services, REP, DealName("acme"), reason=reason), Invalid)


# -- nurture ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        (FromToday(days=30), dt.date(2026, 4, 1)),
        (FromToday(days=42), dt.date(2026, 4, 13)),
        (FromToday(months=1), dt.date(2026, 4, 2)),
        (NextWeekday(4, "next", "friday"), dt.date(2026, 3, 6)),
        (NextDayOfYear(3, 1), dt.date(2027, 3, 1)),
        (dt.date(2027, 1, 15), dt.date(2027, 1, 15)),
    ],
)
async def test_nurture_until_a_future_date(
    services: Services, acme: DealCard, typed: WrittenDate, until: dt.date
) -> None:
    # The clock says 2026-03-02.
    moved = expect(await moving.nurture(services, REP, DealName("acme"), until=typed), Moved)

    assert (moved.card.stage.id, moved.card.status) == ("nurture", DealStatus.NURTURE)
    assert moved.card.nurture_until == until
    assert (await deal_row(services.db, acme.deal_id)).nurture_until == until
    event = await last_event(services, acme)
    assert (event.action, event.value) == ("nurture", until.isoformat())


@pytest.mark.parametrize(
    "typed",
    [
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 2),
        FromToday(),
        dt.date(2029, 4, 1),
        FromToday(months=37),
        NextWeekday(0, "bare", "monday"),  # the clock's day is a Monday: asked
        NextDayOfYear(3, 2),  # today: asked
        None,
    ],
)
async def test_nurture_refuses_past_far_and_ambiguous_dates(
    services: Services, acme: DealCard, typed: WrittenDate | None
) -> None:
    async with writes_nothing(services):
        expect(await moving.nurture(services, REP, DealName("acme"), until=typed), Invalid)


# -- reopen ----------------------------------------------------------------------------------


async def test_reopen_goes_to_the_maps_default_stage(
    services: Services, acme_lost: DealCard
) -> None:
    reopened = expect(await reopening.reopen(services, REP, DealName("acme"), stage=None), Moved)

    assert (reopened.move, reopened.card.stage.id) == (Move.REOPEN, "discovery")
    assert reopened.card.status is DealStatus.OPEN
    event = await last_event(services, acme_lost)
    assert (event.kind, event.from_stage, event.to_stage) == (
        EventKind.REOPENED,
        "lost",
        "discovery",
    )


@pytest.fixture
async def acme_lost_in_proposal(services: Services, acme: DealCard) -> DealCard:
    await advance_to(services, acme, "proposal")
    lost = await moving.lose(services, REP, DealName("acme"), reason="Chose a competitor")
    return expect(lost, Moved).card


@pytest.mark.parametrize(
    ("typed", "stage_id"),
    [("proposal", "proposal"), ("Solution demo", "demo"), ("disc", "discovery")],
)
async def test_reopen_to_a_named_stage_no_later_than_the_one_it_left(
    services: Services, acme_lost_in_proposal: DealCard, typed: str, stage_id: str
) -> None:
    reopened = expect(await reopening.reopen(services, REP, DealName("acme"), stage=typed), Moved)

    assert reopened.card.stage.id == stage_id


@pytest.mark.parametrize("typed", ["negotiation", "commit"])
async def test_reopen_past_the_stage_it_left_is_refused_and_points_to_the_override(
    services: Services, acme_lost_in_proposal: DealCard, typed: str
) -> None:
    async with writes_nothing(services):
        refused = expect(
            await reopening.reopen(services, REP, DealName("acme"), stage=typed), Invalid
        )

    assert refused.message == (
        "Acme left at Proposal; reopening it further on would skip exit criteria"
    )
    assert refused.hint == (
        "reopen it to one of: Discovery (discovery), Solution demo (demo), Proposal (proposal); "
        "a manager may then /deal override the gates"
    )
    assert refused.field == "stage"


async def test_a_nurtured_deal_cannot_skip_the_gates_it_never_passed(
    services: Services, acme: DealCard
) -> None:
    """The first round's bug: Qualification, nothing ticked, nurture, reopen to Proposal."""
    expect(await moving.nurture(services, REP, DealName("acme"), until=FromToday(days=42)), Moved)

    async with writes_nothing(services):
        for later in ("discovery", "demo", "proposal"):
            refused = reopening.reopen(services, REP, DealName("acme"), stage=later)
            assert "left at Qualification" in expect(await refused, Invalid).message

    reopened = await reopening.reopen(services, REP, DealName("acme"), stage=None)
    assert expect(reopened, Moved).card.stage.id == "qualify"


async def test_a_side_stage_card_offers_only_the_reopens_that_are_allowed(
    services: Services, acme: DealCard
) -> None:
    await advance_to(services, acme, "proposal")
    lost = await moving.lose(services, REP, DealName("acme"), reason="Chose a competitor")
    shown = expect(await show_deal(services, REP, DealName("acme")), Shown)

    allowed = ["discovery", "demo", "proposal"]  # the map also lists commit, past the gate
    for card in (expect(lost, Moved).card, shown.card):
        assert [t.dest for t in card.moves if t.move is Move.REOPEN] == allowed


@pytest.mark.parametrize("typed", ["onboarding", "qualify", "no such stage"])
async def test_reopen_to_a_stage_the_map_does_not_allow_is_refused(
    services: Services, acme_lost: DealCard, typed: str
) -> None:
    async with writes_nothing(services):
        refused = expect(
            await reopening.reopen(services, REP, DealName("acme"), stage=typed), Invalid
        )

    assert refused.hint.endswith("Discovery (discovery)")


async def test_an_open_deal_cannot_be_reopened(services: Services, acme: DealCard) -> None:
    async with writes_nothing(services):
        expect(await reopening.reopen(services, REP, DealName("acme"), stage=None), Invalid)


async def test_a_nurtured_deal_reopens_and_forgets_its_date(
    services: Services, acme: DealCard
) -> None:
    expect(await moving.nurture(services, REP, DealName("acme"), until=FromToday(days=30)), Moved)

    reopened = expect(
        await reopening.reopen(services, REP, DealName("acme"), stage="qualify"), Moved
    )

    assert reopened.card.nurture_until is None
    assert await kinds_of(services.db, acme.deal_id) == [
        EventKind.CREATED,
        EventKind.BRANCHED,
        EventKind.REOPENED,
    ]


async def test_a_deal_that_cannot_be_lost_here_says_so_before_judging_the_reason(
    services: Services, acme: DealCard
) -> None:
    """Qualification has no lose branch: the reason does not matter, and is not judged."""
    async with writes_nothing(services):
        refused = await moving.lose(services, REP, DealName("acme"), reason="went elsewhere")

    assert expect(refused, Invalid).message == "a deal in Qualification cannot be marked lost"

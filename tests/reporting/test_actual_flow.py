"""What deals actually did (bot.reporting.actual_flow) against a model, over random
histories written through the real paths: a CRM history imported (any stages, in any
order: skips, moves back, branches the map lacks) and then /deal commands (tick and
advance, override, lose, disqualify, nurture, reopen). The model reads only the map file's
fields and the moves the history made, and counts every from → to in a window, whether
the map has it, and each stage's ended stays against its target. Both backends.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.core.context import Services
from bot.deals.outcomes import Created, Moved
from bot.reporting.actual_flow import actual_flow
from flows.actual_flow import ActualFlow
from flows.loader import load_shipped
from flows.schema import Branch, StageKind
from storage.kpi_scope import Window
from tests.conftest import Clock
from tests.reporting.test_gate_deviations import fresh_team, say
from tests.support.known_history import import_text

MAP = load_shipped("default")
ADMIN, MANAGER, REP, OTHER = "UADMIN", "U0MANAGER1", "U0REP00001", "U0OTHER001"
HEADER = "deal_id,deal_name,owner,amount,currency,stage,entered_at,reason"
HISTORY_STARTS = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
WORK_STARTS = dt.datetime(
    2026, 10, 1, 9, 0, tzinfo=dt.UTC
)  # after every imported row (6 × 40 days)
STAGES = [stage.id for stage in MAP.stages]
ACTIONS = ("advance", "advance", "override", "lose", "disqualify", "nurture", "reopen")
BRANCH_KINDS = {
    Branch.LOSE: StageKind.LOST,
    Branch.DISQUALIFY: StageKind.DISQUALIFIED,
    Branch.NURTURE: StageKind.NURTURE,
}


def drawn_by_the_map() -> set[tuple[str, str]]:
    """Every pair of stages the map file links, read from its fields: where advance leads
    (`next`, else the next open stage), each branch's side stage, each reopen target."""
    main = [stage for stage in MAP.stages if stage.kind is StageKind.OPEN]
    pairs = set()
    for stage in MAP.stages:
        if stage.kind is StageKind.OPEN:
            index = main.index(stage)
            following = stage.next or (main[index + 1].id if index + 1 < len(main) else None)
            if following:
                pairs.add((stage.id, following))
            for branch in stage.branches:
                side = next(s for s in MAP.stages if s.kind is BRANCH_KINDS[branch])
                pairs.add((stage.id, side.id))
        else:
            pairs |= {(stage.id, target) for target in stage.reopen}
    return pairs


DRAWN = drawn_by_the_map()


@dataclass(frozen=True)
class Entry:
    owner: str
    source: str | None  # None: the deal's creation
    dest: str
    at: dt.datetime
    started: dt.datetime | None  # when the stay this move ends began


@dataclass
class ModelDeal:
    name: str
    owner: str
    stage: str = ""
    entered: dt.datetime = HISTORY_STARTS
    deal_id: int = 0
    entries: list[Entry] = field(default_factory=list)

    def enter(self, stage: str, at: dt.datetime) -> None:
        first = not self.entries
        source, started = (None, None) if first else (self.stage, self.entered)
        self.entries.append(Entry(self.owner, source, stage, at, started))
        self.stage, self.entered = stage, at


def expected(
    entries: list[Entry], window: tuple[dt.datetime, dt.datetime], owners: set[str] | None
):  # type: ignore[no-untyped-def]
    start, end = window
    chosen = [e for e in entries if start <= e.at < end and (owners is None or e.owner in owners)]
    edges = Counter((e.source, e.dest) for e in chosen)
    stays: dict[str, list[dt.timedelta]] = {}
    for e in chosen:
        if e.source is not None and e.started is not None:
            stays.setdefault(e.source, []).append(e.at - e.started)
    return edges, stays


@dataclass
class History:
    deals: list[tuple[str, list[str], list[int]]]  # owner, imported stages, hours between rows
    steps: list[tuple[int, str, str, int]]  # deal, action, reopen target, hours after the last
    window_hours: tuple[int, int]  # from HISTORY_STARTS
    one_owner: bool


@st.composite
def histories(draw: st.DrawFn) -> History:
    count = draw(st.integers(1, 5))
    deals = []
    for _n in range(count):
        walk: list[str] = []
        for _step in range(draw(st.integers(0, 6))):
            walk.append(draw(st.sampled_from([s for s in STAGES if not walk or s != walk[-1]])))
        # 1 hour to 40 days between rows: around every target of the map
        gaps = draw(st.lists(st.integers(1, 40 * 24), min_size=len(walk), max_size=len(walk)))
        deals.append((draw(st.sampled_from([REP, REP, OTHER])), walk, gaps))
    steps = draw(
        st.lists(
            st.tuples(
                st.integers(0, count - 1),
                st.sampled_from(ACTIONS),
                st.sampled_from(STAGES),
                st.integers(1, 30 * 24),
            ),
            max_size=12,
        )
    )
    start = draw(st.integers(0, 300 * 24))
    return History(
        deals, steps, (start, start + draw(st.integers(1, 300 * 24))), draw(st.booleans())
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
async def test_the_flow_is_what_the_history_did(
    services: Services, clock: Clock, history: History
) -> None:
    team = fresh_team()
    clock.now = WORK_STARTS
    await say(services, team, ADMIN, f"role <@{MANAGER}> manager")
    deals = await _import(services, team, history)
    for index, action, target, hours in history.steps:
        clock.advance(hours=hours)
        await _work(services, team, deals[index], action, target)
    entries = [entry for deal in deals for entry in deal.entries]
    owners = {REP} if history.one_owner else None
    since, until = (HISTORY_STARTS + dt.timedelta(hours=h) for h in history.window_hours)
    for window in ((since, until), (HISTORY_STARTS, clock.now + dt.timedelta(hours=1))):
        flow = await actual_flow(
            services,
            team_id=team,
            process_map=MAP,
            window=Window(*window),
            owner_ids=tuple(sorted(owners)) if owners else None,
        )
        edges, stays = expected(entries, window, owners)
        _same(flow, edges, stays)
        event(f"{min(len(flow.off_map()), 2)}+ moves off the map")


def _same(flow: ActualFlow, edges: Counter, stays: dict[str, list[dt.timedelta]]) -> None:  # type: ignore[type-arg]
    found = {(e.source, e.dest): (e.count, e.on_map) for e in flow.edges}
    first = MAP.stages[0].id
    want = {
        (source, dest): (count, (source, dest) in DRAWN if source else dest == first)
        for (source, dest), count in edges.items()
    }
    assert found == want
    assert flow.moves == sum(c for (source, _d), c in edges.items() if source is not None)
    assert [s.stage for s in flow.stages] == STAGES
    for load in flow.stages:
        mine = stays.get(load.stage, [])
        assert load.ended_stays == len(mine), load
        target = MAP.stage(load.stage).target_days
        if not mine or target is None:
            assert load.overstay_share is None, load
        else:
            over = sum(1 for stay in mine if stay > dt.timedelta(days=target))
            assert load.overstay_share == pytest.approx(over / len(mine)), load
        days = [stay.total_seconds() / 86400 for stay in mine]
        median = statistics.median(days) if days else None
        assert load.median_days == pytest.approx(median, abs=1e-5), load


async def _import(services: Services, team: str, history: History) -> list[ModelDeal]:
    """The imported part of each history; a deal with none is made with /deal new."""
    lines, deals = [HEADER], []
    for n, (owner, walk, gaps) in enumerate(history.deals):
        deal, at = ModelDeal(name=f"Deal{n}", owner=owner), HISTORY_STARTS
        for stage, gap in zip(walk, gaps, strict=True):
            at += dt.timedelta(hours=gap)
            reason = {"lost": "Timing", "disqualified": "No fit"}.get(stage, "")
            lines.append(f"X{n},{deal.name},{owner},1000,USD,{stage},{at.isoformat()},{reason}")
            deal.enter(stage, at)
        deals.append(deal)
    if len(lines) > 1:
        report = await import_text(services, "\n".join(lines) + "\n", team_id=team)
        assert report.rejected == [], report.rejected
    for deal in deals:
        if deal.entries:
            found = await say(services, team, ADMIN, f"show {deal.name}")
            deal.deal_id = found.card.deal_id  # type: ignore[attr-defined]
            continue
        created = await say(services, team, deal.owner, f"new {deal.name} 1000")
        assert isinstance(created, Created), created
        deal.deal_id = created.card.deal_id
        deal.enter(created.card.stage.id, services.clock())
    return deals


async def _work(services: Services, team: str, deal: ModelDeal, action: str, target: str) -> None:
    """One /deal command on the deal; the model follows whatever move it made."""
    ref = f"#{deal.deal_id}"
    if action == "advance" and MAP.stage(deal.stage).kind is StageKind.OPEN:
        await _tick_everything(services, team, deal)
    lines = {
        "advance": (deal.owner, f"advance {ref}"),
        "override": (ADMIN, f"override {ref} the CFO agreed"),
        "lose": (deal.owner, f"lose {ref} Timing"),
        "disqualify": (deal.owner, f"disqualify {ref} no fit after all"),
        "nurture": (deal.owner, f"nurture {ref} 30d"),
        "reopen": (deal.owner, f"reopen {ref} {target}"),
    }
    user, line = lines[action]
    answer = await say(services, team, user, line)
    if isinstance(answer, Moved):
        deal.enter(answer.card.stage.id, services.clock())


async def _tick_everything(services: Services, team: str, deal: ModelDeal) -> None:
    numbers = [
        f'{n}="proof {n}"' if item.evidence else str(n)
        for n, item in enumerate(MAP.stage(deal.stage).exit, 1)
        if item.required
    ]
    if numbers:
        await say(services, team, deal.owner, f"tick #{deal.deal_id} {' '.join(numbers)}")


async def test_a_stay_of_exactly_the_target_is_not_over_it(services: Services) -> None:
    """Qualification's target is 7 days: stays of 7 days, 7 days and an hour, 6 days, and
    one still open; a skip into the demo and a deal imported half-way, into the proposal."""
    team = fresh_team()
    rows = [
        ("A", "qualify", "2026-01-01T00:00:00"),
        ("A", "discovery", "2026-01-08T00:00:00"),  # 7 days: on target
        ("B", "qualify", "2026-01-01T00:00:00"),
        ("B", "discovery", "2026-01-08T01:00:00"),  # an hour over
        ("C", "qualify", "2026-01-02T00:00:00"),
        ("C", "demo", "2026-01-08T00:00:00"),  # 6 days, and a skip the map lacks
        ("D", "qualify", "2026-01-03T00:00:00"),  # still there
        ("E", "proposal", "2026-01-04T00:00:00"),  # created half-way
    ]
    lines = [HEADER, *(f"{d},Deal {d},{REP},1000,USD,{stage},{at}," for d, stage, at in rows)]
    report = await import_text(services, "\n".join(lines) + "\n", team_id=team)
    assert report.rejected == [], report.rejected

    flow = await actual_flow(services, team_id=team, process_map=MAP, window=Window())

    qualify = next(load for load in flow.stages if load.stage == "qualify")
    assert (qualify.ended_stays, qualify.overstay_share) == (3, pytest.approx(1 / 3))
    assert qualify.median_days == pytest.approx(7.0)
    edges = {(e.source, e.dest): (e.count, e.on_map) for e in flow.edges}
    assert edges == {
        (None, "qualify"): (4, True),
        (None, "proposal"): (1, False),
        ("qualify", "discovery"): (2, True),
        ("qualify", "demo"): (1, False),
    }
    assert {(e.source, e.dest) for e in flow.off_map()} == {("qualify", "demo"), (None, "proposal")}
    january = Window(dt.datetime(2026, 1, 8, 0, 30, tzinfo=dt.UTC), None)  # after A's and C's moves
    later = await actual_flow(services, team_id=team, process_map=MAP, window=january)
    assert {(e.source, e.dest): e.count for e in later.edges} == {("qualify", "discovery"): 1}
    assert next(s for s in later.stages if s.stage == "qualify").overstay_share == 1.0

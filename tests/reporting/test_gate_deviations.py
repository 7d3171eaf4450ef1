"""Gate deviations (docs/kpis.md): every move that put a deal into a stage without the
exit items of the gates on its way, counted by `/deal stats` and by the digests.

First a few histories with known answers, imported as a CRM's (or an old database's)
history would be. Then the property: Hypothesis writes random histories (an imported
walk over any of the map's stages, then a rep and their manager working the deals with
/deal commands: tick and advance, override, lose, disqualify, nurture, reopen) and a model
that reads only the map counts the deviations of each period; `/deal stats` and a digest
of the same deals and days must count the same moves, gates and deals.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.commands import ParseError, parse, run_command
from bot.core.context import Actor, Services
from bot.core.outcomes import Blocked, Invalid, Outcome
from bot.deals.outcomes import Created, Moved
from bot.digests.compose import compose_digest
from bot.digests.content import Digest
from bot.reporting.outcomes import StatsReport
from bot.views.digest import digest_message
from bot.views.outcomes import outcome_message
from bot.views.text import render_text
from flows.loader import load_shipped
from flows.schema import Branch
from storage.digest_models import DigestSubscription
from storage.kpi_deviations import RECENT, GateDeviations, Tally
from storage.models import Deal
from tests.conftest import Clock
from tests.support.known_history import import_text

MAP = load_shipped("default")
ADMIN, MANAGER, REP, OUTSIDER = "UADMIN", "U0MANAGER1", "U0REP00001", "U0OUTSIDE1"
HEADER = "deal_id,deal_name,owner,amount,currency,stage,entered_at,reason"
HISTORY_STARTS = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
WORK_STARTS = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)  # after every imported row


# -- the model: reads only the map -------------------------------------------------------------

LEADS_TO = {stage.id: MAP.next_stage_id(stage) for stage in MAP.open_stages}
ON_PATH = {stage.id for stage in MAP.open_stages}


def walked(start: str | None, to: str) -> int:
    """How many gates `advance` passes walking from `start`'s gate to `to`: 0 when the
    walk never gets there (`to` lies behind, or nowhere on it)."""
    gates, stage = 0, start
    while stage is not None and stage != to:
        gates, stage = gates + 1, LEADS_TO.get(stage)
    return gates if stage == to else 0


@dataclass
class Seen:
    kind: str  # "override" | "skip"
    deal: str
    owner: str
    gates: int
    at: dt.datetime


@dataclass
class ModelDeal:
    name: str
    owner: str
    stage: str
    left: str | None = None  # the main-path stage it last left for a side stage
    deal_id: int = 0

    def moved(self, to: str, at: dt.datetime, *, override: bool = False) -> Seen | None:
        """The deviation this move is, if any; then the deal stands in `to`."""
        here, gates = self.stage, 0
        if to not in ON_PATH:
            self.left = here if here in ON_PATH else self.left
        elif here in ON_PATH:  # advanced (or imported as a move along the path), overridden
            gates = walked(LEADS_TO[here], to) + (1 if override else 0)
        elif self.left is not None:  # reopened: from the stage it had left the path at
            gates = walked(self.left, to)
        self.stage = to
        if gates <= 0:
            return None
        return Seen("override" if override else "skip", self.name, self.owner, gates, at)


@dataclass
class Expected:
    overrides: Tally
    skips: Tally
    override_deals: set[str]
    skip_deals: set[str]


def expected(
    seen: list[Seen], owners: set[str] | None, start: dt.datetime, end: dt.datetime
) -> Expected:
    chosen = [s for s in seen if start <= s.at < end and (owners is None or s.owner in owners)]

    def tally(kind: str) -> tuple[Tally, set[str]]:
        mine = [s for s in chosen if s.kind == kind]
        deals = {s.deal for s in mine}
        return Tally(len(mine), sum(s.gates for s in mine), len(deals)), deals

    (overrides, override_deals), (skips, skip_deals) = tally("override"), tally("skip")
    return Expected(overrides, skips, override_deals, skip_deals)


# -- known answers ---------------------------------------------------------------------------------


def csv(rows: list[tuple[str, str, str, str]], owner: str = REP) -> str:
    lines = [HEADER]
    for deal, name, stage, day in rows:
        reason = "No fit" if stage == "disqualified" else "Timing" if stage == "lost" else ""
        lines.append(f"{deal},{name},{owner},10000,USD,{stage},{day},{reason}")
    return "\n".join(lines) + "\n"


async def stats_everything(services: Services, team: str) -> StatsReport:
    answer = await say(services, team, ADMIN, "stats all")
    assert isinstance(answer, StatsReport), answer
    return answer


async def test_a_reopen_past_where_the_deal_left_counts_every_gate_it_skipped(
    services: Services,
) -> None:
    team = fresh_team()
    rows = [
        # the history: Qualification → nurture → reopened into Proposal walked around
        # the gates of Qualification, Discovery and Solution demo
        ("G1", "Globex", "qualify", "2026-01-05"),
        ("G1", "Globex", "nurture", "2026-01-06"),
        ("G1", "Globex", "proposal", "2026-01-20"),
        # left at Discovery, then lost from nurture: it left the path at Discovery
        ("I1", "Initech", "qualify", "2026-01-05"),
        ("I1", "Initech", "discovery", "2026-01-07"),
        ("I1", "Initech", "nurture", "2026-01-08"),
        ("I1", "Initech", "lost", "2026-01-09"),
        ("I1", "Initech", "demo", "2026-01-10"),
        # back to where it left: no gate skipped
        ("U1", "Umbrella", "qualify", "2026-01-05"),
        ("U1", "Umbrella", "discovery", "2026-01-06"),
        ("U1", "Umbrella", "lost", "2026-01-07"),
        ("U1", "Umbrella", "discovery", "2026-01-08"),
        # imported straight into a side stage: where it left is not known, nothing counted
        ("H1", "Hooli", "nurture", "2026-01-05"),
        ("H1", "Hooli", "commit", "2026-01-08"),
    ]
    report = await import_text(services, csv(rows), team_id=team)
    assert report.rejected == [] and report.deals_created == 4

    found = (await stats_everything(services, team)).stats.deviations

    assert found.overrides == Tally()
    assert found.skips == Tally(moves=2, gates=4, deals=2)  # Globex 3, Initech 1
    assert [
        (d.deal_name, d.origin, d.from_stage, d.to_stage, d.gates) for d in found.recent_skips
    ] == [
        ("Globex", "qualify", "nurture", "proposal", 3),  # newest first
        ("Initech", "discovery", "lost", "demo", 1),
    ]


async def test_stats_name_the_deals_and_say_zero_when_nothing_skipped(services: Services) -> None:
    team = fresh_team()
    rows = [("G1", "Globex", "qualify", "2026-01-05"), ("G1", "Globex", "demo", "2026-01-06")]
    await import_text(services, csv(rows), team_id=team)

    shown = render_text(outcome_message(await stats_everything(services, team)).blocks)
    assert "• 0 gates passed by override" in shown
    assert "• 1 gate skipped without an override: Globex (#" in shown

    january = await say(services, team, ADMIN, "stats 2026-01-07..2026-01-31")
    assert isinstance(january, StatsReport)
    assert january.stats.deviations == GateDeviations()
    quiet = render_text(outcome_message(january).blocks)
    assert "• 0 gates passed by override\n• 0 gates skipped without an override" in quiet


# -- the property ------------------------------------------------------------------------------------

STAGES = [stage.id for stage in MAP.stages]
ACTIONS = ("advance", "advance", "override", "override", "lose", "disqualify", "nurture", "reopen")


@st.composite
def walks(draw: st.DrawFn) -> list[str]:
    """An imported history: any stages, never the same twice in a row (the import drops a
    repeated stage)."""
    length = draw(st.integers(0, 7))
    stages: list[str] = []
    for _n in range(length):
        stages.append(draw(st.sampled_from([s for s in STAGES if not stages or s != stages[-1]])))
    return stages


@dataclass
class History:
    deals: list[tuple[str, list[str], list[int]]]  # owner, imported stages, days between rows
    steps: list[tuple[int, str, str, int]]  # deal, action, reopen target, hours after the last
    stats_days: tuple[int, int]  # the period, in days from HISTORY_STARTS
    digest_hours: tuple[int, int]  # the digest's window, in hours from HISTORY_STARTS
    team_view: bool  # the manager's team (and digest), else the admin's workspace


@st.composite
def histories(draw: st.DrawFn) -> History:
    count = draw(st.integers(1, 5))
    deals = [
        (
            draw(st.sampled_from([REP, REP, OUTSIDER])),
            (walk := draw(walks())),
            draw(st.lists(st.integers(1, 9), min_size=len(walk), max_size=len(walk))),
        )
        for _n in range(count)
    ]
    steps = draw(
        st.lists(
            st.tuples(
                st.integers(0, count - 1),
                st.sampled_from(ACTIONS),
                st.sampled_from(STAGES),
                st.integers(1, 60),
            ),
            max_size=15,
        )
    )
    # imported rows fall on days 1-54, the work after day 59 (WORK_STARTS)
    day, days = draw(st.integers(0, 70)), draw(st.integers(0, 100))
    hour, hours = draw(st.integers(0, 70 * 24)), draw(st.integers(1, 100 * 24))
    return History(deals, steps, (day, day + days), (hour, hour + hours), draw(st.booleans()))


EVERYTHING = (dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories())
async def test_stats_and_digests_count_what_the_model_counts(
    services: Services, clock: Clock, history: History
) -> None:
    team = fresh_team()
    clock.now = WORK_STARTS
    await say(services, team, ADMIN, f"role <@{MANAGER}> manager")
    await say(services, team, ADMIN, f"team <@{MANAGER}> add <@{REP}>")
    deals, seen = await _import(services, team, history)
    for index, action, target, hours in history.steps:
        clock.advance(hours=hours)
        found = await _work(services, team, deals[index], action, target)
        if found is not None:
            seen.append(found)
    for kind in sorted({s.kind for s in seen}):
        event(f"a history with a {kind}")  # --hypothesis-show-statistics: what was covered
    owners = {REP, MANAGER} if history.team_view else None
    viewer = MANAGER if history.team_view else ADMIN

    first, last = (_day(day) for day in history.stats_days)
    period = (first, last + dt.timedelta(days=1))
    for words, window in ((f"{first.date()}..{last.date()}", period), ("all", EVERYTHING)):
        stats = await say(services, team, viewer, f"stats {words}")
        assert isinstance(stats, StatsReport), stats
        want = expected(seen, owners, *window)
        event(
            f"a period with {min(want.overrides.moves, 2)}+ overrides, {min(want.skips.moves, 2)}+ skips"
        )
        _same(stats.stats.deviations, want, _ids(deals))
        shown = render_text(outcome_message(stats).blocks)
        assert f"• {_gates(want.overrides.gates)} passed by override" in shown

    since, until = (HISTORY_STARTS + dt.timedelta(hours=h) for h in history.digest_hours)
    for window in ((since, until), (HISTORY_STARTS, clock.now + dt.timedelta(hours=1))):
        digest = await _digest(services, team, history.team_view, *window)
        want = expected(seen, owners, *window)
        assert (digest.overridden, digest.skipped) == (want.overrides, want.skips)
        if want.overrides.moves + want.skips.moves <= RECENT:
            assert {d.deal.name for d in digest.deviations} == want.override_deals | want.skip_deals
        text = render_text(digest_message(digest).to_dict()["blocks"])
        assert f"{_gates(want.overrides.gates + want.skips.gates)} passed without" in text


def _gates(count: int) -> str:
    return f"{count} gate{'' if count == 1 else 's'}"


def _same(found: GateDeviations, want: Expected, ids: dict[str, int]) -> None:
    assert (found.overrides, found.skips) == (want.overrides, want.skips)
    if want.overrides.moves <= RECENT:
        assert {d.deal_id for d in found.recent_overrides} == {ids[n] for n in want.override_deals}
    if want.skips.moves <= RECENT:
        assert {d.deal_id for d in found.recent_skips} == {ids[n] for n in want.skip_deals}


def _ids(deals: list[ModelDeal]) -> dict[str, int]:
    return {deal.name: deal.deal_id for deal in deals}


def _day(offset: int) -> dt.datetime:
    return HISTORY_STARTS + dt.timedelta(days=offset)


async def _import(
    services: Services, team: str, history: History
) -> tuple[list[ModelDeal], list[Seen]]:
    """The imported part of each history (a deal with none is made with /deal new)."""
    lines, deals, seen = [HEADER], [], []
    for n, (owner, walk, gaps) in enumerate(history.deals):
        name, day = f"Deal{n}", 0
        deal = ModelDeal(name=name, owner=owner, stage=walk[0] if walk else MAP.first_stage.id)
        for index, (stage, gap) in enumerate(zip(walk, gaps, strict=True)):
            day += gap
            reason = {"lost": "Timing", "disqualified": "No fit"}.get(stage, "")
            lines.append(f"X{n},{name},{owner},1000,USD,{stage},{_day(day).date()},{reason}")
            if index and (found := deal.moved(stage, _day(day))) is not None:
                seen.append(found)
        deals.append(deal)
    if len(lines) > 1:
        report = await import_text(services, "\n".join(lines) + "\n", team_id=team)
        assert report.rejected == [], report.rejected
    await _number(services, team, deals, history)
    return deals, seen


async def _number(services: Services, team: str, deals: list[ModelDeal], history: History) -> None:
    async with services.db.read() as session:
        rows = (await session.exec(select(Deal).where(Deal.team_id == team))).all()
    ids = {row.name: row.id for row in rows}
    for deal, (owner, walk, _gaps) in zip(deals, history.deals, strict=True):
        if walk:
            deal.deal_id = ids[deal.name] or 0
            continue
        created = await say(services, team, owner, f"new {deal.name} 1000")
        assert isinstance(created, Created), created
        deal.deal_id = created.card.deal_id


async def _work(
    services: Services, team: str, deal: ModelDeal, action: str, target: str
) -> Seen | None:
    """One /deal command on the deal; the model follows whatever move it made."""
    ref, owner = f"#{deal.deal_id}", deal.owner
    if action == "advance" and deal.stage in ON_PATH:
        await _tick_everything(services, team, deal)
    lines = {
        "advance": (owner, f"advance {ref}"),
        "override": (MANAGER if owner == REP else ADMIN, f"override {ref} the CFO agreed"),
        Branch.LOSE.value: (owner, f"lose {ref} Timing"),
        Branch.DISQUALIFY.value: (owner, f"disqualify {ref} no fit after all"),
        Branch.NURTURE.value: (owner, f"nurture {ref} 30d"),
        "reopen": (owner, f"reopen {ref} {target}"),
    }
    user, line = lines[action]
    answer = await say(services, team, user, line)
    if not isinstance(answer, Moved):
        assert isinstance(answer, Invalid | Blocked), (line, answer)  # refused by the rules
        return None
    at = services.clock()
    return deal.moved(answer.card.stage.id, at, override=action == "override")


async def _tick_everything(services: Services, team: str, deal: ModelDeal) -> None:
    stage = MAP.stage(deal.stage)
    numbers = [
        f'{n}="proof {n}"' if item.evidence else str(n)
        for n, item in enumerate(stage.exit, 1)
        if item.required
    ]
    if numbers:
        ticked = await say(services, team, deal.owner, f"tick #{deal.deal_id} {' '.join(numbers)}")
        assert not isinstance(ticked, Invalid), ticked


async def _digest(
    services: Services, team: str, team_view: bool, since: dt.datetime, until: dt.datetime
) -> Digest:
    subscription = DigestSubscription(
        team_id=team,
        channel_id="C0SALES001",
        frequency="weekly",
        at_time="09:00",
        tz="UTC",
        scope="team" if team_view else "all",
        scope_user_id=MANAGER if team_view else None,
        created_by=MANAGER,
    )
    return await compose_digest(
        services, subscription=subscription, window_start=since, window_end=until
    )


# -- helpers ---------------------------------------------------------------------------------------


def fresh_team() -> str:
    """A workspace of its own for each example: the database is shared by them all."""
    return f"T{uuid.uuid4().hex[:10].upper()}"


async def say(services: Services, team: str, user: str, line: str) -> Outcome:
    command = parse(line)
    assert not isinstance(command, ParseError), f"{line!r}: {command}"
    return await run_command(services, Actor(team, user), command)

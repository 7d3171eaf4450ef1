"""`stagecoach discover` finds the patterns planted in a history, and proposes the matching
map edits; on a history without them it proposes nothing of the kind. Both backends; the
expected figures come from the generator's own record (tests/support/planted_history.py),
not from the SQL."""

from __future__ import annotations

import math

import pytest

from bot.core.context import Services
from bot.core.scope import Scope
from bot.deals.feedback_giving import record_feedback
from bot.reporting.discovery.map_edits import ProposedMap
from bot.reporting.discovery.measure import discover
from bot.reporting.discovery.proposals import ChangeKind, propose
from bot.reporting.discovery.proposing import proposed_map
from bot.reporting.discovery.report import DiscoveryReport, MoveKind
from flows.lint import lint_text
from flows.loader import parse_map
from tests.conftest import Clock
from tests.support.planted_history import (
    MISSING_BRANCH,
    OBJECTION,
    OVERRIDDEN,
    REP,
    SKIPPED,
    SLOW,
    TEAM,
    Record,
    percentile,
    plant,
)


async def _report(services: Services) -> DiscoveryReport:
    found = await discover(
        services, team_id=TEAM, scope=Scope.everyone(), title="everyone", period="all"
    )
    assert isinstance(found, DiscoveryReport), found
    return found


@pytest.fixture
async def planted(services: Services, clock: Clock) -> tuple[Services, Record]:
    return services, await plant(services, clock, planted=True)


@pytest.fixture
async def clean(services: Services, clock: Clock) -> tuple[Services, Record]:
    return services, await plant(services, clock, planted=False)


async def test_the_flow_counts_every_move_the_generator_made(
    planted: tuple[Services, Record],
) -> None:
    services, record = planted
    report = await _report(services)
    found = {(m.edge.source, m.edge.dest): m.edge.count for m in report.moves if m.edge.source}
    assert found == dict(record.moves)


async def test_planted_patterns_are_found(planted: tuple[Services, Record]) -> None:
    services, record = planted
    report = await _report(services)
    # the branch the map lacks
    lost = next(m for m in report.moves if (m.edge.source, m.edge.dest) == MISSING_BRANCH)
    assert not lost.edge.on_map and lost.kind is MoveKind.EXIT
    assert lost.edge.count == record.moves[MISSING_BRANCH]
    # the stage gone around
    skip = next(s for s in report.skips if s.stage == SKIPPED)
    around = sum(n for (a, b), n in record.moves.items() if (a, b) == ("proposal", "closed_won"))
    through = record.moves[("proposal", SKIPPED)]
    assert (skip.around, skip.through) == (around, through)
    assert skip.share is not None and skip.share >= 0.8
    # the slow stage, to the generator's own percentiles
    time = next(t for t in report.times if t.stage == SLOW)
    stays = record.stays[SLOW]
    assert time.stays.count == len(stays)
    for got, fraction in ((time.stays.median, 0.5), (time.stays.p75, 0.75), (time.stays.p90, 0.9)):
        assert got == pytest.approx(percentile(stays, fraction), abs=1e-3)
    assert time.stays.median is not None and time.stays.median > 2.5 * (time.target_days or 0)
    # the gate overridden in most won deals
    item = next(i for i in report.items_overridden if (i.stage, i.item) == OVERRIDDEN)
    assert (item.won_overridden, item.won_recorded) == (record.overridden_won, record.walked)


async def test_the_proposal_holds_the_matching_edits(planted: tuple[Services, Record]) -> None:
    services, record = planted
    report = await _report(services)
    changes = {(c.kind, c.stage, c.value) for c in propose(report)}
    p75 = math.floor(percentile(record.stays[SLOW], 0.75) + 0.5)
    assert (ChangeKind.TARGET_DAYS, SLOW, p75) in changes
    assert (ChangeKind.OPTIONAL_ITEM, OVERRIDDEN[0], OVERRIDDEN[1]) in changes
    assert (ChangeKind.ADD_BRANCH, MISSING_BRANCH[0], "lose") in changes
    assert (ChangeKind.MERGE_STAGE, SKIPPED, "proposal") in changes
    assert (ChangeKind.VERSION, None, report.map.version + 1) in changes


async def test_the_proposed_map_loads_lints_clean_and_says_it(
    planted: tuple[Services, Record],
) -> None:
    services, record = planted
    report = await _report(services)
    proposed = await proposed_map(services, report, team_id=TEAM, name="new.yml")
    assert isinstance(proposed, ProposedMap)
    assert lint_text(proposed.text, file="new.yml") == []
    new = parse_map(proposed.text)
    assert new.version == report.map.version + 1
    assert "lose" in [b.value for b in new.stage(MISSING_BRANCH[0]).branches]
    assert not new.has_stage(SKIPPED)
    proposal = new.stage("proposal")  # the stage deals left when they went around it
    assert new.next_stage_id(proposal) == "closed_won"
    carried = [i for i in proposal.exit if report.map.stage(SKIPPED).item(i.id)]
    assert carried and not any(i.required for i in carried)
    assert all(SKIPPED not in stage.reopen for stage in new.stages)
    assert new.stage(OVERRIDDEN[0]).item(OVERRIDDEN[1]).required is False  # type: ignore[union-attr]
    assert new.stage(SLOW).target_days == math.floor(percentile(record.stays[SLOW], 0.75) + 0.5)
    # comments kept: the file's header is there as written
    assert (
        proposed.text.splitlines()[0]
        == "# The compact B2B sales process map shipped with stagecoach."
    )
    assert all(edited.diff for edited in proposed.changes)


async def test_a_history_without_them_proposes_nothing_of_the_kind(
    clean: tuple[Services, Record],
) -> None:
    services, record = clean
    report = await _report(services)
    assert {
        (m.edge.source, m.edge.dest): m.edge.count for m in report.moves if m.edge.source
    } == dict(record.moves)
    assert all(m.edge.on_map for m in report.moves if m.edge.source)
    assert report.items_overridden == () and report.gates == ()
    assert propose(report) == ()
    proposed = await proposed_map(services, report, team_id=TEAM, name="new.yml")
    assert isinstance(proposed, ProposedMap) and proposed.changes == ()


async def test_won_against_lost_finds_the_objection_heard_in_lost_deals(
    planted: tuple[Services, Record],
) -> None:
    services, record = planted
    found = (await _report(services)).outcomes
    assert (found.worked_won, found.worked_lost) == (record.walked, record.walked_lost)
    heard = next(d for d in found.differences if d.feature.key == OBJECTION[0])
    assert (heard.feature.won, heard.feature.lost) == (0, record.walked_lost)
    assert (heard.won, heard.lost) == (record.walked, record.walked_lost)
    # every lost walked deal heard it, no won one did: the table's own Fisher p-value
    assert heard.p_value == pytest.approx(2 / math.comb(20, 10))


async def test_too_few_decided_deals_say_not_enough_data(services: Services, clock: Clock) -> None:
    await plant(services, clock, planted=True, imported=8, walked=2, lost=2)
    found = (await _report(services)).outcomes
    assert not found.enough and found.differences == () and found.tested == 0


async def test_a_proposed_change_lists_the_open_feedback_on_its_stage(
    planted: tuple[Services, Record],
) -> None:
    services, _record = planted
    report = await _report(services)
    slow_name = report.map.stage(SLOW).name
    await record_feedback(services, REP, f"{slow_name} takes far longer than the map says")
    await record_feedback(services, REP, "the whole map has too many items")  # no stage

    proposed = await proposed_map(services, report, team_id=TEAM, name="new.yml")

    assert isinstance(proposed, ProposedMap)
    linked = {
        e.change.kind: e.change.related_feedback for e in proposed.changes if e.change.stage == SLOW
    }
    assert linked[ChangeKind.TARGET_DAYS] == (
        f"#1 <@{REP.user_id}>: {slow_name} takes far longer than the map says",
    )
    others = [e.change for e in proposed.changes if e.change.stage not in (SLOW, None)]
    assert others and all(change.related_feedback == () for change in others)

"""The proposal rules on hand-made matrices and stays (pure: no database): each rule's
threshold, on both sides of it, and moves the map cannot draw never proposed."""

from __future__ import annotations

import pytest

from bot.reporting.discovery.flow import actual_flow, moves_of, skips_of
from bot.reporting.discovery.proposals import ChangeKind, propose
from bot.reporting.discovery.report import DiscoveryReport, MoveKind, WonAgainstLost
from bot.reporting.discovery.timing import stage_times
from bot.reporting.periods import Period
from flows.loader import load_map, resolve_map_path
from storage.discovery_queries import StayFigures
from storage.kpi_queries import Transition

MAP = load_map(resolve_map_path("default"))


def _report(
    matrix: list[Transition], stays: dict[str, StayFigures] | None = None
) -> DiscoveryReport:
    moves = moves_of(MAP, matrix)
    return DiscoveryReport(
        map=MAP,
        scope="all",
        scope_title="everyone",
        period=Period.everything(),
        flow=actual_flow(MAP, moves, stays or {}),
        moves=moves,
        skips=skips_of(MAP, moves),
        times=stage_times(MAP, stays or {}, {}),
        gates=(),
        items_overridden=(),
        ticks=(),
        outcomes=WonAgainstLost(0, 0, False, 0, ()),
    )


def _kinds(report: DiscoveryReport) -> set[tuple[ChangeKind, str | None, object]]:
    return {(c.kind, c.stage, c.value) for c in propose(report)}


@pytest.mark.parametrize(("lost", "proposed"), [(9, False), (10, True)])
def test_a_missing_branch_from_ten_moves(lost: int, proposed: bool) -> None:
    matrix = [Transition("qualify", "discovery", 60, 60), Transition("qualify", "lost", lost, lost)]
    change = (ChangeKind.ADD_BRANCH, "qualify", "lose")
    assert (change in _kinds(_report(matrix))) is proposed


def test_a_missing_branch_needs_a_tenth_of_the_moves_out() -> None:
    matrix = [Transition("qualify", "discovery", 200, 200), Transition("qualify", "lost", 12, 12)]
    assert _kinds(_report(matrix)) == set()


def test_a_missing_reopen_is_proposed_and_a_retired_stage_never() -> None:
    matrix = [
        Transition("disqualified", "discovery", 12, 12),  # disqualified reopens to qualify only
        Transition("gone", "qualify", 40, 40),  # a stage this version no longer has
        Transition("qualify", "gone", 40, 40),
    ]
    report = _report(matrix)
    assert {m.kind for m in report.moves if "gone" in (m.edge.source, m.edge.dest)} == {
        MoveKind.RETIRED
    }
    assert _kinds(report) == {
        (ChangeKind.VERSION, None, 2),
        (ChangeKind.ADD_REOPEN, "disqualified", "discovery"),
    }


@pytest.mark.parametrize(
    ("median", "p90", "proposed"),
    [(14.0, 20.0, False), (14.5, 20.0, True), (7.5, 6.9, True), (7.5, 7.0, False)],
)
def test_a_target_moves_when_most_stays_overrun_it_or_the_slowest_take_under_half(
    median: float, p90: float, proposed: bool
) -> None:
    stays = {"discovery": StayFigures(10, 5, median, 17.4, p90)}  # target 14
    changes = _kinds(_report([], stays))
    assert ((ChangeKind.TARGET_DAYS, "discovery", 17) in changes) is proposed


def test_a_target_needs_ten_stays() -> None:
    stays = {"discovery": StayFigures(9, 9, 40.0, 44.0, 45.0)}
    assert _kinds(_report([], stays)) == set()


@pytest.mark.parametrize(("around", "proposed"), [(79, False), (80, True)])
def test_a_stage_gone_around_in_four_moves_of_five_is_merged(around: int, proposed: bool) -> None:
    through = 100 - around
    matrix = [
        Transition("proposal", "closed_won", around, around),
        Transition("proposal", "commit", through, through),
    ]
    change = (ChangeKind.MERGE_STAGE, "commit", "proposal")
    assert (change in _kinds(_report(matrix))) is proposed

"""Any run of Web API faults in a row, met by two replicas: a nudge ends the way the first
fault that is not "try again" says (refused, or unknown: posted at most once), or, when
every fault was one to try again after, posted exactly once; never twice, never left
`claimed` or `sending`. Generated with hypothesis against a small model of the verdicts."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core.catalog import MapCatalog
from bot.core.context import Services
from bot.deals.creating import create_deal
from bot.deals.outcomes import Created
from bot.slack_standin import Fault, JsonError, Reset, SlackStandIn, TextError
from storage.digest_models import ClaimStatus, Nudge
from tests.conftest import BACKENDS, Clock, close_services, open_services
from tests.digests.conftest import REP
from tests.digests.test_fault_shapes import _replicas, _run_ticks

DM = "D0REP0001"
# Each fault with the claim's ending it causes; None: Slack did nothing, try again.
FAULTS: list[tuple[Fault, ClaimStatus | None]] = [
    (JsonError("service_unavailable"), None),
    (TextError(503), None),
    (TextError(503, html=True), None),
    (JsonError("channel_not_found"), ClaimStatus.REFUSED),
    (JsonError("cannot_dm_bot"), ClaimStatus.REFUSED),
    (JsonError("internal_error", status=500), ClaimStatus.UNKNOWN),
    (TextError(500), ClaimStatus.UNKNOWN),
    (TextError(502, html=True, performs=True), ClaimStatus.UNKNOWN),
    (Reset(), ClaimStatus.UNKNOWN),
    (Reset(performs=True), ClaimStatus.UNKNOWN),
]


@dataclasses.dataclass(frozen=True)
class Expected:
    status: ClaimStatus
    posts: int
    attempts: int


def model(faults: list[tuple[Fault, ClaimStatus | None]]) -> Expected:
    """What must happen: the first fault with an ending ends it; else the next call posts."""
    for index, (fault, ending) in enumerate(faults):
        if ending is not None:
            return Expected(ending, int(fault.performs), index + 1)
    return Expected(ClaimStatus.POSTED, 1, len(faults) + 1)


async def _play(services: Services, faults: list[tuple[Fault, ClaimStatus | None]]) -> Nudge:
    clock = services.clock
    assert isinstance(clock, Clock)
    async with SlackStandIn() as standin:
        created = await create_deal(services, REP, name="Acme Corp", amount="50k")
        assert isinstance(created, Created)
        clock.advance(days=3)
        for fault, _ending in faults:
            standin.fault_next("chat.postMessage", fault)
        await _run_ticks(_replicas(services, standin), clock, rounds=len(faults) + 2)
        expected = model(faults)
        assert len(standin.messages(DM)) == expected.posts
        assert standin.attempts("chat.postMessage") == expected.attempts
    async with services.db.read() as session:
        [nudge] = (await session.exec(select(Nudge))).all()
    assert nudge.status == expected.status, nudge.last_error
    return nudge


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(faults=st.lists(st.sampled_from(FAULTS), max_size=4))
def test_any_run_of_faults_ends_a_nudge_as_the_model_says(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    faults: list[tuple[Fault, ClaimStatus | None]],
) -> None:
    async def example() -> None:
        opened = await open_services(backend, tmp_path_factory, MapCatalog.from_ref("default"))
        clock = Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
        services = Services(db=opened.db, catalog=opened.catalog, clock=clock)
        try:
            await _play(services, faults)
        finally:
            await close_services(services)

    asyncio.run(example())

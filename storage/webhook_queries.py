"""The reads and writes of webhooks (storage.webhook_models; docs/webhooks.md): endpoints,
the outbox rows a change writes in its own transaction, and claiming a row to deliver.

A row is deliverable when it is due and it is the first of its deal for its endpoint that
is not delivered: an earlier row still pending, in flight or dead holds it back, so a
receiver sees a deal's events in the order they happened. The claim repeats that test in
its UPDATE, so two replicas never send one deal's events to one endpoint at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel import select as select_rows
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.webhook_models import OutboundEvent, OutboxStatus, WebhookEndpoint, WebhookOutbox

_OUT = WebhookOutbox.__table__  # type: ignore[attr-defined]
_ENDPOINTS = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_EARLIER = _OUT.alias("earlier")
_NOT_DONE = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value, OutboxStatus.DEAD.value)
# A row of a removed endpoint is never sent; one that was in flight at the removal may
# still finish as pending or dead: the counts, dead letters and retries leave it out.
_ACTIVE = exists().where(_ENDPOINTS.c.id == _OUT.c.endpoint_id, _ENDPOINTS.c.removed_at.is_(None))


@dataclass(frozen=True, slots=True)
class EndpointState:
    """An endpoint with how its deliveries stand."""

    endpoint: WebhookEndpoint
    waiting: int  # pending or in flight
    dead: int
    last_status: OutboxStatus | None  # of its last finished delivery (None: none yet)
    last_at: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What posting one claimed row needs."""

    row_id: int
    endpoint_id: int
    url: str
    secret: str
    event_id: str
    kind: str
    payload: str
    attempts: int  # counting this one


@dataclass(frozen=True, slots=True)
class DeadLetter:
    row: WebhookOutbox
    url: str
    held_back: int  # the deal's later events for the endpoint, waiting behind it


# -- endpoints ---------------------------------------------------------------------------


async def add_endpoint(session: AsyncSession, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    session.add(endpoint)
    await session.flush()
    return endpoint


async def endpoint_states(session: AsyncSession, *, team_id: str) -> list[EndpointState]:
    query = (
        select_rows(WebhookEndpoint)
        .where(col(WebhookEndpoint.team_id) == team_id, col(WebhookEndpoint.removed_at).is_(None))
        .order_by(col(WebhookEndpoint.id))
    )
    endpoints = list((await session.exec(query)).all())
    ids = [endpoint.id for endpoint in endpoints if endpoint.id is not None]
    if not ids:
        return []
    counts: dict[tuple[int, str], int] = {}
    grouped = select(_OUT.c.endpoint_id, _OUT.c.status, func.count()).where(
        _OUT.c.endpoint_id.in_(ids)
    )
    for endpoint_id, status, count in await _all(
        session, grouped.group_by(_OUT.c.endpoint_id, _OUT.c.status)
    ):
        counts[(endpoint_id, status)] = int(count)
    last = await _last_finished(session, ids)
    return [_state(endpoint, counts, last.get(endpoint.id or 0)) for endpoint in endpoints]


def _state(
    endpoint: WebhookEndpoint, counts: dict[tuple[int, str], int], last: Any
) -> EndpointState:
    assert endpoint.id is not None
    waiting = sum(counts.get((endpoint.id, s.value), 0) for s in (OutboxStatus.PENDING, OutboxStatus.SENDING))  # fmt: skip
    dead = counts.get((endpoint.id, OutboxStatus.DEAD.value), 0)
    if last is None:
        return EndpointState(endpoint, waiting, dead, None, None, None)
    return EndpointState(endpoint, waiting, dead, OutboxStatus(last[1]), last[2], last[3])


async def _last_finished(session: AsyncSession, ids: list[int]) -> dict[int, Any]:
    finished = (OutboxStatus.DELIVERED.value, OutboxStatus.DEAD.value)
    latest = (
        select(func.max(_OUT.c.id))
        .where(_OUT.c.endpoint_id.in_(ids), _OUT.c.status.in_(finished))
        .group_by(_OUT.c.endpoint_id)
    )
    query = select(_OUT.c.endpoint_id, _OUT.c.status, _OUT.c.finished_at, _OUT.c.last_error).where(
        _OUT.c.id.in_(latest)
    )
    return {row[0]: row for row in await _all(session, query)}


async def remove_endpoint(
    session: AsyncSession, *, team_id: str, endpoint_id: int, now: dt.datetime
) -> WebhookEndpoint | None:
    """Remove the endpoint (None: the workspace has no such endpoint) and drop what it was
    still to be sent; a delivery in flight finishes."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.team_id != team_id or endpoint.removed_at is not None:
        return None
    endpoint.removed_at = now
    session.add(endpoint)
    undelivered = (OutboxStatus.PENDING.value, OutboxStatus.DEAD.value)
    await _run(
        session,
        delete(_OUT).where(_OUT.c.endpoint_id == endpoint_id, _OUT.c.status.in_(undelivered)),
    )
    return endpoint


# -- writing events, in the change's transaction -------------------------------------------


async def add_outbound(session: AsyncSession, events: Sequence[OutboundEvent]) -> None:
    """One outbox row per event and active endpoint of its workspace that wants its kind."""
    if not events:
        return
    teams = sorted({event.team_id for event in events})
    query = select(_ENDPOINTS.c.id, _ENDPOINTS.c.team_id, _ENDPOINTS.c.events).where(
        _ENDPOINTS.c.team_id.in_(teams), _ENDPOINTS.c.removed_at.is_(None)
    )
    endpoints = await _all(session, query)
    if not endpoints:
        return
    rows = [
        _outbox_row(event, endpoint_id)
        for event in events
        for endpoint_id, team_id, kinds in endpoints
        if team_id == event.team_id and event.kind in kinds.split(",")
    ]
    if rows:
        connection = await session.connection()
        await connection.execute(_OUT.insert(), rows)


def _outbox_row(event: OutboundEvent, endpoint_id: int) -> dict[str, object]:
    return {
        "team_id": event.team_id,
        "endpoint_id": endpoint_id,
        "deal_id": event.deal_id,
        "event_id": event.event_id,
        "kind": event.kind,
        "payload": event.payload,
        "status": OutboxStatus.PENDING.value,
        "next_at": event.at,
        "attempts": 0,
        "created_at": event.at,
    }


# -- delivering ----------------------------------------------------------------------------


def _deliverable(now: dt.datetime) -> Any:
    """Due (pending and its time has come, or in flight and its lease is over), its
    endpoint still registered, and no earlier row of its deal for its endpoint undone."""
    earlier_undone = exists().where(
        _EARLIER.c.endpoint_id == _OUT.c.endpoint_id,
        _EARLIER.c.deal_id == _OUT.c.deal_id,
        _EARLIER.c.id < _OUT.c.id,
        _EARLIER.c.status.in_(_NOT_DONE),
    )
    due = or_(
        _OUT.c.status == OutboxStatus.PENDING.value, _OUT.c.status == OutboxStatus.SENDING.value
    )
    return and_(due, _OUT.c.next_at <= now, _ACTIVE, ~earlier_undone)


async def due(session: AsyncSession, *, now: dt.datetime, limit: int) -> list[int]:
    """The ids of up to `limit` deliverable rows, oldest first."""
    query = select(_OUT.c.id).where(_deliverable(now)).order_by(_OUT.c.id).limit(limit)
    return [row[0] for row in await _all(session, query)]


async def claim(
    session: AsyncSession,
    *,
    row_id: int,
    now: dt.datetime,
    token: str,
    claimed_by: str,
    lease_until: dt.datetime,
) -> Delivery | None:
    """Take the row to send it, if it is still deliverable; what posting it needs."""
    statement = (
        update(_OUT)
        .where(_OUT.c.id == row_id, _deliverable(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claim_token=token,
            claimed_by=claimed_by,
            next_at=lease_until,
            attempts=_OUT.c.attempts + 1,
        )
    )
    if (await _run(session, statement)).rowcount != 1:
        return None
    query = select(
        _OUT.c.endpoint_id, _ENDPOINTS.c.url, _ENDPOINTS.c.secret, _OUT.c.event_id,
        _OUT.c.kind, _OUT.c.payload, _OUT.c.attempts,
    ).join(_ENDPOINTS, _ENDPOINTS.c.id == _OUT.c.endpoint_id).where(_OUT.c.id == row_id)  # fmt: skip
    return Delivery(row_id, *(await _all(session, query))[0])


async def finish(session: AsyncSession, *, row_id: int, token: str, values: dict[str, Any]) -> bool:
    """Record how a delivery went, while the claim is still ours (False: it was taken
    over after its lease, and the other replica's answer counts)."""
    statement = (
        update(_OUT)
        .where(
            _OUT.c.id == row_id,
            _OUT.c.claim_token == token,
            _OUT.c.status == OutboxStatus.SENDING.value,
        )
        .values(**values)
    )
    return bool((await _run(session, statement)).rowcount == 1)


# -- dead letters and depth ------------------------------------------------------------------


async def dead_letters(session: AsyncSession, *, team_id: str | None) -> list[DeadLetter]:
    later = (
        select(func.count())
        .where(
            _EARLIER.c.endpoint_id == _OUT.c.endpoint_id,
            _EARLIER.c.deal_id == _OUT.c.deal_id,
            _EARLIER.c.id > _OUT.c.id,
            _EARLIER.c.status != OutboxStatus.DELIVERED.value,
        )
        .scalar_subquery()
    )
    dead = aliased(WebhookOutbox, _OUT)
    query = (
        select(dead, _ENDPOINTS.c.url, later)
        .join(_ENDPOINTS, _ENDPOINTS.c.id == _OUT.c.endpoint_id)
        .where(_OUT.c.status == OutboxStatus.DEAD.value, _ENDPOINTS.c.removed_at.is_(None))
        .order_by(_OUT.c.id)
    )
    if team_id is not None:
        query = query.where(_OUT.c.team_id == team_id)
    found = (await session.exec(query)).all()  # type: ignore[call-overload]
    return [DeadLetter(row, url, int(held)) for row, url, held in found]


async def requeue(
    session: AsyncSession, *, row_ids: Sequence[int] | None, team_id: str | None, now: dt.datetime
) -> int:
    """Dead letters back to pending, their attempts counted afresh (`row_ids` None: all);
    how many."""
    statement = update(_OUT).where(_OUT.c.status == OutboxStatus.DEAD.value, _ACTIVE)
    if row_ids is not None:
        statement = statement.where(_OUT.c.id.in_(list(row_ids)))
    if team_id is not None:
        statement = statement.where(_OUT.c.team_id == team_id)
    statement = statement.values(
        status=OutboxStatus.PENDING.value, next_at=now, attempts=0, finished_at=None
    )
    return int((await _run(session, statement)).rowcount)


async def depth(session: AsyncSession) -> dict[OutboxStatus, int]:
    """Rows not delivered, by status (every workspace's): what /metrics shows."""
    query = (
        select(_OUT.c.status, func.count())
        .where(_OUT.c.status.in_(_NOT_DONE), _ACTIVE)
        .group_by(_OUT.c.status)
    )
    counts: dict[OutboxStatus, int] = {
        status: 0 for status in OutboxStatus if status is not OutboxStatus.DELIVERED
    }
    for status, count in await _all(session, query):
        counts[OutboxStatus(status)] = int(count)
    return counts


async def prune_delivered(session: AsyncSession, *, before: dt.datetime) -> int:
    """Delete rows delivered before `before`, but each endpoint's newest finished row,
    which `/deal webhook list` shows as its last delivery; the number deleted. Pending,
    sending and dead rows stay: they are work, or a dead letter someone must see."""
    finished = (OutboxStatus.DELIVERED.value, OutboxStatus.DEAD.value)
    newest = (
        select(func.max(_EARLIER.c.id))
        .where(_EARLIER.c.status.in_(finished))
        .group_by(_EARLIER.c.endpoint_id)
    )
    statement = delete(_OUT).where(
        _OUT.c.status == OutboxStatus.DELIVERED.value,
        _OUT.c.finished_at < before,
        _OUT.c.id.not_in(newest),
    )
    pruned = int((await _run(session, statement)).rowcount)
    # What a removed endpoint left behind once its last post finished: nobody sees it.
    leftover = delete(_OUT).where(_OUT.c.status != OutboxStatus.SENDING.value, ~_ACTIVE)
    return pruned + int((await _run(session, leftover)).rowcount)


async def _all(session: AsyncSession, statement: Any) -> Sequence[Any]:
    connection = await session.connection()
    return (await connection.execute(statement)).all()


async def _run(session: AsyncSession, statement: Any) -> Any:
    connection = await session.connection()
    return await connection.execute(statement)

"""A workspace's own settings: the map (and version) its new deals follow, its default
time zone and its reporting currency. What a workspace has not chosen is the deployment's
(STAGECOACH_MAP, UTC, STAGECOACH_REPORTING_CURRENCY), so a single-workspace deployment
reads exactly as before.

Each process keeps what it read for a few seconds (`FRESH_FOR_S`): a request costs no
extra read, a change made here is seen here at once, and one made through another replica
within those seconds (docs/workspaces.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.core.context import Services
from bot.core.reporting_currency import ReportingCurrency
from flows.schema import ProcessMap
from storage import workspace_store
from storage.workspace_models import WorkspaceSetting

FRESH_FOR_S = 5.0
DEFAULT_TIME_ZONE = "UTC"


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    """What a workspace uses; each `*_chosen` says whether it chose it or has the default."""

    team_id: str
    map_id: str
    map_version: int
    map_chosen: bool
    time_zone: str
    time_zone_chosen: bool
    reporting_currency: ReportingCurrency | None
    currency_chosen: bool
    language: str | None  # None: not chosen (the user's own, else the map's: docs/i18n.md)


async def workspace_settings(services: Services, team_id: str) -> WorkspaceSettings:
    row = await _row(services, team_id)
    current = services.catalog.current
    map_chosen = row is not None and row.map_id is not None and row.map_version is not None
    zone = row.time_zone if row is not None else None
    return WorkspaceSettings(
        team_id=team_id,
        map_id=row.map_id if map_chosen and row and row.map_id else current.id,
        map_version=row.map_version if map_chosen and row and row.map_version else current.version,
        map_chosen=map_chosen,
        time_zone=zone or DEFAULT_TIME_ZONE,
        time_zone_chosen=zone is not None,
        reporting_currency=_currency(services, row),
        currency_chosen=row is not None
        and (row.per_currency or row.reporting_currency is not None),
        language=row.language if row is not None else None,
    )


async def workspace_map(services: Services, team_id: str) -> ProcessMap:
    """The map the workspace's new deals follow, its onboarding teaches and its reports use."""
    chosen = await workspace_settings(services, team_id)
    if not chosen.map_chosen:
        return services.catalog.current
    return await services.catalog.get(services.db, map_id=chosen.map_id, version=chosen.map_version)


async def reporting_currency_of(services: Services, team_id: str) -> ReportingCurrency | None:
    return (await workspace_settings(services, team_id)).reporting_currency


def rebased(deployment: ReportingCurrency | None, code: str) -> ReportingCurrency:
    """The deployment's rates restated in `code`: one unit of X is rate(X) / rate(code).
    Without a rate for `code` only amounts in `code` itself add up (the others are named
    as not converted, as for any currency the rates file lacks)."""
    if deployment is None:
        return ReportingCurrency(currency=code)
    base = deployment.rate(code)
    if base is None:
        return ReportingCurrency(currency=code)
    rates = {
        other: rate / base
        for other in {*deployment.rates, deployment.currency}
        if other != code and (rate := deployment.rate(other)) is not None
    }
    return ReportingCurrency(currency=code, rates=rates)


def _currency(services: Services, row: WorkspaceSetting | None) -> ReportingCurrency | None:
    if row is None:
        return services.reporting_currency
    if row.per_currency:
        return None
    if row.reporting_currency is None:
        return services.reporting_currency
    return rebased(services.reporting_currency, row.reporting_currency)


async def _row(services: Services, team_id: str) -> WorkspaceSetting | None:
    cached = services.workspace_cache.get(team_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < FRESH_FOR_S:
        return cached[1]
    async with services.db.read() as session:
        row = await workspace_store.workspace_setting(session, team_id=team_id)
    services.workspace_cache[team_id] = (now, row)
    return row


def forget(services: Services, team_id: str) -> None:
    """After a change here: the next read goes to the database."""
    services.workspace_cache.pop(team_id, None)

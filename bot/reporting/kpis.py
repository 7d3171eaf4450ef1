"""KPIs for a scope and a period, assembled from storage.kpi_queries (where the SQL and
the definitions live; bot.reporting.measure runs them). Their JSON form is
bot.reporting.kpi_json.

Money KPIs (weighted pipeline, average won amount, velocity) are per currency
(bot.reporting.money): amounts in different currencies are never added up unless the
workspace has a reporting currency with rates, and then only those with a rate. The
headline figures (`currency`, `pipeline`, `average_won_amount`) are in the reporting
currency when there is one, else in the map's. Stats are per map: the scope's map, or the
deployment's current map, with the stage list of its newest version. How much history each
KPI needs: bot.reporting.minimums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.context import Services
from bot.core.reporting_currency import ReportingCurrency
from bot.core.scope import Scope, ScopeKind
from bot.core.teams import owners_in
from bot.core.workspace_settings import reporting_currency_of, workspace_map
from bot.reporting.counted import CountedStat, StageGroup, by_stage, counted_events
from bot.reporting.measure import Measured, Need, measure
from bot.reporting.minimums import VELOCITY_MIN_CYCLE_DAYS, VELOCITY_MIN_WON
from bot.reporting.money import Converted, CurrencyMoney, converted, per_currency
from bot.reporting.periods import Period
from bot.reporting.versions import MapHistory, StageVersions, map_history
from flows.i18n import _
from flows.schema import ProcessMap, Stage
from storage import kpi_events as ev
from storage import kpi_queries as q
from storage.kpi_deviations import GateDeviations
from storage.kpi_scope import KpiScope, MapShape
from storage.percentiles import EMPTY, Summary

TOP_OBJECTIONS = 10


class ScopeError(LookupError):
    """The scope names a map this database has no deals or copy of."""


@dataclass(frozen=True, slots=True)
class StageStats:
    stage: Stage
    flow: q.StageFlow
    cumulative: Summary  # per deal, its completed stays added up (the pinned time_in_stage_days)
    latest: Summary  # per deal, its last completed stay
    won: bool = False
    post_sale: bool = False
    terminal: bool = False  # won, a side stage, or the last stage: nowhere further to go
    versions: StageVersions | None = None  # which map versions have it (bot.reporting.versions)
    moved_in: int = 0  # entries a migration made (a renamed or merged stage's deals)
    moved_out: int = 0  # stays a migration ended here

    @property
    def conversion(self) -> float | None:
        """Converted ÷ decided entries; a terminal stage has none (storage.kpi_queries)."""
        return None if self.terminal else self.flow.conversion


@dataclass(frozen=True, slots=True)
class Stats:
    scope: str
    period: Period
    map_id: str
    currency: str
    statuses: ev.StatusCounts
    won: int
    cycle: Summary
    stages: list[StageStats]
    exits: list[StageStats]
    first_response_hours: Summary
    lost_reasons: list[CountedStat]
    objections: list[CountedStat]
    overrides: list[CountedStat]
    reopens: list[CountedStat]
    deviations: GateDeviations = field(default_factory=GateDeviations)  # storage.kpi_deviations
    money: list[CurrencyMoney] = field(default_factory=list)  # every currency, `currency` first
    converted: Converted | None = None  # with a reporting currency: the rated ones added up
    retired: list[StageStats] = field(default_factory=list)  # only in other map versions

    @property
    def stage_order(self) -> list[str]:
        return [s.stage.id for s in (*self.stages, *self.exits)]

    @property
    def lost_reasons_by_stage(self) -> list[StageGroup]:
        return by_stage(self.lost_reasons, self.stage_order)

    @property
    def objections_by_stage(self) -> list[StageGroup]:
        return by_stage(self.objections, self.stage_order)

    @property
    def pipeline(self) -> ev.Pipeline:
        """The headline currency's open pipeline (every currency's: `money`)."""
        m = self.headline_money
        return ev.Pipeline(m.currency, m.open, m.qualified, m.amount, m.weighted)

    @property
    def average_won_amount(self) -> float | None:
        return self.headline_money.average_won_amount

    @property
    def headline_money(self) -> CurrencyMoney:
        """The figures `pipeline` and `average_won_amount` come from."""
        if self.converted is not None:
            return self.converted.total
        found = next((m for m in self.money if m.currency == self.currency), None)
        return found or CurrencyMoney(self.currency, 0, 0, 0.0, 0.0, 0, 0, 0.0)

    @property
    def other_currencies(self) -> list[CurrencyMoney]:
        """The currencies the headline figures leave out."""
        inside = self.converted.currencies if self.converted else (self.currency,)
        return [m for m in self.money if m.currency not in inside]

    @property
    def win_rate(self) -> float | None:
        decided = self.won + self.statuses.lost
        return self.won / decided if decided else None

    @property
    def velocity_per_day(self) -> float | None:
        """The headline currency's velocity (None: not enough won deals yet)."""
        return self.velocity_in(self.headline_money)

    def velocity_in(self, money: CurrencyMoney) -> float | None:
        """Open qualified deals × average won amount × win rate ÷ median cycle days, in
        one currency; None below the minimums (bot.reporting.minimums)."""
        average, rate, cycle = money.average_won_amount, self.win_rate, self.cycle.median
        if average is None or rate is None or cycle is None:
            return None
        if money.won_with_amount < VELOCITY_MIN_WON or cycle < VELOCITY_MIN_CYCLE_DAYS:
            return None
        return money.qualified * average * rate / cycle


def map_shape(process_map: ProcessMap) -> MapShape:
    main = tuple(stage.id for stage in process_map.open_stages)
    return MapShape(
        main_path=main,
        won_stage=process_map.won_stage.id,
        post_sale=tuple(stage for stage in main if process_map.is_post_sale(stage)),
        probabilities={stage.id: stage.probability for stage in process_map.stages},
        advances={
            stage.id: dest
            for stage in process_map.open_stages
            if (dest := process_map.next_stage_id(stage)) is not None
        },
    )


async def compute_stats(
    services: Services,
    *,
    team_id: str,
    scope: Scope,
    period: Period,
    need: Need = Need.EVERYTHING,
) -> Stats:
    """The KPIs for `scope` in `period`, every one or only those `need` names (the others
    empty); raises ScopeError for a map with no copy here."""
    process_map = await map_for(services, scope, team_id=team_id)
    async with services.db.read() as session:
        owners = await owners_in(session, team_id=team_id, scope=scope)
        kpi_scope = KpiScope(team_id=team_id, map_id=process_map.id, owner_ids=owners)
        shown = await _dated(session, kpi_scope, period, today=services.clock().date())
    history = await map_history(services, process_map, map_shape)
    shape = map_shape(process_map)
    measured = await measure(services, kpi_scope, period, shape, history.other_shapes, need)
    stats = _assemble(
        measured,
        scope=scope,
        period=shown,
        process_map=process_map,
        reporting=await reporting_currency_of(services, team_id),
    )
    return across_versions(stats, measured, history)


def across_versions(stats: Stats, measured: Measured, history: MapHistory) -> Stats:
    """Each stage labelled with the versions that have it, and the stages only other
    versions have, where they have figures in the period (bot.reporting.versions)."""
    end = stats.period.end

    def labelled(stage: StageStats) -> StageStats:
        return replace(
            stage,
            versions=history.of(
                stage.stage.id, period_end=end, has_figures=bool(stage.flow.entered)
            ),
            moved_in=measured.moved_in[stage.stage.id],
            moved_out=measured.moved_out[stage.stage.id],
        )

    retired = [labelled(_stage(history.reported, s, measured)) for s in history.retired()]
    return replace(
        stats,
        stages=[labelled(s) for s in stats.stages],
        exits=[labelled(s) for s in stats.exits],
        retired=[s for s in retired if s.flow.entered or s.moved_out or s.cumulative.count],
    )


async def _dated(
    session: AsyncSession, scope: KpiScope, period: Period, *, today: dt.date
) -> Period:
    """The period as reported: an open side is given a date (the first deal's creation,
    today) so that the JSON always says which days the numbers cover."""
    if period.start is not None and period.end is not None:
        return period
    first = period.start or await ev.first_day(session, scope=scope) or today
    return Period(start=first, end=period.end or max(today, first), label=period.label)


async def map_for(services: Services, scope: Scope, *, team_id: str) -> ProcessMap:
    """The map a scope's stats follow: the scope's map, else the workspace's."""
    if scope.kind is not ScopeKind.MAP:
        return await workspace_map(services, team_id)
    assert scope.map_id is not None
    return await map_named(services, scope.map_id)


async def map_named(services: Services, map_id: str) -> ProcessMap:
    """The newest stored version of a map: its stage list is the one stats use."""
    current = services.catalog.current
    if map_id == current.id:
        return current
    async with services.db.read() as session:
        version = await ev.latest_map_version(session, map_id=map_id)
    if version is None:
        raise ScopeError(
            _("no deals follow a map called '{map}' in this database").format(map=map_id)
        )
    return await services.catalog.get(services.db, map_id=map_id, version=version)


def _assemble(
    measured: Measured,
    *,
    scope: Scope,
    period: Period,
    process_map: ProcessMap,
    reporting: ReportingCurrency | None = None,
) -> Stats:
    counted = counted_events(process_map, measured.events, top_objections=TOP_OBJECTIONS)
    currency = reporting.currency if reporting else process_map.currency
    money = per_currency(measured.pipeline, measured.won, first=currency)
    added = converted(money, reporting) if reporting else None
    return Stats(
        scope=scope.label,
        period=period,
        map_id=process_map.id,
        currency=currency,
        statuses=measured.statuses,
        won=sum(m.count for m in measured.won),
        cycle=measured.cycle,
        stages=[_stage(process_map, stage, measured) for stage in process_map.open_stages],
        exits=[_stage(process_map, s, measured) for s in process_map.stages if not s.is_open],
        first_response_hours=measured.first_response,
        lost_reasons=counted.lost_reasons,
        objections=counted.objections,
        overrides=counted.overrides,
        reopens=counted.reopens,
        deviations=measured.deviations,
        money=money,
        converted=added,
    )


def _stage(process_map: ProcessMap, stage: Stage, measured: Measured) -> StageStats:
    flow = measured.flows.get(stage.id) or q.StageFlow(stage.id, 0, 0, 0, 0, 0, 0)
    return StageStats(
        stage=stage,
        flow=flow,
        cumulative=measured.stays.get(("cumulative", stage.id), EMPTY),
        latest=measured.stays.get(("latest", stage.id), EMPTY),
        won=stage.won,
        post_sale=process_map.is_post_sale(stage.id),
        terminal=stage.won or not stage.is_open or stage == process_map.open_stages[-1],
    )

"""`stagecoach import`: good rows are imported, bad ones reported by line and why, and
importing again (or exporting and importing back) changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from bot.core.context import Services
from bot.history.export import export_history
from bot.history.rows import HistoryFormatError
from storage.models import Deal, DealEvent, DealStatus, EventKind
from tests.support.known_history import HEADER, R1, ROWS, TEAM, csv_text, import_text


async def counts(services: Services) -> tuple[int, int]:
    async with services.db.read() as session:
        deals = (await session.exec(select(func.count()).select_from(Deal))).one()
        events = (await session.exec(select(func.count()).select_from(DealEvent))).one()
    return int(deals), int(events)


async def histories(services: Services, team_id: str = TEAM) -> dict[str, list[tuple[str, str]]]:
    """Each deal's stage entries as (stage, UTC time), keyed by its CRM id."""
    async with services.db.read() as session:
        query = (
            select(Deal.external_id, DealEvent.to_stage, DealEvent.at)
            .join(Deal, col(Deal.id) == DealEvent.deal_id)
            .where(Deal.team_id == team_id, col(DealEvent.to_stage).is_not(None))
            .order_by(col(Deal.external_id), col(DealEvent.at), col(DealEvent.id))
        )
        rows = (await session.exec(query)).all()  # type: ignore[call-overload]
    found: dict[str, list[tuple[str, str]]] = {}
    for external, stage, at in rows:
        entry = (str(stage), at.astimezone(dt.UTC).isoformat())
        found.setdefault(str(external), []).append(entry)
    return found


BAD = [
    "D10,Kappa,UREPAAA01,5000,USD,qualify,2026-01-02,",  # line 2: good
    "D10,Kappa,UREPAAA01,5000,USD,qualfy,2026-01-05,",  # 3: unknown stage
    "D10,Kappa,UREPAAA01,5000,USD,discovery,2026-02-30,",  # 4: bad date
    "D11,Lambda,UREPAAA01,-5000,USD,qualify,2026-01-03,",  # 5: negative amount
    "D10,Kappa,UREPAAA01,5000,USD,qualify,2026-01-02,",  # 6: duplicate of line 2
    "D10,Kappa,UREPAAA01,5000,USD,lost,2026-01-09,",  # 7: lost without a reason
    "D12,Mu,dana@example.com,1000,USD,qualify,2026-01-04,",  # 8: owner not a Slack id
    "D13,Nu,UREPAAA01,lots,USD,qualify,2026-01-04,",  # 9: unparsable amount
    "D14,Xi,UREPAAA01,1000,USD,qualify,2027-01-04,",  # 10: in the future
    "D10,Kappa,UREPAAA01,5000,USD,discovery,2026-01-06T10:00:00+02:00,",  # 11: good
]


async def test_bad_rows_are_reported_by_line_and_their_deals_not_imported(
    services: Services,
) -> None:
    report = await import_text(services, HEADER + "\n" + "\n".join(BAD) + "\n")

    problems = {item.line: item.problem for item in report.rejected}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "unknown stage 'qualfy'" in problems[3] and "qualify, discovery" in problems[3]
    assert "'2026-02-30' is not an ISO date" in problems[4]
    assert "must be positive" in problems[5]
    assert problems[6] == "duplicate of line 2"
    assert "reason is required on a lost row" in problems[7]
    assert "not a Slack user id" in problems[8]
    assert "'lots' is not an amount" in problems[9]
    assert "in the future" in problems[10]
    # D10's good rows are not imported either: no half-imported deal
    assert (
        problems[2]
        == problems[11]
        == ("deal D10 is not imported: a row of it is bad (line 3, 4, 6, 7)")
    )
    assert (report.rows, report.deals_created, report.events_created) == (10, 0, 0)
    assert await counts(services) == (0, 0)


async def test_a_zone_is_honoured(services: Services) -> None:
    good = [BAD[0], BAD[-1]]
    await import_text(services, HEADER + "\n" + "\n".join(good) + "\n")
    # 10:00 at +02:00 is 08:00 UTC
    assert (await histories(services))["D10"] == [
        ("qualify", "2026-01-02T00:00:00+00:00"),
        ("discovery", "2026-01-06T08:00:00+00:00"),
    ]


async def test_importing_again_changes_nothing(services: Services) -> None:
    first = await import_text(services, csv_text())
    before = (await counts(services), await histories(services))
    again = await import_text(services, csv_text(shuffled=False))
    assert (first.deals_created, again.deals_created, again.deals_unchanged) == (9, 0, 9)
    assert again.events_created == 0 and again.rejected == []
    assert (await counts(services), await histories(services)) == before


async def test_rows_in_any_order_make_the_same_history(services: Services) -> None:
    await import_text(services, csv_text(shuffled=True))
    await import_text(services, csv_text(shuffled=False), team_id="T2")
    assert await histories(services, "T2") == await histories(services, TEAM)


async def test_each_move_is_recorded_as_the_app_would(services: Services) -> None:
    await import_text(services, csv_text())
    async with services.db.read() as session:
        delta = (await session.exec(select(Deal).where(Deal.external_id == "D4"))).one()
        events = (
            await session.exec(
                select(DealEvent).where(DealEvent.deal_id == delta.id).order_by(col(DealEvent.id))
            )
        ).all()
        lost = (
            await session.exec(
                select(DealEvent).where(
                    DealEvent.kind == EventKind.BRANCHED, DealEvent.action == "lose"
                )
            )
        ).all()
    moves = [(e.kind, e.from_stage, e.to_stage, e.action) for e in events]
    assert moves == [
        ("created", None, "qualify", None),
        ("advanced", "qualify", "discovery", "advance"),
        ("branched", "discovery", "nurture", "nurture"),
        ("reopened", "nurture", "discovery", "reopen"),
        ("advanced", "discovery", "demo", "advance"),
    ]
    assert (delta.stage, delta.status, delta.amount, delta.owner_id) == (
        "demo",
        "open",
        40000,
        "UREPBBB02",
    )
    assert delta.created_at == dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    assert delta.stage_entered_at == dt.datetime(2026, 2, 11, tzinfo=dt.UTC)
    reasons = sorted((e.value, e.reason) for e in lost)
    assert reasons == [
        ("Chose a competitor", "Chose a competitor"),
        # mapped by the reasons file (known_history.REASONS_CSV); the words stay as written
        ("Chose a competitor", "Chose a competitor went with Globex"),
        ("Price too high", "Price too high"),
    ]


async def test_status_follows_the_last_row(services: Services) -> None:
    await import_text(services, csv_text())
    async with services.db.read() as session:
        deals = (await session.exec(select(Deal).order_by(col(Deal.external_id)))).all()
    status = {deal.external_id: DealStatus(deal.status) for deal in deals}
    assert status == {
        "D1": DealStatus.WON,
        "D2": DealStatus.LOST,
        "D3": DealStatus.WON,
        "D4": DealStatus.OPEN,
        "D5": DealStatus.DISQUALIFIED,
        "D6": DealStatus.OPEN,
        "D7": DealStatus.OPEN,
        "D8": DealStatus.LOST,
        "D9": DealStatus.OPEN,
    }


async def test_export_then_import_round_trips(
    services: Services, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    await import_text(services, csv_text())
    exported = await export_history(services, team_id=TEAM, out_dir=tmp_path)
    assert (exported.deals, exported.events) == (9, len(ROWS))
    events_csv = exported.events_file.read_text(encoding="utf-8")
    assert events_csv.splitlines()[0] == HEADER

    # into another workspace: the same histories
    copied = await import_text(services, events_csv, team_id="T2")
    assert (copied.deals_created, copied.rejected) == (9, [])
    assert await histories(services, "T2") == await histories(services, TEAM)
    # into the same one: nothing changes
    before = await counts(services)
    again = await import_text(services, events_csv)
    assert (again.deals_created, again.deals_unchanged) == (0, 9)
    assert await counts(services) == before


async def test_deals_made_in_stagecoach_export_under_their_own_id(
    services: Services, tmp_path: Path
) -> None:
    from bot.core.context import Actor
    from bot.deals.creating import create_deal

    await create_deal(services, Actor(TEAM, R1), name="Native Corp", amount="12k")
    exported = await export_history(services, team_id=TEAM, out_dir=tmp_path)
    text = exported.events_file.read_text(encoding="utf-8")
    assert "stagecoach-1,Native Corp,UREPAAA01,12000,USD,qualify," in text
    assert "stagecoach-1,Native Corp" in exported.deals_file.read_text(encoding="utf-8")
    before = await counts(services)
    report = await import_text(services, text)  # the same workspace: it is that deal
    assert (report.deals_created, report.deals_unchanged) == (0, 1)
    assert await counts(services) == before


async def test_a_file_without_the_header_is_refused_as_a_whole(services: Services) -> None:
    with pytest.raises(HistoryFormatError, match="deal_id,deal_name,owner"):
        await import_text(services, "D1,Acme,UREPAAA01,10000,USD,qualify,2026-01-01,\n")
    assert await counts(services) == (0, 0)

"""Issue #17's examples: a deal with a bad row is not imported at all and a fixed file
imports it; a file with more or corrected rows converges; a deal changed in stagecoach since
its import is left and reported; reasons are kept verbatim unless mapped; a dry run writes
nothing."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.core.context import Actor, Services
from bot.core.refs import DealName
from bot.deals.moving import lose
from bot.history.importing import ImportReport, ReasonTreatment, import_history
from bot.history.mapping import Mappings, read_reasons
from storage.models import Deal, DealEvent
from tests.history.test_import import counts, histories
from tests.support.known_history import HEADER, R1, TEAM, import_text

GOOD = [
    "D1,Acme,UREPAAA01,5000,USD,qualify,2026-01-02,",
    "D1,Acme,UREPAAA01,5000,USD,discovery,2026-01-05,",
    "D1,Acme,UREPAAA01,5000,USD,demo,2026-01-09,",
]
LOST_WITHOUT_REASON = "D1,Acme,UREPAAA01,5000,USD,lost,2026-01-20,"
LOST_WITH_REASON = "D1,Acme,UREPAAA01,5000,USD,lost,2026-01-20,No budget this year"


def text(*rows: str) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


async def deal_row(services: Services, external_id: str = "D1") -> Deal | None:
    async with services.db.read() as session:
        found = await session.exec(select(Deal).where(Deal.external_id == external_id))
        return found.first()


async def test_a_deal_with_a_bad_row_is_not_half_imported_and_a_fixed_file_imports_it(
    services: Services,
) -> None:
    first = await import_text(services, text(*GOOD, LOST_WITHOUT_REASON))
    assert first.deals_created == 0 and await deal_row(services) is None
    assert [item.line for item in first.rejected] == [2, 3, 4, 5]
    assert "reason is required on a lost row" in first.rejected[-1].problem

    fixed = await import_text(services, text(*GOOD, LOST_WITH_REASON))
    assert (fixed.deals_created, fixed.events_created, fixed.rejected) == (1, 4, [])
    deal = await deal_row(services)
    assert deal is not None and (deal.stage, deal.status) == ("lost", "lost")


async def test_a_file_with_more_rows_converges_and_importing_it_again_changes_nothing(
    services: Services,
) -> None:
    await import_text(services, text(*GOOD[:2]))
    before = await deal_row(services)
    grown = await import_text(services, text(*GOOD, LOST_WITH_REASON))
    assert (grown.deals_created, grown.deals_replaced, grown.events_created) == (0, 1, 4)
    after = await deal_row(services)
    assert after is not None and before is not None and after.id == before.id
    assert (after.stage, after.status, after.version) == ("lost", "lost", 1)
    assert [stage for stage, _ in (await histories(services))["D1"]] == [
        "qualify", "discovery", "demo", "lost",
    ]  # fmt: skip
    settled = (await counts(services), await histories(services))
    again = await import_text(services, text(*GOOD, LOST_WITH_REASON))
    assert (again.deals_unchanged, again.deals_replaced, again.events_created) == (1, 0, 0)
    assert (await counts(services), await histories(services)) == settled
    # a corrected date converges too
    corrected = await import_text(services, text(*GOOD[:2], GOOD[2].replace("01-09", "01-08")))
    assert corrected.deals_replaced == 1
    assert (await histories(services))["D1"][-1] == ("demo", "2026-01-08T00:00:00+00:00")


async def test_a_renamed_deal_given_the_files_history_is_found_by_its_new_name(
    services: Services,
) -> None:
    await import_text(services, text(*GOOD[:2]))
    renamed = [row.replace("Acme", "Müşteri Görüşmesi") for row in GOOD]
    again = await import_text(services, text(*renamed))
    assert again.deals_replaced == 1, again
    # the store keys the name as every name is keyed: any case, accents or Turkish i's
    for typed in ("MÜŞTERİ", "musteri", "Mus"):
        found = await services.deals.by_name(TEAM, typed)
        assert [deal.name for deal in found.deals] == ["Müşteri Görüşmesi"], typed


async def test_a_deal_changed_in_stagecoach_since_its_import_is_left_and_reported(
    services: Services,
) -> None:
    await import_text(services, text(*GOOD[:2]))
    await lose(services, Actor(TEAM, R1), DealName("Acme"), reason="Timing")
    touched = await deal_row(services)
    assert touched is not None and (touched.stage, touched.version) == ("lost", 2)
    before = (await counts(services), await histories(services))
    report = await import_text(services, text(*GOOD, LOST_WITH_REASON))
    assert (report.kept_changed, report.deals_replaced, report.deals_created) == (["D1"], 0, 0)
    assert (await counts(services), await histories(services)) == before


async def test_an_unknown_reason_is_kept_verbatim_and_mapped_only_when_asked(
    services: Services,
) -> None:
    report = await import_text(services, text(*GOOD, LOST_WITH_REASON), map_reasons=False)
    assert report.reasons == [ReasonTreatment("No budget this year", None, 1)]
    assert await lost_values(services) == [("No budget this year", "No budget this year")]

    mapping = read_reasons(
        "reasons.csv",
        ["imported_reason,reason\n", "No budget this year,No budget\n"],
        services.catalog.current,
    )
    mapped = await import_history(
        services,
        team_id="T2",
        lines=io.StringIO(text(*GOOD, LOST_WITH_REASON)),
        process_map=services.catalog.current,
        mappings=Mappings(reasons=mapping),
    )
    assert mapped.reasons == [ReasonTreatment("No budget this year", "No budget", 1)]
    assert sorted(await lost_values(services)) == [
        ("No budget", "No budget this year"),
        ("No budget this year", "No budget this year"),
    ]


async def lost_values(services: Services) -> list[tuple[str | None, str | None]]:
    async with services.db.read() as session:
        found = await session.exec(select(DealEvent).where(DealEvent.action == "lose"))
        return [(event.value, event.reason) for event in found.all()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(kept=st.integers(min_value=1, max_value=3), lost=st.booleans())
async def test_a_dry_run_writes_nothing_and_says_what_the_real_run_does(
    services: Services, kept: int, lost: bool
) -> None:
    rows = [*GOOD[:kept], *([LOST_WITH_REASON] if lost else [])]
    before = (await counts(services), await histories(services))
    dry = await dry_import(services, text(*rows))
    assert (await counts(services), await histories(services)) == before
    real = await import_text(services, text(*rows))
    assert (dry.deals_created, dry.deals_replaced, dry.deals_unchanged, dry.events_created) == (
        real.deals_created,
        real.deals_replaced,
        real.deals_unchanged,
        real.events_created,
    )


async def dry_import(services: Services, csv: str) -> ImportReport:
    return await import_history(
        services,
        team_id=TEAM,
        lines=io.StringIO(csv),
        process_map=services.catalog.current,
        dry_run=True,
    )

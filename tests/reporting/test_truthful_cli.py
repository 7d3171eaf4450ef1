"""`stagecoach stats` and `stagecoach plan` tell the truth (issue #17): young entries are not
failures, terminal stages have no conversion, no currency drops out, and the JSON's counts
agree with each other. A SQLite file, as a new user runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.reporting.minimums import minimums
from tests.support.known_history import HEADER, TEAM

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def minutes_ago(minutes: int) -> str:
    return (NOW - dt.timedelta(minutes=minutes)).isoformat()


def days_ago(days: int) -> str:
    return (NOW - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    for name in ("STAGECOACH_TEAM_ID", "STAGECOACH_MAP", "STAGECOACH_REPORTING_CURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("STAGECOACH_FX_RATES", raising=False)
    return tmp_path


def imported(workdir: Path, rows: list[str], *extra: str) -> None:
    (workdir / "history.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    assert main(["import", str(workdir / "history.csv"), "--team-id", TEAM, *extra]) == 0


def out_of(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 0
    return capsys.readouterr().out


def young_cohort() -> list[str]:
    """13 deals entered qualification: 3 old ones moved on (one all the way to a win),
    one old one is still there, and 9 were created minutes ago."""
    rows = [
        f"D1,Acme,UREPAAA01,120000,USD,qualify,{days_ago(60)}",
        f"D1,Acme,UREPAAA01,120000,USD,discovery,{days_ago(55)}",
        f"D1,Acme,UREPAAA01,120000,USD,closed_won,{days_ago(20)}",
        f"D2,Beta,UREPAAA01,30000,USD,qualify,{days_ago(40)}",
        f"D2,Beta,UREPAAA01,30000,USD,discovery,{days_ago(35)}",
        f"D3,Gamma,UREPAAA01,30000,USD,qualify,{days_ago(30)}",
        f"D3,Gamma,UREPAAA01,30000,USD,discovery,{days_ago(25)}",
        f"D4,Delta,UREPAAA01,30000,USD,qualify,{days_ago(10)}",
    ]
    rows += [f"N{n},New{n},UREPAAA01,10000,USD,qualify,{minutes_ago(20 - n)}" for n in range(9)]
    return rows


def test_plan_does_not_count_young_deals_as_failures(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # before: "Qualification … 23.1% measured (13 entries)": 3 of 13, the 10 undecided
    # counted as failures
    imported(workdir, young_cohort())
    shown = out_of(capsys, "plan", "1.2m")
    assert "23.1%" not in shown
    assert "map default (100.0% from 3 decided, 10 still in stage: not yet meaningful" in shown
    assert "Too few decided entries to measure (under 10)" in shown
    planned = json.loads(out_of(capsys, "plan", "1.2m", "--json"))
    qualify = planned["stages"][0]
    assert (qualify["entries"], qualify["decided"], qualify["still_in"]) == (13, 3, 10)
    assert qualify["source"] == "map" and qualify["measured"] == 1.0
    stats = out_of(capsys, "stats")
    assert "Qualification                13        10      100.0% of 3" in stats


def test_a_stage_with_only_undecided_entries_has_no_rate(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # before, on the extended map: "Brand engagement  1  0.0%"
    monkeypatch.setenv("STAGECOACH_MAP", "extended")
    imported(
        workdir,
        [
            f"E1,Echo,UREPAAA01,5000,USD,brand_awareness,{days_ago(3)}",
            f"E1,Echo,UREPAAA01,5000,USD,brand_engagement,{minutes_ago(5)}",
        ],
    )
    shown = out_of(capsys, "stats")
    row = next(line for line in shown.splitlines() if line.startswith("Brand engagement"))
    assert row.split()[2:5] == ["1", "1", "–"], row  # entered, still in, no rate
    assert "0.0%" not in row
    awareness = next(line for line in shown.splitlines() if line.startswith("Brand awareness"))
    assert "100.0% of 1" in awareness


def several_currencies() -> list[str]:
    return [
        f"U1,Acme,UREPAAA01,30000,USD,qualify,{days_ago(9)}",
        f"U1,Acme,UREPAAA01,30000,USD,discovery,{days_ago(8)}",
        f"U2,Beta,UREPAAA01,70000,USD,qualify,{days_ago(40)}",
        f"U2,Beta,UREPAAA01,70000,USD,closed_won,{days_ago(5)}",
        f"E1,Globex,UREPAAA01,50000,EUR,qualify,{days_ago(7)}",
        f"E2,Eiffel,UREPAAA01,20000,EUR,qualify,{days_ago(30)}",
        f"E2,Eiffel,UREPAAA01,20000,EUR,closed_won,{days_ago(3)}",
        f"T1,Initech,UREPAAA01,20000,TRY,qualify,{days_ago(2)}",
        f"J1,Nikko,UREPAAA01,900000,JPY,qualify,{days_ago(2)}",
        f"L1,Lost,UREPAAA01,1000,USD,qualify,{days_ago(6)}",
        f"L1,Lost,UREPAAA01,1000,USD,lost,{days_ago(4)},No budget",
    ]


def assert_counts_agree(found: dict[str, Any]) -> None:
    """The identities a consumer of the JSON may rely on."""
    deals, pipeline, currencies = found["deals"], found["pipeline"], found["currencies"]
    assert deals["open"] == pipeline["open"] == sum(c["open"] for c in currencies)
    assert deals["won"] == sum(c["won"] for c in currencies)
    assert pipeline["open_qualified"] == sum(c["open_qualified"] for c in currencies)
    inside = [c for c in currencies if c["currency"] in pipeline["currencies_in_amount"]]
    outside = [c for c in currencies if c["currency"] not in pipeline["currencies_in_amount"]]
    assert pipeline["deals_in_amount"] == sum(c["open"] for c in inside)
    assert sorted(o["currency"] for o in found["other_currencies"]) == sorted(
        c["currency"] for c in outside
    )
    assert (
        pipeline["deals_in_amount"] + sum(o["open"] for o in found["other_currencies"])
        == (deals["open"])
    )
    assert found["weighted_pipeline"] == pipeline["weighted"]
    for stage in found["stages"]:
        assert stage["entered"] == stage["decided"] + stage["still_in"]
        assert stage["decided"] == stage["converted"] + stage["left_otherwise"]


def test_per_currency_json_counts_agree(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # before: `deals.open: 11` beside `pipeline.open: 9`, the other currencies unexplained
    imported(workdir, several_currencies())
    found = json.loads(out_of(capsys, "stats", "--json"))
    assert_counts_agree(found)
    by_code = {c["currency"]: c for c in found["currencies"]}
    assert [c["currency"] for c in found["currencies"]][0] == "USD"  # the map's first
    assert {code: c["open"] for code, c in by_code.items()} == {
        "USD": 1,
        "EUR": 1,
        "TRY": 1,
        "JPY": 1,
    }
    assert {code: c["won"] for code, c in by_code.items()} == {
        "USD": 1,
        "EUR": 1,
        "TRY": 0,
        "JPY": 0,
    }
    # discovery is 20%, qualification 10%: amounts in USD only
    assert found["weighted_pipeline"] == 6000.0 and found["pipeline"]["currency"] == "USD"
    assert by_code["EUR"]["weighted_pipeline"] == 5000.0
    text = out_of(capsys, "stats")
    assert "Weighted pipeline: $6,000 · €5,000 · ¥90,000 · 2,000 TRY" in text
    assert "Open deals by currency: 1 USD · 1 EUR · 1 JPY · 1 TRY" in text


def test_a_reporting_currency_adds_up_what_it_has_rates_for(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    imported(workdir, several_currencies())
    (workdir / "rates.yml").write_text("EUR: 1.1\nTRY: 0.03\n", encoding="utf-8")
    monkeypatch.setenv("STAGECOACH_REPORTING_CURRENCY", "USD")
    monkeypatch.setenv("STAGECOACH_FX_RATES", str(workdir / "rates.yml"))
    found = json.loads(out_of(capsys, "stats", "--json"))
    assert_counts_agree(found)
    assert found["reporting_currency"] == "USD"
    assert found["pipeline"]["currencies_in_amount"] == ["USD", "EUR", "TRY"]
    assert found["pipeline"]["unconverted"] == ["JPY"]
    # 30,000 × 20% + 50,000 × 10% × 1.1 + 20,000 × 10% × 0.03
    assert found["weighted_pipeline"] == pytest.approx(6000 + 5500 + 60)
    # won: 70,000 USD and 20,000 EUR × 1.1, over 2 deals
    assert found["pipeline"]["average_won_amount"] == pytest.approx((70000 + 22000) / 2)
    text = out_of(capsys, "stats")
    assert "Weighted pipeline: $11,560 · ¥90,000 (no rate for JPY)" in text
    assert "amounts in USD, converted at the configured rates" in text


def test_a_bad_rates_file_stops_with_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "rates.csv").write_text("currency,rate\nEUR,one\n", encoding="utf-8")
    monkeypatch.setenv("STAGECOACH_REPORTING_CURRENCY", "USD")
    monkeypatch.setenv("STAGECOACH_FX_RATES", str(workdir / "rates.csv"))
    assert main(["stats"]) != 0
    err = capsys.readouterr().err
    assert "the rate of EUR is 'one'; it must be a positive number" in err
    assert "Traceback" not in err
    monkeypatch.delenv("STAGECOACH_FX_RATES")
    assert main(["stats"]) != 0
    assert "STAGECOACH_FX_RATES is not set; the reporting currency needs both" in (
        capsys.readouterr().err
    )


def test_every_minimum_sample_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["stats", "--help"])
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps nothing in the epilog
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    kpis = (root / "docs" / "kpis.md").read_text(encoding="utf-8")
    for minimum in minimums():
        assert f"{minimum.kpi}: {minimum.needs}" in shown
        assert f"| {minimum.kpi} |" in readme and f"| {minimum.kpi} |" in kpis, minimum.kpi


def test_a_quota_in_another_currency_plans_from_that_currencys_wins(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imported(workdir, several_currencies())
    planned = json.loads(out_of(capsys, "plan", "€40k", "--json"))
    # one EUR deal won, at 20,000: two wins, in euros; the USD win is not mixed in
    assert (planned["currency"], planned["average_won_amount"], planned["wins"]) == (
        "EUR",
        20000.0,
        2,
    )
    assert planned["won_deals_measured"] == 1
    capsys.readouterr()
    assert main(["plan", "£40k"]) != 0
    err = capsys.readouterr().err
    assert "the quota is in GBP, deals are in USD, EUR, JPY, TRY" in err
    assert "write the quota in one of USD, EUR, JPY, TRY" in err

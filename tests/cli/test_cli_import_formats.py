"""`stagecoach import` of a HubSpot, a Salesforce and a Pipedrive sample (each with its
stage map and the owner map), then `stagecoach stats --json`: the figures match those this
test works out from the same files by plain reading, on both backends."""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import PG_URL

SAMPLES = Path(__file__).parents[1] / "history" / "samples"
OPEN_STAGES = ("qualify", "discovery", "demo", "proposal", "commit")


@dataclass(frozen=True)
class Figures:
    won: int
    lost: int
    won_amount: float
    open_per_stage: dict[str, int]


def table(name: str) -> list[dict[str, str]]:
    with (SAMPLES / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def stage_map(name: str) -> dict[str, str]:
    return {row["crm_stage"]: row["stage"] for row in table(name)}


def figures(final: list[tuple[str, float]], ever_won: set[int] | None = None) -> Figures:
    """From each deal's (final stage of ours, amount). Won counts a deal that was ever won
    (docs/kpis.md); `ever_won` names those by position when that is not its final stage."""
    won = (
        ever_won
        if ever_won is not None
        else {index for index, (stage, _) in enumerate(final) if stage == "closed_won"}
    )
    stages = Counter(stage for stage, _ in final)
    return Figures(
        won=len(won),
        lost=stages["lost"],
        won_amount=sum(final[index][1] for index in won),
        open_per_stage={stage: stages[stage] for stage in OPEN_STAGES},
    )


def hubspot_figures() -> Figures:
    stages = stage_map("hubspot-stages.csv")
    final = []
    for deal in table("hubspot-deals.csv"):
        dates = {
            match[1]: at
            for column, at in deal.items()
            if at and (match := re.match(r'^Date entered "(.+) \(Sales Pipeline\)"$', column))
        }
        label = max(dates, key=lambda name: dates[name])
        stage = stages.get(label) or stages[f"{label} (Sales Pipeline)"]
        final.append((stage, float(deal["Amount"] or 0)))
    return figures(final)


def salesforce_figures() -> Figures:
    stages = stage_map("salesforce-stages.csv")
    last: dict[str, dict[str, str]] = {}
    for row in sorted(table("salesforce-opportunity-history.csv"), key=lambda r: r["CreatedDate"]):
        last[row["OpportunityId"]] = row
    return figures([(stages[row["StageName"]], float(row["Amount"])) for row in last.values()])


def pipedrive_figures() -> Figures:
    stages = stage_map("pipedrive-stages.csv")
    won_ids = {
        change["item_id"]
        for change in table("pipedrive-flow.csv")
        if change["field_key"] == "status" and change["new_value"] == "won"
    }
    deals = table("pipedrive-deals.csv")
    final = []
    for deal in deals:
        status = deal["Deal - Status"]
        stage = stages[status] if status in ("won", "lost") else stages[deal["Deal - Stage"]]
        final.append((stage, float(deal["Deal - Value"])))
    ever_won = {index for index, deal in enumerate(deals) if deal["Deal - ID"] in won_ids}
    return figures(final, ever_won)


CASES = {
    "hubspot": (["hubspot-deals.csv"], "hubspot-stages.csv", hubspot_figures),
    "salesforce": (
        ["salesforce-opportunity-history.csv", "salesforce-opportunity.csv"],
        "salesforce-stages.csv",
        salesforce_figures,
    ),
    "pipedrive": (
        ["pipedrive-deals.csv", "pipedrive-flow.csv"],
        "pipedrive-stages.csv",
        pipedrive_figures,
    ),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A workspace of its own: a fresh SQLite file, or a new team id on the PostgreSQL test
    database (every query is per workspace, so runs never see each other's deals)."""
    if request.param == "sqlite":
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    elif not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (.ci/run sets it)")
    else:
        monkeypatch.setenv("DATABASE_URL", PG_URL)
    monkeypatch.delenv("STAGECOACH_TEAM_ID", raising=False)
    monkeypatch.delenv("STAGECOACH_MAP", raising=False)
    return f"T{uuid.uuid4().hex[:10].upper()}"


@pytest.mark.parametrize("vendor", sorted(CASES))
def test_a_vendor_export_imports_and_stats_match_the_files(
    vendor: str, team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files, stages, expected_of = CASES[vendor]
    command = [
        "import", *(str(SAMPLES / name) for name in files), "--format", vendor,
        "--stages", str(SAMPLES / stages), "--owners", str(SAMPLES / "owners.csv"),
        "--team-id", team,
    ]  # fmt: skip
    assert main([*command, "--dry-run"]) == 0
    assert "dry run: nothing was written" in capsys.readouterr().out
    assert main(["stats", "--json", "--period", "all", "--team-id", team]) == 0
    assert json.loads(capsys.readouterr().out)["deals"]["won"] == 0  # the dry run wrote nothing

    assert main(command) == 0
    out = capsys.readouterr().out
    assert "rows rejected" in out and " 0 rows rejected" in out
    assert main(["stats", "--json", "--period", "all", "--team-id", team]) == 0
    stats = json.loads(capsys.readouterr().out)
    expected = expected_of()
    assert expected.won >= 1 and expected.lost >= 1  # the samples hold both outcomes
    assert (stats["deals"]["won"], stats["deals"]["lost"]) == (expected.won, expected.lost)
    won_amount = stats["pipeline"]["average_won_amount"] * stats["deals"]["won"]
    assert won_amount == pytest.approx(expected.won_amount)
    still_in = {stage["id"]: stage["still_in"] for stage in stats["stages"]}
    assert {stage: still_in[stage] for stage in OPEN_STAGES} == expected.open_per_stage

    assert main(command) == 0  # again: nothing changes
    assert "0 deals imported with 0 events" in capsys.readouterr().out


def test_bad_input_is_one_line_naming_the_file_and_changes_nothing(
    team: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hubspot = [str(SAMPLES / "hubspot-deals.csv"), "--format", "hubspot", "--team-id", team]
    (tmp_path / "stages.csv").write_text("crm_stage,stage\nClosed Won,closed_wonn\n", "utf-8")
    (tmp_path / "no-dates.csv").write_text("Record ID,Deal Name\n1,Acme\n", "utf-8")
    (tmp_path / "history.csv").write_text("OpportunityId,StageName\n006,Prospecting\n", "utf-8")
    mistakes = {
        "stages.csv line 2: 'closed_wonn' is not a stage of the default map": [
            "import", *hubspot, "--stages", str(tmp_path / "stages.csv"),
        ],
        "cannot read": ["import", *hubspot, "--stages", str(tmp_path / "missing.csv")],
        "no-dates.csv line 1: no stage dates": [
            "import", str(tmp_path / "no-dates.csv"), "--format", "hubspot", "--team-id", team,
        ],
        "history.csv line 1: the header must name the columns OpportunityId,StageName,CreatedDate": [
            "import", str(tmp_path / "history.csv"), str(SAMPLES / "salesforce-opportunity.csv"),
            "--format", "salesforce", "--team-id", team,
        ],
        "--format pipedrive takes 2 files": [
            "import", str(SAMPLES / "pipedrive-deals.csv"), "--format", "pipedrive",
            "--team-id", team,
        ],
    }  # fmt: skip
    for message, command in mistakes.items():
        assert main(command) == 2, message
        err = capsys.readouterr().err
        assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    # unmapped stages and an unreadable date are reported by line; nothing of those deals
    (tmp_path / "few.csv").write_text("crm_stage,stage\nAppointment Scheduled,qualify\n", "utf-8")
    assert main(["import", *hubspot, "--stages", str(tmp_path / "few.csv"), "--default-owner", "UREPAAA01"]) == 1  # fmt: skip
    out = capsys.readouterr().out
    assert "hubspot-deals.csv line 2 (deal 9001): stage 'Qualified To Buy (Sales Pipeline)' is not in few.csv" in out  # fmt: skip
    assert "owners not mapped, given to --default-owner: Maria Lopez" in out
    assert main(["stats", "--json", "--period", "all", "--team-id", team]) == 0
    deals = json.loads(capsys.readouterr().out)["deals"]
    assert (deals["open"], deals["won"], deals["lost"]) == (1, 0, 0)  # only 9005 is all mapped

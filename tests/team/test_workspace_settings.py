"""`/deal settings`: what a workspace uses, bad values refused with what would be right
(and nothing changed), admins only, and each workspace's map in its own commands."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.reporting_currency import ReportingCurrency
from bot.core.workspace_settings import rebased
from bot.history.export import export_history
from flows.loader import load_shipped
from storage import workspace_store
from tests.support.harness import SlackHarness
from tests.support.slack import ADMIN, REP

EXTENDED, OTHER = "T0EXTEND1", "T0PLAIN01"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("settings colour blue", "'colour' is not a setting"),
        ("settings map", "map takes a map id"),
        ("settings map nosuch", "'nosuch' is not a map of this deployment"),
        ("settings map extended 9", "map 'extended' has no version 9 here"),
        ("settings map extended two", "'two' is not a version number"),
        ("settings timezone Mars/Olympus", "'Mars/Olympus' is not a time zone"),
        ("settings timezone Europe/Istanbul Asia/Tokyo", "timezone takes one time zone"),
        ("settings currency EURO", "'EURO' is not a currency code"),
    ],
)
async def test_bad_values_say_what_would_be_right_and_change_nothing(
    slack: SlackHarness, text: str, said: str
) -> None:
    answer = await slack.command(text, user=ADMIN, team=EXTENDED)
    assert said in answer.text, answer.text
    async with slack.services.db.read() as session:
        assert await workspace_store.workspace_setting(session, team_id=EXTENDED) is None


async def test_only_an_admin_changes_settings_and_anyone_reads_them(slack: SlackHarness) -> None:
    refused = await slack.command("settings map extended", user=REP, team=EXTENDED)
    assert "only an admin can change the workspace's settings" in refused.text
    shown = await slack.command("settings", user=REP, team=EXTENDED)
    assert "(default v1) (the deployment's default)" in shown.text, shown.text
    assert "Time zone: UTC (the deployment's default)" in shown.text
    assert "money is reported per currency" in shown.text
    changed = await slack.command("settings currency eur", user=ADMIN, team=EXTENDED)
    assert "Reporting currency: EUR; no exchange rates" in changed.text, changed.text
    zone = await slack.command("settings tz Europe/Istanbul", user=ADMIN, team=EXTENDED)
    assert "Time zone: Europe/Istanbul\n" in zone.text + "\n"


async def test_each_workspace_uses_its_own_map(slack: SlackHarness, tmp_path: Path) -> None:
    extended = load_shipped("extended")
    chosen = await slack.command("settings map extended 2", user=ADMIN, team=EXTENDED)
    assert "extended v2" in chosen.text
    for team in (EXTENDED, OTHER):
        await slack.command("new Initech 900", user=REP, team=team)
    first_stage = extended.stages[0].name
    card = await slack.command("show Initech", user=REP, team=EXTENDED)
    plain = await slack.command("show Initech", user=REP, team=OTHER)
    assert first_stage in str(card.json) and first_stage not in str(plain.json)
    stats = await slack.command("stats", user=ADMIN, team=EXTENDED)
    assert extended.title in str(stats.json) or first_stage in str(stats.json)
    other_stats = await slack.command("stats", user=ADMIN, team=OTHER)
    assert first_stage not in str(other_stats.json)
    for team, map_id in ((EXTENDED, "extended"), (OTHER, "default")):
        report = await export_history(slack.services, team_id=team, out_dir=tmp_path / team)
        with report.deals_file.open(encoding="utf-8") as exported:
            (row,) = list(csv.DictReader(exported))
        assert (row["deal_name"], row["map_id"]) == ("Initech", map_id)


rates = st.dictionaries(
    st.sampled_from(["EUR", "GBP", "TRY", "JPY", "CHF"]),
    st.floats(min_value=0.001, max_value=1000),
    min_size=1,
)


@given(rates=rates, data=st.data())
def test_rates_restated_in_another_currency_convert_the_same(
    rates: dict[str, float], data: st.DataObject
) -> None:
    deployment = ReportingCurrency("USD", rates)
    code = data.draw(st.sampled_from(sorted(rates)))
    restated = rebased(deployment, code)
    for other in {*rates, "USD"} - {code}:
        rate = restated.rate(other)
        assert rate is not None
        # one unit of `other` in USD equals, via the new base, the same USD amount
        assert rate * rates[code] == pytest.approx(deployment.rate(other))

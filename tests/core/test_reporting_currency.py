"""STAGECOACH_REPORTING_CURRENCY and STAGECOACH_FX_RATES: both or neither, a rates file in
YAML or CSV, and one clear line for each way it can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.reporting_currency import ReportingCurrency
from bot.core.settings import Settings, SettingsError


def settings_with(tmp_path: Path, name: str, text: str, currency: str = "usd") -> Settings:
    (tmp_path / name).write_text(text, encoding="utf-8")
    env = {
        "DATABASE_URL": "sqlite:///x.db",
        "STAGECOACH_REPORTING_CURRENCY": currency,
        "STAGECOACH_FX_RATES": str(tmp_path / name),
    }
    return Settings.from_env(env)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rates.yml", "EUR: 1.08\nTRY: 0.031\n"),
        ("rates.csv", "currency,rate\nEUR,1.08\nTRY,0.031\n"),
    ],
)
def test_rates_in_yaml_or_csv(tmp_path: Path, name: str, text: str) -> None:
    found = settings_with(tmp_path, name, text).reporting_currency
    assert found == ReportingCurrency("USD", {"EUR": 1.08, "TRY": 0.031})
    assert found.rate("USD") == 1.0 and found.rate("JPY") is None


def test_neither_set_means_per_currency() -> None:
    assert Settings.from_env({"DATABASE_URL": "sqlite:///x.db"}).reporting_currency is None


@pytest.mark.parametrize(
    ("name", "text", "currency", "said"),
    [
        ("rates.yml", "EUR: -1\n", "USD", "the rate of EUR is -1; it must be a positive number"),
        ("rates.yml", "euro: 1.1\n", "USD", "'euro' is not a currency code"),
        ("rates.yml", "- EUR\n", "USD", "must map currency codes to rates"),
        ("rates.csv", "EUR,\n", "USD", "the rate of EUR is ''; it must be a positive number"),
        ("rates.yml", "EUR: 1.1\n", "dollars", "'dollars' is not a currency code"),
    ],
)
def test_a_bad_setting_says_what_is_wrong(
    tmp_path: Path, name: str, text: str, currency: str, said: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        settings_with(tmp_path, name, text, currency)
    assert said in str(raised.value)


def test_a_missing_file_or_half_the_pair(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "sqlite:///x.db", "STAGECOACH_REPORTING_CURRENCY": "USD"}
    with pytest.raises(SettingsError, match="STAGECOACH_FX_RATES is not set"):
        Settings.from_env(env)
    env["STAGECOACH_FX_RATES"] = str(tmp_path / "nowhere.yml")
    with pytest.raises(SettingsError, match="cannot read the rates file"):
        Settings.from_env(env)

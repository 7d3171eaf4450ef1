"""The workspace's reporting currency (STAGECOACH_REPORTING_CURRENCY) and the exchange rates
that convert other currencies into it (STAGECOACH_FX_RATES, a YAML or CSV file).

Without both, every money KPI is reported per currency and nothing is converted. With them,
money KPIs are also added up in the reporting currency, each amount converted at its
currency's rate; a currency with no rate in the file is still reported on its own, and
named as not converted.

The file gives, per currency, how much one unit is worth in the reporting currency:

    # rates.yml                      # rates.csv
    EUR: 1.08                        currency,rate
    TRY: 0.031                       EUR,1.08
                                     TRY,0.031
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from flows.i18n import _

CURRENCY_CODE = re.compile(r"[A-Z]{3}")
# The symbols an amount may start with, and the currency each says (bot.core.values and
# bot.core.amounts_tr read amounts with them).
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₺": "TRY"}


class RatesError(ValueError):
    """The rates file is missing or malformed; the message says where and what is wrong."""


@dataclass(frozen=True, slots=True)
class ReportingCurrency:
    currency: str
    rates: Mapping[str, float] = field(default_factory=dict)  # 1 unit of key = rate × currency

    def rate(self, currency: str) -> float | None:
        """What one unit of `currency` is worth in the reporting currency (None: no rate)."""
        return 1.0 if currency == self.currency else self.rates.get(currency)


def read_reporting_currency(currency: str, rates_path: str) -> ReportingCurrency:
    code = currency.strip().upper()
    if not CURRENCY_CODE.fullmatch(code):
        raise RatesError(
            _("the reporting currency {given!r} is not a currency code; write one like USD").format(
                given=currency
            )
        )
    path = Path(rates_path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RatesError(
            _("cannot read the rates file {path}: {error}").format(path=path, error=exc.strerror)
        ) from exc
    raw = _csv_rates(text) if path.suffix.lower() == ".csv" else _yaml_rates(text, path)
    return ReportingCurrency(code, _checked(raw, path))


def _yaml_rates(text: str, path: Path) -> dict[str, object]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RatesError(
            _("{path} is not valid YAML: {error}").format(path=path, error=exc)
        ) from exc
    if not isinstance(data, dict):
        raise RatesError(
            _("{path} must map currency codes to rates, e.g. 'EUR: 1.08'").format(path=path)
        )
    return {str(key): value for key, value in data.items()}


def _csv_rates(text: str) -> dict[str, object]:
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and rows[0] and rows[0][0].strip().lower() == "currency":
        rows = rows[1:]
    return {row[0].strip(): (row[1].strip() if len(row) > 1 else "") for row in rows}


def _checked(raw: dict[str, object], path: Path) -> dict[str, float]:
    rates: dict[str, float] = {}
    for code, value in raw.items():
        if not CURRENCY_CODE.fullmatch(code):
            raise RatesError(
                _("{path}: {code!r} is not a currency code; write one like EUR").format(
                    path=path, code=code
                )
            )
        try:
            rate = float(str(value))
        except ValueError:
            rate = 0.0
        if not rate > 0 or rate == float("inf"):
            raise RatesError(
                _("{path}: the rate of {code} is {value!r}; it must be a positive number").format(
                    path=path, code=code, value=value
                )
            )
        rates[code] = rate
    return rates

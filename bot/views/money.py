"""Amounts as people read them: "$50,000", "€20,000", "50,000 TRY"."""

from __future__ import annotations

from flows.i18n import _

# Only currencies whose symbol is unambiguous on its own; the rest show their ISO code.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_amount(amount: float | None, currency: str) -> str:
    if amount is None:
        return _("no amount yet")
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def format_totals(amounts: dict[str, float]) -> str:
    """Several currencies are never added up: "$120,000 + €20,000"."""
    if not amounts:
        return _("no amounts")
    return " + ".join(format_amount(total, code) for code, total in sorted(amounts.items()))

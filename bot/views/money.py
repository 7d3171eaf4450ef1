"""Amounts as people read them: "$50,000", "€20,000", "50,000 TRY" in English;
"₺1.250.000", "$50.000" in Turkish (bot.core.local_formats: the language's own digits
and symbols)."""

from __future__ import annotations

from bot.core.local_formats import fixed, money_symbol
from flows.i18n import ENGLISH, PSEUDO, _, current_locale

# English: only currencies whose symbol is unambiguous on its own; the rest show their code.
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_amount(amount: float | None, currency: str) -> str:
    if amount is None:
        return _("no amount yet")
    decimals = 0 if float(amount).is_integer() else 2
    if current_locale() in (ENGLISH, PSEUDO):
        shown = f"{amount:,.0f}" if decimals == 0 else f"{amount:,.2f}"
        symbol = SYMBOLS.get(currency)
    else:
        shown = fixed(amount, decimals=decimals)
        symbol = money_symbol(currency)
    return f"{symbol}{shown}" if symbol else f"{shown} {currency}"


def format_totals(amounts: dict[str, float]) -> str:
    """Several currencies are never added up: "$120,000 + €20,000"."""
    if not amounts:
        return _("no amounts")
    return " + ".join(format_amount(total, code) for code, total in sorted(amounts.items()))

"""Parsing and checking the values people type: amounts, reasons (dates: bot.core.dates)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.amounts_tr import (
    ONE_DOT_GROUP,
    AmbiguousAmount,
    NotTurkish,
    TurkishAmount,
    read_turkish,
)
from bot.core.local_formats import number
from bot.core.reporting_currency import CURRENCY_SYMBOLS
from flows.caseless import caseless
from flows.i18n import TURKISH, _, current_locale

MAX_AMOUNT = 1_000_000_000_000
MAX_REASON = 500
_AMOUNT = re.compile(
    r"^(?P<sign>-)?(?P<symbol>[$€£¥₺])?(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
    r"(?P<scale>[kKmM])?(?:\s*(?P<code>[A-Z]{3}))?$"
)
_SCALE = {"k": 1_000, "m": 1_000_000}


@dataclass(frozen=True, slots=True)
class BadValue:
    """A value that cannot be used: what was wrong and what would be right."""

    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class Amount:
    value: float
    currency: str | None  # None: the map's default currency


def looks_like_amount(token: str) -> bool:
    """True for tokens that are meant as an amount, even broken ones like '5O0k' or '-5k'."""
    return bool(re.match(r"^-?[$€£¥₺]?\d", token))


def parse_amount(text: str) -> Amount | BadValue:
    """`50k`, `$1.2m`, `20000 EUR`; the Turkish way too (`50 bin`, `1.250.000,50 TL`:
    bot.core.amounts_tr), and a text that reads differently in the two is asked about."""
    turkish = read_turkish(text.strip(), by_turkish_reader=current_locale() == TURKISH)
    if turkish is not None:
        return _turkish_amount(text, turkish)
    one_group = ONE_DOT_GROUP.match(text.strip())
    if one_group:
        head, tail = one_group["head"], one_group["tail"]
        return _ambiguous(
            text, AmbiguousAmount(one=float(f"{head}.{tail}"), other=float(head + tail))
        )
    match = _AMOUNT.match(text.strip())
    if not match:
        return BadValue(
            _("'{text}' is not an amount").format(text=text),
            _("write digits with an optional k or m, e.g. 50k, 1.2m, $75,000 or 20000 EUR"),
        )
    if match["sign"]:
        return BadValue(
            _("the amount must be positive, not {text}").format(text=text),
            _("write the deal's value, e.g. 50k"),
        )
    value = float(match["number"].replace(",", "") + (match["fraction"] or ""))
    value *= _SCALE.get((match["scale"] or "").lower(), 1)
    currency = match["code"] or CURRENCY_SYMBOLS.get(match["symbol"] or "")
    return _in_range(value, currency)


def _in_range(value: float, currency: str | None) -> Amount | BadValue:
    if value <= 0 or value > MAX_AMOUNT:
        return BadValue(
            _("the amount must be above 0 and at most 1,000,000,000,000"),
            _("write the deal's value, e.g. 50k"),
        )
    return Amount(value=value, currency=currency)


def _turkish_amount(
    text: str, read: TurkishAmount | AmbiguousAmount | NotTurkish
) -> Amount | BadValue:
    if isinstance(read, NotTurkish):
        return BadValue(
            _("'{text}' is not an amount").format(text=text),
            _(
                "written the Turkish way, . groups thousands and , starts the decimals, "
                "e.g. 50.000 TL, 1.250.000,50 TL, 50 bin or 1,2 milyon"
            ),
        )
    if isinstance(read, AmbiguousAmount):
        return _ambiguous(text, read)
    if read.negative:
        return BadValue(
            _("the amount must be positive, not {text}").format(text=text),
            _("write the deal's value, e.g. 50k"),
        )
    return _in_range(read.value, read.currency)


def _ambiguous(text: str, read: AmbiguousAmount) -> BadValue:
    """`50.000` (50, or 50 thousand the Turkish way?), `50,000 TL` (50 thousand, or 50 with
    Turkish decimals?): both readings named, and a way to write each, nothing guessed."""
    first, second = read.one, read.other
    return BadValue(
        _("'{text}' could be {one} or {other}: which did you mean?").format(
            text=text.strip(), one=number(first, decimals=10), other=number(second, decimals=10)
        ),
        _("write it so it reads one way: {one} or {other}").format(
            one=_unambiguous(first), other=_unambiguous(second)
        ),
    )


def _unambiguous(value: float) -> str:
    """`50000` → `50k`, `50` → `50`, `1.25` → `1.25`: a form both readings agree on."""
    if value >= 1000 and value % 1000 == 0:
        return f"{value / 1000:g}k"
    return f"{value:.10g}"


def clean_reason(text: str | None, *, what: str) -> str | BadValue:
    """A free-text reason: not blank, not too long. `what` names it in the message."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        return BadValue(
            _("a {what} is required").format(what=what),
            _("say in a few words why, e.g. 'budget frozen until Q3'"),
        )
    if len(cleaned) > MAX_REASON:
        return BadValue(
            _("the {what} is {count} characters long").format(what=what, count=len(cleaned)),
            _("keep it under {most} characters").format(most=MAX_REASON),
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class ChosenReason:
    reason: str  # one of the map's lost reasons, as the map spells it
    note: str | None  # what the rep added after it


def _after(text: str, reason: str) -> str:
    """What `text` says after its leading `reason`, compared without case: the reason's
    length in `text` may differ from the map's ('i̇' from a lower-cased 'İ' is two)."""
    key = caseless(reason)
    end = next(k for k in range(len(text), -1, -1) if caseless(text[:k]) == key)
    return text[end:]


def match_lost_reason(text: str | None, reasons: list[str]) -> ChosenReason | BadValue:
    """Find the map's lost reason the rep meant: exact, leading words, or a unique part."""
    cleaned = clean_reason(text, what=_("reason"))
    if isinstance(cleaned, BadValue):
        return BadValue(cleaned.message, _("pick one of: ") + "; ".join(reasons))
    lowered = caseless(cleaned)
    for reason in sorted(reasons, key=len, reverse=True):
        if lowered == caseless(reason) or lowered.startswith(caseless(reason) + " "):
            note = _after(cleaned, reason).strip(" -:—") or None
            return ChosenReason(reason=reason, note=note)
    partial = [reason for reason in reasons if len(lowered) >= 3 and lowered in caseless(reason)]
    if len(partial) == 1:
        return ChosenReason(reason=partial[0], note=None)
    return BadValue(
        _("'{text}' is not one of this map's lost reasons").format(text=cleaned)
        if not partial
        else _("'{text}' matches several lost reasons").format(text=cleaned),
        _("pick one of: ") + "; ".join(partial or reasons),
    )

"""Turkish dates (bot/core/dates_tr.py) and amounts (bot/core/amounts_tr.py): what each
form reads as, the forms that read two ways asked about, and English read as before."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import dates
from bot.core.amounts_tr import ONE_DOT_GROUP
from bot.core.dates import FromToday, parse_date, read_date
from bot.core.values import Amount, BadValue, parse_amount
from bot.views.money import format_amount
from flows.i18n import TURKISH, using_locale

TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("bugün", TODAY),
        ("YARIN", dt.date(2026, 3, 3)),
        ("yarin", dt.date(2026, 3, 3)),
        ("30g", dt.date(2026, 4, 1)),
        ("30 gün", dt.date(2026, 4, 1)),
        ("30 GÜN", dt.date(2026, 4, 1)),
        ("6h", dt.date(2026, 4, 13)),
        ("6 hafta", dt.date(2026, 4, 13)),
        ("3a", dt.date(2026, 6, 2)),
        ("3 ay", dt.date(2026, 6, 2)),
        ("3 ay sonra", dt.date(2026, 6, 2)),
        ("3a sonra", dt.date(2026, 6, 2)),
        ("30g sonra", dt.date(2026, 4, 1)),
        ("6 Aralık 2026", dt.date(2026, 12, 6)),
        ("6 aralık", dt.date(2026, 12, 6)),
        ("6 ARALIK", dt.date(2026, 12, 6)),
        ("6 aralik", dt.date(2026, 12, 6)),
        ("15 Şubat 2027", dt.date(2027, 2, 15)),
        ("1 mayıs", dt.date(2026, 5, 1)),
    ],
)
def test_turkish_dates(written: str, meant: dt.date) -> None:
    assert parse_date(written, TODAY) == meant


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("aralık 2026", "'aralık 2026' does not say which day"),
        ("hafta", "'hafta' is not a date"),
        ("3 ay önce", "'3 ay önce' is not a date"),
    ],
)
def test_a_turkish_date_that_is_no_date_says_so_in_its_own_words(written: str, said: str) -> None:
    found = read_date(written)
    assert isinstance(found, BadValue) and found.message == said


ENGLISH_WORDS = st.sampled_from(
    "in a an 2 15 3 30 d w m 3m 30d 6w days weeks month months from now next this friday fri "
    "march may 2027 of end quarter year eom today tomorrow 2027-03-15 15/03/2027 h g".split()
)


@given(st.lists(ENGLISH_WORDS, min_size=1, max_size=4))
def test_english_dates_read_as_before(words: list[str]) -> None:
    """The old reader is the new one without the Turkish pass."""
    text = " ".join(words)
    now = read_date(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dates, "turkish_in_english", lambda cleaned: cleaned)
        before = read_date(text)
    assert now == before


def test_english_short_spans_keep_their_meaning() -> None:
    assert read_date("3m") == FromToday(months=3)
    assert read_date("6w") == FromToday(days=42)
    assert read_date("30d") == FromToday(days=30)


@pytest.mark.parametrize(
    ("typed", "value", "currency"),
    [
        ("50 bin", 50_000, "TRY"),
        ("50 BİN", 50_000, "TRY"),
        ("1,2 milyon", 1_200_000, "TRY"),
        ("2 milyar", 2_000_000_000, "TRY"),
        ("₺50.000", 50_000, "TRY"),
        ("50.000 TL", 50_000, "TRY"),
        ("50.000 tl", 50_000, "TRY"),
        ("1.250.000,50 TL", 1_250_000.5, "TRY"),
        ("₺1,2 milyon", 1_200_000, "TRY"),
        ("1,2 milyon TL", 1_200_000, "TRY"),
        ("50 bin EUR", 50_000, "EUR"),
        ("1.250.000", 1_250_000, None),  # Turkish grouping, no currency said
        ("50.000,5", 50_000.5, None),
        ("₺1.5m", 1_500_000, "TRY"),  # English with a lira sign, as before
        ("₺75,000,000", 75_000_000, "TRY"),
    ],
)
def test_turkish_amounts(typed: str, value: float, currency: str | None) -> None:
    assert parse_amount(typed) == Amount(value, currency)


@pytest.mark.parametrize(
    ("typed", "said", "hint"),
    [
        ("50.000", "'50.000' could be 50 or 50,000", "50 or 50k"),
        ("$1.250", "'$1.250' could be 1.25 or 1,250", "1.25 or 1250"),
        ("50,000 TL", "'50,000 TL' could be 50,000 or 50", "50k or 50"),
        ("₺75,000", "'₺75,000' could be 75,000 or 75", "75k or 75"),
        ("1.25.000", "'1.25.000' is not an amount", "50.000 TL"),
        ("50 bin bin", "'50 bin bin' is not an amount", "1,2 milyon"),
        ("-50 bin", "the amount must be positive", "50k"),
        ("2000 milyar", "at most 1,000,000,000,000", "50k"),
    ],
)
def test_an_amount_that_reads_two_ways_or_none_says_so(typed: str, said: str, hint: str) -> None:
    found = parse_amount(typed)
    assert isinstance(found, BadValue) and said in found.message and hint in found.hint


# bot.core.values before Turkish amounts, to compare with
_OLD = re.compile(
    r"^(?P<sign>-)?(?P<symbol>[$€£¥₺])?(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?"
    r"(?P<scale>[kKmM])?(?:\s*(?P<code>[A-Z]{3}))?$"
)
_OLD_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₺": "TRY"}


def old_amount(text: str) -> Amount | None:
    match = _OLD.match(text.strip())
    if not match or match["sign"]:
        return None
    value = float(match["number"].replace(",", "") + (match["fraction"] or ""))
    value *= {"k": 1_000, "m": 1_000_000}.get((match["scale"] or "").lower(), 1)
    if value <= 0 or value > 1_000_000_000_000:
        return None
    return Amount(value, match["code"] or _OLD_SYMBOLS.get(match["symbol"] or ""))


@given(st.one_of(st.from_regex(_OLD, fullmatch=True), st.text(max_size=16)))
def test_english_amounts_read_as_before(text: str) -> None:
    """Except the two documented changes: `₺` says the text is Turkish, and one dot group
    of three (`50.000`) is asked about."""
    if "₺" in text or ONE_DOT_GROUP.match(text.strip()):
        return
    before = old_amount(text)
    now = parse_amount(text)
    if before is not None:
        assert now == before
    elif not re.search(r"(?i)\b(bin|milyon|milyar|tl)\b|\d\.\d{3}[.,]", text):
        assert isinstance(now, BadValue)


def test_a_date_items_evidence_takes_a_turkish_month() -> None:
    from bot.deals.evidence_values import _date  # the item's evidence, as ticking reads it

    assert _date("15 Ocak 2027") == _date("15 Jan 2027") == "2027-01-15"
    assert isinstance(_date("15 ocak"), BadValue)  # the year is asked for, as in English


@given(
    st.decimals(min_value=1, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["USD", "EUR", "GBP", "JPY", "TRY"]),
)
def test_an_amount_a_turkish_reader_is_shown_reads_back_as_shown(
    value: Decimal, currency: str
) -> None:
    """What the card shows a Turkish reader ($1.250.000, €12,50, ₺50.000) typed back is the
    same amount, in the same currency."""
    with using_locale(TURKISH):
        shown = format_amount(float(value), currency)
        typed = parse_amount(shown)
    assert typed == Amount(float(value), currency), shown

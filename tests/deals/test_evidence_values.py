"""Evidence values as the map types them: what each type accepts and how it is kept, the
same for `/deal tick n=…`, the evidence form and the shell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from bot.core.values import BadValue
from bot.deals.evidence_values import MAX_EVIDENCE, example_for, read_evidence_value
from flows.schema import Evidence, EvidenceType
from tests.support.typed_map import TYPED


def evidence_of(item_id: str) -> Evidence:
    spec = TYPED[item_id][0]
    return Evidence.model_validate({"prompt": spec} if isinstance(spec, str) else spec)


@pytest.mark.parametrize("item_id", list(TYPED))
def test_a_good_value_is_kept_in_its_canonical_spelling(item_id: str) -> None:
    _spec, typed, kept, _bad = TYPED[item_id]
    assert read_evidence_value(evidence_of(item_id), typed) == kept


@pytest.mark.parametrize("item_id", list(TYPED))
def test_a_bad_value_says_what_was_wrong_and_what_would_be_right(item_id: str) -> None:
    bad = read_evidence_value(evidence_of(item_id), TYPED[item_id][3])
    assert isinstance(bad, BadValue) and bad.message and bad.hint


@pytest.mark.parametrize(
    ("kind", "typed", "kept"),
    [
        (EvidenceType.NUMBER, "2.5", "2.5"),
        (EvidenceType.NUMBER, "-3", "-3"),
        (EvidenceType.MONEY, "20000 EUR", "20,000 EUR"),
        (EvidenceType.MONEY, "1.25m", "1,250,000"),
        (EvidenceType.MONEY, "$2.5", "2.5 USD"),
        (EvidenceType.MONEY, "1000", "1,000"),
        (EvidenceType.DATE, "2027-03-04", "2027-03-04"),
        (EvidenceType.DATE, "March 4, 2027", "2027-03-04"),
        (EvidenceType.PERSON, "U0DANA", "<@U0DANA>"),
        (EvidenceType.URL, "x.io/a?b=1", "https://x.io/a?b=1"),
        (EvidenceType.URL, "example.com/order", "https://example.com/order"),
        (EvidenceType.URL, "http://intranet.example.com/q", "http://intranet.example.com/q"),
    ],
)
def test_the_forms_slack_and_people_use_are_read(kind: EvidenceType, typed: str, kept: str) -> None:
    assert read_evidence_value(Evidence(prompt="Value", type=kind), typed) == kept


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("48k", "48,000 EUR"), ("$48k", "48,000 USD"), ("48,000 EUR", "48,000 EUR")],
)
def test_money_without_a_currency_takes_the_deals(typed: str, kept: str) -> None:
    money = Evidence(prompt="Proposal value", type=EvidenceType.MONEY)
    assert read_evidence_value(money, typed, currency="EUR") == kept


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        (EvidenceType.NUMBER, "12k"),
        (EvidenceType.NUMBER, "1e5"),
        (EvidenceType.NUMBER, "NaN"),
        (EvidenceType.MONEY, "-5k"),
        (EvidenceType.DATE, "03/04/2027"),  # March or April? digits alone must be ISO
        (EvidenceType.DATE, "2027-02-30"),
        (EvidenceType.PERSON, "@dana"),  # Slack sends a mention as <@U…>, never bare
        (EvidenceType.URL, "ftp://example.com/x"),
        (EvidenceType.URL, "localhost"),
        (EvidenceType.URL, "["),  # urlsplit raises on it (an IPv6 bracket never closed)
        (EvidenceType.URL, "https://[example.com/x"),
    ],
)
def test_near_misses_are_refused(kind: EvidenceType, typed: str) -> None:
    assert isinstance(read_evidence_value(Evidence(prompt="Value", type=kind), typed), BadValue)


def test_too_long_or_blank_is_refused_for_every_type() -> None:
    for kind in EvidenceType:
        options = ["A", "B"] if kind is EvidenceType.CHOICE else []
        evidence = Evidence(prompt="Value", type=kind, options=options)
        assert isinstance(read_evidence_value(evidence, "   "), BadValue)
        assert isinstance(read_evidence_value(evidence, "1" * (MAX_EVIDENCE + 1)), BadValue)


@given(st.text(max_size=80))
def test_text_keeps_every_character_but_runs_of_space(typed: str) -> None:
    kept = read_evidence_value(Evidence(prompt="Notes"), typed)
    if isinstance(kept, BadValue):
        assert not typed.split()
    else:
        assert kept == " ".join(typed.split())


@given(st.sampled_from(list(EvidenceType)), st.text(max_size=40))
def test_reading_is_idempotent(kind: EvidenceType, typed: str) -> None:
    """What is kept reads back as itself: the form shows it, and saving again changes
    nothing (a replayed submission writes no event)."""
    options = ["Starter", "Growth"] if kind is EvidenceType.CHOICE else []
    evidence = Evidence(prompt="Value", type=kind, options=options)
    kept = read_evidence_value(evidence, typed)
    if not isinstance(kept, BadValue):
        assert read_evidence_value(evidence, kept) == kept


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_every_date_reads_from_iso_and_from_its_month_name(day: dt.date) -> None:
    evidence = Evidence(prompt="When", type=EvidenceType.DATE)
    assert read_evidence_value(evidence, day.isoformat()) == day.isoformat()
    assert read_evidence_value(evidence, day.strftime("%d %B %Y")) == day.isoformat()


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_every_number_reads_back_equal(number: Decimal) -> None:
    evidence = Evidence(prompt="Count", type=EvidenceType.NUMBER)
    kept = read_evidence_value(evidence, f"{number:f}")
    assert not isinstance(kept, BadValue)
    assert Decimal(kept) == number


@pytest.mark.parametrize("item_id", [i for i in TYPED if TYPED[i][3].strip()])
def test_a_refusal_quotes_what_was_typed(item_id: str) -> None:
    bad = TYPED[item_id][3]
    refused = read_evidence_value(evidence_of(item_id), bad)
    assert isinstance(refused, BadValue) and f"'{bad}'" in refused.message


def test_an_empty_value_names_its_prompt() -> None:
    refused = read_evidence_value(evidence_of("seats"), " ")
    assert isinstance(refused, BadValue) and refused.message == "Seats is empty"
    assert refused.hint == "give the value, e.g. 12"


def test_a_choice_is_exemplified_by_its_first_option() -> None:
    assert example_for(evidence_of("tier")) == "Starter"
    assert example_for(evidence_of("decided_by")) == "2027-01-15"


def test_the_longest_value_allowed_is_kept() -> None:
    longest = "x" * MAX_EVIDENCE
    assert read_evidence_value(evidence_of("notes"), longest) == longest


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_every_number_written_the_turkish_way_reads_back_equal(number: Decimal) -> None:
    """1.250.000,75 and 2,5 (a decimal comma) where the English reading has none."""
    evidence = Evidence(prompt="Adet", type=EvidenceType.NUMBER)
    written = format_decimal(number, format="#,##0.00", locale="tr_TR")
    kept = read_evidence_value(evidence, written)
    assert not isinstance(kept, BadValue), written
    assert Decimal(kept) == number


@pytest.mark.parametrize(("typed", "kept"), [("1,500", "1500"), ("2,5", "2.5"), ("1.5", "1.5")])
def test_a_comma_is_a_decimal_comma_only_where_english_reads_none(typed: str, kept: str) -> None:
    assert read_evidence_value(Evidence(prompt="Count", type=EvidenceType.NUMBER), typed) == kept

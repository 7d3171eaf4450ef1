"""A deal on a Turkish map (`default-tr`, `extended-tr`) through signed Slack requests, on
both backends: what a rep types in Turkish capitals finds the map's lost reason, choice and
stage (flows.caseless: `İ` and `I` are Turkish letters, not the English `i` with a dot), and
the card shows the map's Turkish text as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.catalog import MapCatalog
from bot.core.values import ChosenReason, match_lost_reason
from bot.views.text import render_text
from flows.caseless import caseless
from flows.loader import load_shipped
from tests.support.harness import SlackHarness
from tests.support.slack import REP, deal_named, latest_card


@pytest.fixture
def catalog(request: pytest.FixtureRequest) -> MapCatalog:
    return MapCatalog.from_ref(getattr(request, "param", "default-tr"))


def _upper_tr(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()


async def _qualified(slack: SlackHarness) -> None:
    await slack.command("new Ege Tekstil 400k", user=REP)
    for tick in (
        "tick 1",
        'tick 2="Sevkiyat hataları"',
        'tick 3="1-2 milyon"',
        "tick 5=2027-02-01",
    ):
        answer = await slack.command(tick, user=REP)
        assert answer.status == 200
    await slack.command("advance", user=REP)


async def test_a_deal_on_the_turkish_map_shows_its_turkish_text(slack: SlackHarness) -> None:
    await _qualified(slack)

    card = render_text(latest_card(slack, REP)["blocks"])

    assert card.splitlines()[0] == "Ege Tekstil · Keşif / ihtiyaç analizi"
    assert "Harcamayı onaylayan bütçe sahibini adı ve unvanıyla belirle" in card
    assert (await deal_named(slack, "Ege Tekstil")).stage == "discovery"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("İÇ DESTEKÇİ AYRILDI VEYA ORTADAN KAYBOLDU", "İç destekçi ayrıldı veya ortadan kayboldu"),
        ("FİYAT ÇOK YÜKSEK", "Fiyat çok yüksek"),
        ("iç destekçi", "İç destekçi ayrıldı veya ortadan kayboldu"),
        ("KARAR ÇIKMADI", "Karar çıkmadı / mevcut durumda kaldı"),
    ],
)
async def test_a_lost_reason_in_turkish_capitals_is_the_maps(
    slack: SlackHarness, typed: str, reason: str
) -> None:
    await _qualified(slack)

    answer = await slack.command(f"lose {typed}", user=REP)

    assert answer.status == 200
    assert (await deal_named(slack, "Ege Tekstil")).stage == "lost"
    card = render_text(latest_card(slack, REP)["blocks"])
    assert f"Marked lost at Keşif / ihtiyaç analizi: {reason}" in card, card


@pytest.mark.parametrize("catalog", ["extended-tr"], indirect=True)
async def test_a_choice_in_turkish_capitals_keeps_the_maps_spelling(slack: SlackHarness) -> None:
    await slack.command("new Marmara Gıda 90k", user=REP)

    await slack.command("tick 2=DİĞER", user=REP)

    card = render_text(latest_card(slack, REP)["blocks"])
    assert "İlk etkileşimin kanalı: Diğer" in card, card


@given(reason=st.sampled_from(load_shipped("extended-tr").lost_reasons), upper=st.booleans())
def test_every_turkish_lost_reason_is_found_in_either_case(reason: str, upper: bool) -> None:
    reasons = load_shipped("extended-tr").lost_reasons
    typed = _upper_tr(reason) if upper else reason.lower()

    assert match_lost_reason(typed, reasons) == ChosenReason(reason=reason, note=None)


def test_the_four_turkish_is_are_one_letter_and_english_folds_as_before() -> None:
    assert {caseless(letter) for letter in "IıİiI"} == {"i"}
    assert caseless("İÇ DESTEKÇİ") == caseless("iç destekçi") == caseless("Iç destekçı")
    assert caseless("Price too HIGH") == "price too high"

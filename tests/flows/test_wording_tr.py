"""The Turkish vague-word rules (flows/wording_tr.py): the map's locale picks them, they pass
instructions that end with a verb and flag hedges, open lists, states and fragments."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.lint import lint_text
from flows.wording import vagueness
from flows.wording_tr import ACTION_STEMS, VAGUE_PHRASES, VAGUE_WORDS, is_action_verb, lower_tr
from tests.flows.conftest import edited
from tests.support.maps import GOOD_MAP

FRONT = set("eiöü")
OBJECTS = [
    "Bütçeyi ekonomik alıcıyla",
    "Keşif toplantısını müşteri temsilcisiyle",
    "Teklifi bütçe sahibine",
    "Sözleşmenin son halini imza yetkilisine",
    "Demo gündemini iç destekçiyle",
]
NOUNS = ["bütçe", "toplantı", "sözleşme", "teklif", "demo", "tarih", "kriterleri", "onayı"]


def _last_vowel(stem: str) -> str:
    return next(char for char in reversed(stem) if char in "aeıioöuü")


def _polite(stem: str) -> str:
    """The polite imperative a Turkish speaker writes: gönderin, planlayın, sorun, edin."""
    if stem == "et":
        return "edin"
    vowel = {"a": "ı", "ı": "ı", "e": "i", "i": "i", "o": "u", "u": "u", "ö": "ü", "ü": "ü"}
    ending = vowel[_last_vowel(stem)] + "n"
    return stem + ("y" + ending if stem[-1] in "aeıioöuü" else ending)


def _upper_tr(text: str) -> str:
    """Upper case by Turkish rules (str.upper() makes `i` an `I`, which Turkish reads as `ı`)."""
    return text.replace("i", "İ").replace("ı", "I").upper()


def _capitalise_tr(text: str) -> str:
    return _upper_tr(text[:1]) + text[1:]


def _infinitive(stem: str) -> str:
    return stem + ("mek" if _last_vowel(stem) in FRONT else "mak")


verbs = st.sampled_from(sorted(ACTION_STEMS)).flatmap(
    lambda stem: st.sampled_from([stem, _polite(stem), _infinitive(stem)])
)


@given(obj=st.sampled_from(OBJECTS), verb=verbs, capitalise=st.booleans())
def test_an_instruction_ending_with_a_verb_passes(obj: str, verb: str, capitalise: bool) -> None:
    text = f"{obj} {_upper_tr(verb) if capitalise else verb}."
    assert vagueness(text, locale="tr_TR") is None


@given(obj=st.sampled_from(OBJECTS), verb=verbs, vague=st.sampled_from(sorted(VAGUE_WORDS)))
def test_a_vague_word_anywhere_is_flagged(obj: str, verb: str, vague: str) -> None:
    words = f"{obj} {verb}".split()
    for at in range(len(words)):
        text = " ".join([*words[:at], _capitalise_tr(vague) if at == 0 else vague, *words[at:]])
        found = vagueness(text, locale="tr")
        assert found is not None and repr(vague) in found.reason


@given(obj=st.sampled_from(OBJECTS), verb=verbs, phrase=st.sampled_from(VAGUE_PHRASES))
def test_a_vague_phrase_is_flagged(obj: str, verb: str, phrase: str) -> None:
    found = vagueness(f"{_capitalise_tr(phrase)} {lower_tr(obj)} {verb}", locale="tr_TR")
    assert found is not None and repr(phrase) in found.reason


@given(obj=st.sampled_from(OBJECTS), noun=st.sampled_from(NOUNS))
def test_a_text_ending_in_a_noun_is_not_an_instruction(obj: str, noun: str) -> None:
    found = vagueness(f"{obj} {noun}", locale="tr_TR")
    assert found is not None and f"('{noun}')" in found.reason
    assert "doğrula" in found.hint


@pytest.mark.parametrize(
    ("text", "reason", "hint"),
    [
        ("Bütçe onaylandı", "('onaylandı')", "'... onayla'"),
        ("Bütçenin bütçe sahibince onaylanması", "('onaylanması')", "'... onayla'"),
        ("Sözleşme CRM'e kaydedildi", "('kaydedildi')", "'... kaydet'"),
        ("Teklif gönderildi.", "('gönderildi')", "'... gönder'"),
        ("Teklifi göndermeye çalış", "'göndermeye çalış'", "exactly"),
        ("Bir şekilde bütçe sahibine ulaş", "'bir şekilde'", "exactly"),
        ("Referansları, vakaları vs. topla", "'vs'", "exactly"),
        ("Konum, büyüklük gibi şeyleri kontrol et", "'gibi', 'şeyleri'", "exactly"),
        ("Uygun olduğunda demoyu ayarla", "'uygun olduğunda'", "exactly"),
        ("Gönder", "too short", "doğrula"),
    ],
)
def test_vague_turkish_says_why_and_how_to_fix(text: str, reason: str, hint: str) -> None:
    found = vagueness(text, locale="tr_TR")
    assert found is not None
    assert reason in found.reason and hint in found.hint


@pytest.mark.parametrize(
    "text",
    [
        "Şirketin ideal müşteri profiline uygun olduğunu doğrula",  # "uygun" alone: it fits
        "Karşılanmayan her gereksinime yazılı yanıt gönder (geçici çözüm ya da yol haritası)",
        "Son sözleşme tutarını CRM'e kaydedin",
        "Sözleşmeyi karşı imzala ve CRM'de fırsata ekle",
        "ALICININ İMZA YETKİLİSİNİ DOĞRULA",
        "Teklifi bütçe sahibiyle gözden geçir",
        "Satın alma kararında kimlerin yer aldığını belirleyiniz",
    ],
)
def test_specific_turkish_passes(text: str) -> None:
    assert vagueness(text, locale="tr_TR") is None


def test_turkish_lower_case_keeps_the_two_is() -> None:
    assert lower_tr("İMZALA IRMAK Iğdır") == "imzala ırmak ığdır"
    assert is_action_verb("ÇIKAR") and is_action_verb("İMZALAYIN")
    assert not is_action_verb("ÇIKAR".lower())  # str.lower() writes "çikar": not Turkish


@pytest.mark.parametrize("word", ["bütçe", "alıcıyla", "müşteriyle", "profilin", "gibi"])
def test_nouns_and_case_endings_are_not_verbs(word: str) -> None:
    assert not is_action_verb(word)


def test_the_maps_locale_picks_the_language() -> None:
    """A Turkish map lints clean under the Turkish rules and not under the English ones; an
    English map under any locale that is not Turkish reads as before."""

    def turkish(data: dict[str, Any]) -> None:
        for stage in data["stages"]:
            stage["activities"] = ["Müşteriyle görüşme notlarını satış mühendisiyle paylaş"]
            for item in stage.get("exit", []):
                item["text"] = "Bütçe aralığını bütçe sahibiyle doğrula"

    as_tr = edited(lambda data: (turkish(data), data.update(locale="tr_TR")))
    assert [p.rule for p in lint_text(as_tr) if p.rule.startswith("vague")] == []
    as_en = edited(turkish)
    assert {p.rule for p in lint_text(as_en)} >= {"vague-item", "vague-activity"}
    english = [str(p) for p in lint_text(GOOD_MAP)]
    assert [str(p) for p in lint_text(edited(lambda d: d.update(locale="en_GB")))] == english
    assert vagueness("Budget confirmed by the CFO", locale="en_US") == vagueness(
        "Budget confirmed by the CFO"
    )

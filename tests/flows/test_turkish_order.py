"""Names in alphabetical order as a Turkish reader expects them: the Turkish alphabet, where
ç, ğ, ı, ö, ş and ü follow their base letters and I is the capital of ı (flows/caseless.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flows.caseless import sort_key

TURKISH_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"


def test_turkish_names_follow_the_turkish_alphabet() -> None:
    names = ["Zeynep", "Çelik", "İnci", "Irmak", "Cem", "Öztürk", "Oya", "ılık", "Şule", "Serkan"]
    assert sorted(names, key=lambda n: sort_key(n, turkish=True)) == [
        "Cem", "Çelik", "ılık", "Irmak", "İnci", "Oya", "Öztürk", "Serkan", "Şule", "Zeynep",
    ]  # fmt: skip


@given(st.lists(st.text(alphabet=TURKISH_ALPHABET, min_size=1, max_size=6), min_size=2))
def test_words_of_turkish_letters_sort_letter_by_letter_in_alphabet_order(
    words: list[str],
) -> None:
    by_alphabet = sorted(words, key=lambda w: [TURKISH_ALPHABET.index(c) for c in w])
    assert sorted(words, key=lambda w: sort_key(w, turkish=True)) == by_alphabet


@given(st.text())
def test_outside_turkish_the_order_is_plain_case_folding(text: str) -> None:
    assert sort_key(text) == text.casefold()

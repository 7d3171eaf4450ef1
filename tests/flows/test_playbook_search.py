"""`/deal playbook <words>`: what a buyer says finds the entry that answers it."""

from __future__ import annotations

import pytest

from flows.loader import load_shipped
from flows.playbook import search, words


@pytest.mark.parametrize(
    ("said", "expected_category"),
    [
        ("too expensive", "price"),
        ("we already use a competitor", "competition"),
        ("I need to ask my boss", "authority"),
        ("call me next year", "timing"),
    ],
)
def test_everyday_words_find_the_objection_filed_under_their_category(
    said: str, expected_category: str
) -> None:
    best_stage, best = search(load_shipped("default"), said)[0]
    assert best.category == expected_category, (said, best.objection)


def test_nothing_matches_words_unrelated_to_any_objection() -> None:
    assert search(load_shipped("default"), "zebra xylophone") == []


def test_word_forms_meet_at_their_stem() -> None:
    assert words("pricing") == words("price") == words("priced")
    assert words("price") <= words("too expensive")  # through the category synonyms

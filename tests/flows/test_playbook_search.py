"""`/deal playbook <words>`: what a buyer says finds the entry that answers it."""

from __future__ import annotations

import pytest

from flows.loader import load_shipped, shipped_map_ids
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


# -- the deal's stage first ----------------------------------------------------------------

VENDOR = "we already have a vendor"


@pytest.mark.parametrize(
    ("map_id", "deal_stage", "first", "second"),
    [
        ("default", "qualify", "qualify_have_tool", "proposal_compare_vendors"),
        ("default", "proposal", "proposal_compare_vendors", "qualify_have_tool"),
        ("extended", "sales_engagement", "se_happy_vendor", "prop_other_vendors"),
        ("extended", "proposal", "prop_other_vendors", "se_happy_vendor"),
        # no close answer in SQL itself: its neighbour Sales engagement's comes first, and
        # SQL's own "I already explained this" (one word in common) comes after every close one
        ("extended", "sql", "se_happy_vendor", "prop_other_vendors"),
    ],
)
def test_the_deals_stage_answers_first_then_its_neighbours(
    map_id: str, deal_stage: str, first: str, second: str
) -> None:
    found = [entry.id for _stage, entry in search(load_shipped(map_id), VENDOR, near=deal_stage)]

    assert found[:2] == [first, second]


@pytest.mark.parametrize("map_id", shipped_map_ids())
def test_every_buyer_phrase_finds_its_own_answer_first_from_its_stage(map_id: str) -> None:
    process_map = load_shipped(map_id)
    for stage in process_map.stages:
        for entry in stage.playbook:
            (found_stage, found), *_ = search(process_map, entry.objection, near=stage.id)
            assert (found_stage.id, found.id) == (stage.id, entry.id), entry.objection


def test_without_a_deal_the_best_answer_of_any_stage_comes_first() -> None:
    found = [entry.id for _stage, entry in search(load_shipped("default"), VENDOR)]

    assert found[0] == "proposal_compare_vendors"


# -- a Turkish map ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "expected_category"),
    [
        ("çok pahalı", "fiyat"),
        ("zaten başka bir tedarikçi kullanıyoruz", "rekabet"),
        ("yöneticime sormam lazım", "yetki"),
        ("seneye arayın", "zamanlama"),
        ("ÖNCELİK DEĞİL", "ihtiyaç"),
    ],
)
def test_a_turkish_maps_everyday_words_find_their_category(
    said: str, expected_category: str
) -> None:
    best_stage, best = search(load_shipped("default-tr"), said)[0]
    assert best.category == expected_category, (said, best.objection)


def test_turkish_words_keep_their_letters_and_case_by_turkish_rules() -> None:
    # str.lower() would give "i̇ndi̇ri̇m" and the old ASCII pattern "ncelik" for "öncelik".
    assert words("İNDİRİM", locale="tr_TR") == words("indirimi", locale="tr_TR")
    assert "öncel" in words("öncelik", locale="tr_TR")
    assert words("Isparta", locale="tr") != words("Isparta")  # Turkish I is ı

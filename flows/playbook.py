"""Finding the playbook entry that answers what a buyer said."""

from __future__ import annotations

import re

from flows.schema import PlaybookEntry, ProcessMap, Stage
from flows.wording_tr import is_turkish, lower_tr

# Any letter or digit: a Turkish map's "öncelik" is one word, not "ncelik".
_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "do",
        "does",
        "for",
        "from",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "too",
        "us",
        "was",
        "we",
        "what",
        "when",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


_STOPWORDS_TR = frozenset(
    "ama bana ben bir biz bize bu çok da daha de değil için ile mi mı mu mü o sen siz size şu ve".split()
)


# What buyers say, mapped to the category words playbooks are filed under: "too expensive"
# must find the price objections although no entry uses the word "expensive".
_CATEGORY_WORDS = {
    "price": "expensive pricey cost costs costly pay paying discount cheaper afford budget money",
    "timing": "later now quarter year month wait time timing busy delay postpone",
    "authority": "boss manager approve approval sign-off decide decision board ceo cfo",
    "competition": "competitor competitors vendor vendors alternative already using incumbent",
    "need": "priority need needed important problem",
    "risk": "risky risk complicated complex difficult hard change",
    "trust": "spam emails unsubscribe trust",
}
# The same for a Turkish map's categories (docs/glossary-tr.md); five letters of a stem meet
# most of a Turkish word's endings: "indirim", "indirimi", "indirimle".
_CATEGORY_WORDS_TR = {
    "fiyat": "pahalı fiyat maliyet ödeme öde indirim ucuz bütçe para",
    "zamanlama": "sonra şimdi çeyrek seneye yıl ay bekle zaman yoğun gecikme ertele",
    "yetki": "yönetici müdür onay patron karar yönetim finans",
    "rekabet": "rakip tedarikçi alternatif zaten kullanıyoruz mevcut",
    "ihtiyaç": "öncelik ihtiyaç gerek önemli sorun ilgilenmiyoruz",
    "risk": "riskli risk karmaşık zor değişiklik",
    "güven": "spam e-posta abonelik güven",
}
_SUFFIXES = ("ing", "es", "ed", "s", "e")


def stem(word: str) -> str:
    """A crude stem, enough for matching: 'pricing', 'priced', 'prices' and 'price' meet."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:5]


def _synonyms(table: dict[str, str]) -> dict[str, str]:
    return {
        stem(word): stem(category) for category, spoken in table.items() for word in spoken.split()
    }


_SYNONYMS = _synonyms(_CATEGORY_WORDS)
_SYNONYMS_TR = _synonyms(_CATEGORY_WORDS_TR)


def words(text: str, *, locale: str = "en") -> set[str]:
    """Stems of the content words, plus the category each everyday word points to
    ("expensive" → "price"; in a Turkish map, "pahalı" → "fiyat")."""
    found = _stems(text, locale=locale)
    synonyms = _SYNONYMS_TR if is_turkish(locale) else _SYNONYMS
    return found | {synonyms[w] for w in found if w in synonyms}


def _stems(text: str, *, locale: str = "en") -> set[str]:
    # Turkish lower case: "İNDİRİM" is "indirim" (str.lower() adds a combining dot to the i).
    turkish = is_turkish(locale)
    lowered = lower_tr(text) if turkish else text.lower()
    stop = _STOPWORDS_TR if turkish else _STOPWORDS
    return {stem(w) for w in _WORD.findall(lowered) if w not in stop and len(w) > 1}


def _score(query: set[str], entry: PlaybookEntry, locale: str) -> float:
    # An entry is filed under its category: the everyday words of its own text point to
    # none ("I already explained this" is not a competitor objection).
    objection = _stems(entry.objection, locale=locale) | words(entry.category, locale=locale)
    rest = _stems(" ".join([*entry.explore, entry.response]), locale=locale)
    return 3 * len(query & objection) + len(query & rest)


def search(
    process_map: ProcessMap, text: str, *, limit: int = 3, near: str | None = None
) -> list[tuple[Stage, PlaybookEntry]]:
    """Best-matching objections, best first; empty when nothing matches.

    `near`: the stage a deal is in. Among the close matches (at least half as good as the
    best), its own answers come first, then its neighbours' (the stages before and after
    it in the map's order), then the rest; weaker matches follow; each group best first.
    The same words mean different things at different stages ("we already have a vendor"
    is a tool to replace in Qualification, a shortlist to beat in Proposal), but a word in
    common does not make an answer of the deal's stage a close match."""
    query = words(text, locale=process_map.locale)
    matches = [
        (_score(query, entry, process_map.locale), index, stage, entry)
        for index, (stage, entry) in enumerate(
            (stage, entry) for stage in process_map.stages for entry in stage.playbook
        )
    ]
    matches = [match for match in matches if match[0] > 0]
    best = max((score for score, *_rest in matches), default=0)
    order = {stage.id: index for index, stage in enumerate(process_map.stages)}

    def rank(match: tuple[float, int, Stage, PlaybookEntry]) -> tuple[int, float, int]:
        score, index, stage, _entry = match
        distance = _distance(order, stage.id, near) if 2 * score >= best else _WEAK
        return distance, -score, index

    ranked = sorted(matches, key=rank)
    return [(stage, entry) for _score_, _index, stage, entry in ranked[:limit]]


_WEAK = 3  # after the close matches of every stage


def _distance(order: dict[str, int], stage_id: str, near: str | None) -> int:
    """0: the deal's stage; 1: a neighbour in the map's order; 2: any other (or no deal)."""
    if near is None or near not in order:
        return 2
    return min(abs(order[stage_id] - order[near]), 2)

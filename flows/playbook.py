"""Finding the playbook entry that answers what a buyer said."""

from __future__ import annotations

import re

from flows.schema import PlaybookEntry, ProcessMap, Stage

_WORD = re.compile(r"[a-z0-9]+")
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
_SUFFIXES = ("ing", "es", "ed", "s", "e")


def stem(word: str) -> str:
    """A crude stem, enough for matching: 'pricing', 'priced', 'prices' and 'price' meet."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:5]


_SYNONYMS = {
    stem(word): stem(category)
    for category, spoken in _CATEGORY_WORDS.items()
    for word in spoken.split()
}


def words(text: str) -> set[str]:
    """Stems of the content words, plus the category each everyday word points to
    ("expensive" → "price")."""
    found = {stem(w) for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1}
    return found | {_SYNONYMS[w] for w in found if w in _SYNONYMS}


def _score(query: set[str], entry: PlaybookEntry) -> float:
    objection = words(entry.objection) | words(entry.category)
    rest = words(" ".join([*entry.explore, entry.response]))
    return 3 * len(query & objection) + len(query & rest)


def search(
    process_map: ProcessMap, text: str, *, limit: int = 3
) -> list[tuple[Stage, PlaybookEntry]]:
    """Best-matching objections across every stage, best first; empty when nothing matches."""
    query = words(text)
    scored = [
        (_score(query, entry), index, stage, entry)
        for index, (stage, entry) in enumerate(
            (stage, entry) for stage in process_map.stages for entry in stage.playbook
        )
    ]
    ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [(stage, entry) for _score_, _index, stage, entry in ranked[:limit]]

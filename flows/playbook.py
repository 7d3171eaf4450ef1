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


def words(text: str) -> set[str]:
    """Lower-cased content words, cut to 5 letters so 'pricing' meets 'price'."""
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1}


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

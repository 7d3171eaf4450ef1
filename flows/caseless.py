"""Map text compared with what people type (a lost reason, a choice, a stage name), case
ignored in every language the maps are written in.

str.casefold() alone misses Turkish: `İ` folds to `i` plus a combining dot, and the dotless
`ı` stays apart from `i`, so "İÇ DESTEKÇİ AYRILDI" would not find "İç destekçi ayrıldı".
Here all four of I, ı, İ and i are one letter; English text folds as casefold() does.
"""

from __future__ import annotations

_COMBINING_DOT = "\u0307"


def caseless(text: str) -> str:
    """`text` as a comparison that ignores case sees it (Turkish i's included)."""
    return text.casefold().replace(_COMBINING_DOT, "").replace("ı", "i")

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


# Turkish alphabetical order puts each of these right after its base letter (c < ç < d,
# g < ğ < h, ı < i, o < ö < p, s < ş < t, u < ü < v); "~" sorts after every letter.
_TURKISH_ORDER = str.maketrans({"ç": "c~", "ğ": "g~", "ı": "h~", "ö": "o~", "ş": "s~", "ü": "u~"})


def sort_key(text: str, *, turkish: bool = False) -> str:
    """`text` as an alphabetical list orders it, case ignored; in Turkish, by the Turkish
    alphabet, where I is the capital of ı and İ of i (Çelik after Cem, before Deniz)."""
    if not turkish:
        return text.casefold()
    lowered = text.replace("I", "ı").replace("İ", "i").lower()
    return lowered.translate(_TURKISH_ORDER)

"""The key a deal's name is found by: its name as a search compares it.

People type a name however their keyboard lets them: `MÜŞTERİ`, `musteri`, `mus` and
`Müşteri` must all find "Müşteri Görüşmesi". So the key ignores case (Unicode case
folding), accents (decomposed, then the combining marks dropped) and Turkish's two i's
(dotless `ı` and dotted `İ` both become `i`, as `I` and `i` already do). A few letters
carry their mark in the letter itself and have no decomposition (`ø`, `ł`, `đ`, `ħ`):
they become their plain letter too.

Folding works character by character, so the key of a prefix is a prefix of the key: a
name's prefix, folded, is a prefix (a range) of the folded names in the index.
"""

from __future__ import annotations

import unicodedata

KEY_LENGTH = 120  # Deal.name_key's column length; folding may lengthen a name (ß → ss)

_PLAIN_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŀ": "l"})


def fold(text: str) -> str:
    """`text` as a search compares it: case, accents and the Turkish i's ignored, spaces
    collapsed (`Müşteri  Görüşmesi` → `musteri gorusmesi`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = " ".join(plain.translate(_PLAIN_LETTERS).split())
    # Marks alone (a name of nothing but accents) keep them rather than fold to nothing,
    # which would start every name.
    return folded or " ".join(text.casefold().split())


def name_key(name: str) -> str:
    """The stored key of a deal's name (`Deal.name_key`), and what a typed prefix of a name
    is matched against it with: folded, and cut at the column's length."""
    return fold(name)[:KEY_LENGTH]

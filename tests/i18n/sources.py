"""What the code says and what the Turkish catalogue answers, read as `pybabel extract -F
babel.cfg` reads them (docs/i18n.md): the same keywords, the same extraction method
(flows/i18n_extract.py, which also reads f-strings). For the catalogue's test and for the
Turkish week's English words."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from flows.i18n import DOMAIN, LOCALE_DIR, TURKISH

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "flows")
# pybabel's -k options (docs/i18n.md): `counted(count, one, other)` is bot/views/counts.py
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "N_plural": (1, 2),
    "counted": (2, 3),
}
METHOD_MAP = [("**.py", "flows.i18n_extract.extract_ast")]  # as babel.cfg says
CATALOGUE = LOCALE_DIR / TURKISH / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True, slots=True)
class Said:
    """One message the code marks: its English (two forms when counted) and where."""

    forms: tuple[str, ...]
    where: str

    @property
    def msgid(self) -> str:
        return self.forms[0]


@cache
def said_in_code() -> dict[str, Said]:
    found: dict[str, Said] = {}
    for source in SOURCES:
        for path, line, message, _comments, _context in extract_from_dir(
            ROOT / source, method_map=METHOD_MAP, keywords=KEYWORDS
        ):
            forms = tuple(message) if isinstance(message, tuple | list) else (message,)
            found.setdefault(forms[0], Said(forms, f"{source}/{path}:{line}"))
    return found


@cache
def catalogue() -> Catalog:
    with CATALOGUE.open("rb") as po:
        return read_po(po, locale=TURKISH)

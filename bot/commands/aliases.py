"""The Turkish words a rep or manager may type for `/deal`'s commands and their options.

One table, read by the parser (`bot.commands.registry.parse`, each command's option words)
and by `/deal help`, which lists a command's Turkish words beside it. The words are the
glossary's (docs/glossary-tr.md) where it has one, and the short verb a sales team types
where it does not (`ilerlet`). A typed word matches folded (storage/name_keys.fold): case,
the Turkish letters' marks and Turkish's i's ignored, so `GÖSTER`, `goster` and `Göster`
are one word.

The rule that tells a command from the rest of a line stays the English one: the first
word is the command. A two-word alias (`yeniden aç`) begins with a word that is no command
on its own, so a line's first word still decides alone whether it is a command, and the
alias takes exactly its two words: `/deal yeniden aç acme` reopens "acme".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from storage.name_keys import fold


@dataclass(frozen=True, slots=True)
class Alias:
    command: str  # the English command's name
    words: tuple[str, ...]  # its Turkish names, as help shows them (one or two words each)


ALIASES: tuple[Alias, ...] = (
    Alias("show", ("göster",)),
    Alias("new", ("yeni",)),
    Alias("edit", ("düzenle",)),
    Alias("tick", ("işaretle",)),
    Alias("untick", ("işareti kaldır",)),
    Alias("advance", ("ilerlet", "geçir")),
    Alias("playbook", ("rehber",)),
    Alias("objection", ("itiraz",)),
    Alias("lose", ("kaybet",)),
    Alias("nurture", ("sıcak tut", "beslemeye al")),
    Alias("disqualify", ("ele",)),
    Alias("reopen", ("yeniden aç",)),
    Alias("override", ("zorla geçir",)),
    Alias("validate", ("onayla",)),
    Alias("sendback", ("geri gönder",)),
    Alias("list", ("liste", "fırsatlar")),
    Alias("history", ("geçmiş",)),
    Alias("onboard", ("eğitim",)),
    Alias("stats", ("istatistik",)),
    Alias("plan", ("planla",)),
    Alias("feedback", ("geri bildirim",)),
    Alias("bind", ("bağla",)),
    Alias("unbind", ("ayır",)),
    Alias("room", ("oda",)),
    Alias("role", ("rol",)),
    Alias("team", ("ekip",)),
    Alias("settings", ("ayarlar",)),
    Alias("owners", ("sahipler",)),
    Alias("map", ("harita",)),
    Alias("digest", ("özet",)),
    Alias("help", ("yardım",)),
)

_COMMAND_OF: dict[str, str] = {
    fold(word): alias.command for alias in ALIASES for word in alias.words
}


def turkish_words(command: str) -> tuple[str, ...]:
    """The Turkish names of an English command (none: an empty tuple)."""
    return next((alias.words for alias in ALIASES if alias.command == command), ())


def split_verb(text: str) -> tuple[str, str] | None:
    """The English command a line's Turkish verb names and the text after the verb (its
    spacing kept), or None when the line does not begin with one."""
    head, _sep, rest = text.strip().partition(" ")
    second, _sep2, after = rest.lstrip().partition(" ")
    if second and (command := _COMMAND_OF.get(fold(f"{head} {second}"))):
        return command, after
    if command := _COMMAND_OF.get(fold(head)):
        return command, rest
    return None


# Option words, folded Turkish → the English word the command's parser reads. Each parser
# asks only at the places an English option word may stand, so a stage's or a deal's name
# is never read as one.
LIST_OPTIONS: Mapping[str, str] = {
    "benim": "mine",
    "benimkiler": "mine",
    "ekip": "team",
    "ekibim": "team",
    "tumu": "all",
    "hepsi": "all",
    "asama": "stage",
    "tutara": "amount",
    "yasa": "age",
    "sureye": "age",
    "kapanisa": "close",
}
LIST_SORT_WORD = "gore"  # `tutara göre`: Turkish puts "by" after the sort key
STATS_PERIODS: Mapping[str, str] = {
    "tumu": "all",
    "hepsi": "all",
    "bu-ceyrek": "this-quarter",
    "gecen-ceyrek": "last-quarter",
    "bu-ay": "this-month",
    "gecen-ay": "last-month",
    "bu-yil": "this-year",
    "gecen-yil": "last-year",
}
PLAN_PERIODS: Mapping[str, str] = {"ay": "month", "ceyrek": "quarter", "yil": "year"}
DIGEST_OPTIONS: Mapping[str, str] = {
    "abone": "subscribe",
    "iptal": "unsubscribe",
    "liste": "list",
    "onizle": "preview",
    "onizleme": "preview",
    "gunluk": "daily",
    "haftalik": "weekly",
    "ekip": "team",
    "tumu": "all",
    "hepsi": "all",
    "sahip": "owner",
}
MAP_OPTIONS: Mapping[str, str] = {
    "gercek": "actual",
    "ekip": "team",
    "tumu": "all",
    "sahip": "owner",
}
ROLE_WORDS: Mapping[str, str] = {"temsilci": "rep", "yonetici": "manager", "admin": "admin"}
TEAM_ACTIONS: Mapping[str, str] = {"ekle": "add", "cikar": "remove"}
OWNERS_ACTIONS: Mapping[str, str] = {"liste": "list", "ata": "set", "kaldir": "remove"}
WEBHOOK_ACTIONS: Mapping[str, str] = {"liste": "list", "ekle": "add", "kaldir": "remove"}
ONBOARD_OPTIONS: Mapping[str, str] = {"durum": "status"}
SETTINGS_NAMES: Mapping[str, str] = {
    "harita": "map",
    "saat-dilimi": "timezone",
    "para-birimi": "currency",
    "doviz": "currency",
    "dil": "language",
}
# `/deal edit` and `close` in `/deal new`: field words, in lower case only as in English, so
# that a name with `Kapanış` in it stays a name (`isim`, not `ad`: "ad" is an English word).
FIELD_WORDS: Mapping[str, str] = {
    "isim": "name",
    "tutar": "amount",
    "doviz": "currency",
    "sahip": "owner",
    "kapanis": "close",
}


def field_word(word: str) -> str:
    """A lower-case Turkish field word as the English one (`kapanış` → `close`); any other
    word as typed."""
    return FIELD_WORDS.get(fold(word), word) if word.islower() else word


# What the English grammar reads as a day count (`30d`), written the Turkish way: `30g`.
TURKISH_DAYS_SUFFIX = "g"


def in_english(word: str, options: Mapping[str, str]) -> str:
    """`word` as the English option it stands for, or lower-cased as typed."""
    return options.get(fold(word), word.lower())


def period_in_english(word: str) -> str:
    """A Turkish reporting period (`30g`, `geçen-çeyrek`, `tümü`) as the English one the
    use case reads; any other word as typed."""
    english = STATS_PERIODS.get(fold(word))
    return english if english is not None else days_in_english(word)


def days_in_english(word: str) -> str:
    """`30g` → `30d`; any other word as typed."""
    stem = word[:-1]
    if word[-1:].casefold() == TURKISH_DAYS_SUFFIX and stem.isascii() and stem.isdigit():
        return f"{stem}d"
    return word

"""Turkish command names and option words (bot/commands/aliases.py): each reads as its
English command with the same arguments, in any case and without Turkish letters, and
English lines parse exactly as before."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import BY_NAME, Command, ParseError, parse
from bot.commands.aliases import ALIASES, split_verb
from bot.commands.words import DEAL_NUMBER_WORD
from bot.core.refs import parse_deal_ref
from storage.name_keys import fold

EVERY_ALIAS = [(alias.command, word) for alias in ALIASES for word in alias.words]
_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")


def turkish_upper(text: str) -> str:
    """Upper case by Turkish rules: i → İ, ı → I."""
    return text.replace("i", "İ").replace("ı", "I").upper()


def legacy_parse(text: str) -> Command[Any] | ParseError:
    """The registry's parse before Turkish names: English names, `#42`, else unknown."""
    head, _sep, rest = text.strip().partition(" ")
    if not head:
        return parse("")
    if head.lower() in BY_NAME:
        return BY_NAME[head.lower()].read(rest)
    if DEAL_NUMBER_WORD.match(head):
        return parse(head)
    return ParseError("unknown", "")


def test_every_alias_names_a_command_and_no_two_fold_alike() -> None:
    folded = [fold(word) for _command, word in EVERY_ALIAS]
    assert all(command in BY_NAME for command, _word in EVERY_ALIAS)
    assert len(set(folded)) == len(folded)
    assert not set(folded) & set(BY_NAME)  # English is never shadowed


def test_a_two_word_alias_begins_with_no_command() -> None:
    """So the first word alone still tells a command from a deal's name, as in English."""
    singles = {fold(word) for _command, word in EVERY_ALIAS if " " not in word} | set(BY_NAME)
    firsts = {fold(word.split()[0]) for _command, word in EVERY_ALIAS if " " in word}
    assert not firsts & singles


@pytest.mark.parametrize(("command", "word"), EVERY_ALIAS)
@pytest.mark.parametrize("shape", [str, turkish_upper, lambda w: w.translate(_ASCII)])
def test_an_alias_reads_as_its_command_with_the_same_arguments(
    command: str, word: str, shape: Any
) -> None:
    for rest in ("", " acme", " #42 acme corp", "  2 3"):
        english, turkish = parse(command + rest), parse(shape(word) + rest)
        if isinstance(english, ParseError):
            assert isinstance(turkish, ParseError) and turkish.message == english.message
        else:
            assert isinstance(turkish, Command)
            assert (turkish.name, turkish.args) == (english.name, english.args)


def test_a_two_word_alias_takes_exactly_its_two_words() -> None:
    assert split_verb("yeniden aç acme") == ("reopen", "acme")
    assert split_verb("YENİDEN AÇ açık deniz") == ("reopen", "açık deniz")
    assert split_verb("yeniden açık deniz") is None  # `açık` is not `aç`
    assert isinstance(parse("yeniden acme"), ParseError)


@given(st.text(max_size=40))
def test_any_line_english_reads_is_read_as_before(text: str) -> None:
    before, now = legacy_parse(text), parse(text)
    if isinstance(before, Command):
        assert isinstance(now, Command) and (now.name, now.args) == (before.name, before.args)


@given(
    st.sampled_from(sorted(BY_NAME)),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
)
def test_english_commands_with_any_text_after_them_are_unchanged(name: str, rest: str) -> None:
    before, now = legacy_parse(f"{name} {rest}"), parse(f"{name} {rest}")
    if isinstance(before, Command):
        assert isinstance(now, Command) and (now.name, now.args) == (before.name, before.args)
    else:
        assert isinstance(now, ParseError) and now.message == before.message


@pytest.mark.parametrize(
    ("turkish", "english"),
    [
        ("liste ekip aşama teklif 30g tutara göre", "list team stage teklif 30d by amount"),
        ("fırsatlar TÜMÜ", "list all"),
        ("liste benim kapanışa göre", "list mine by close"),
        ("liste aşama kaybedildi yaşa göre", "list stage kaybedildi by age"),
        ("istatistik 30g", "stats 30d"),
        ("istatistik 30 gün", "stats 30d"),
        ("istatistik geçen-çeyrek", "stats last-quarter"),
        ("istatistik TÜMÜ", "stats all"),
        ("planla 2 milyon TL çeyrek", "plan 2m TRY quarter"),
        (
            "özet abone <#C123|sales> günlük 09:00 ekip",
            "digest subscribe <#C123|sales> daily 09:00 team",
        ),
        ("özet önizle haftalık tümü", "digest preview weekly all"),
        ("özet iptal <#C123|sales>", "digest unsubscribe <#C123|sales>"),
        ("özet liste", "digest list"),
        ("yardım yeniden aç", "help reopen"),
        ("düzenle tutar 65k kapanış 2027-03-31", "edit amount 65k close 2027-03-31"),
        ("düzenle #4 isim Kapanış Ltd döviz EUR", "edit #4 name Kapanış Ltd currency EUR"),
        ("yeni Initech 80k kapanış 31 March 2027", "new Initech 80k close 31 March 2027"),
        ("yeni Kapanış Ltd 5k", "new Kapanış Ltd 5k"),  # a capital: a name, as `Close`
        ("harita gerçek 90g ekip", "map actual 90d team"),
        ("harita gerçek geçen-çeyrek tümü", "map actual last-quarter all"),
        ("harita gerçek sahip <@U123ABC>", "map actual owner <@U123ABC>"),
        ("rol <@U123ABC> yönetici", "role <@U123ABC> manager"),
        ("rol <@U123ABC> TEMSİLCİ", "role <@U123ABC> rep"),
        ("ekip <@U123ABC> çıkar <@U999XYZ>", "team <@U123ABC> remove <@U999XYZ>"),
        ("sahipler liste", "owners list"),
        ("sahipler kaldır Uygulama Ekibi", "owners remove Uygulama Ekibi"),
        ("webhook liste", "webhook list"),
        ("webhook kaldır 2", "webhook remove 2"),
        ("eğitim durum", "onboard status"),
        ("ayarlar döviz EUR", "settings currency EUR"),
        ("ayarlar saat-dilimi Europe/Istanbul", "settings timezone Europe/Istanbul"),
        ("yardım ilerlet", "help advance"),
    ],
)
def test_option_words_read_as_the_english_ones(turkish: str, english: str) -> None:
    now, then = parse(turkish), parse(english)
    assert isinstance(now, Command) and isinstance(then, Command), (now, then)
    if english.startswith("plan"):  # the quota stays as typed: the use case reads it
        assert now.args.period == then.args.period and now.args.quota == "2 milyon TL"
    else:
        assert now.args == then.args


def test_a_stage_named_like_an_option_word_stays_a_stage() -> None:
    """English reads `list stage all` as the stage "all"; `tümü` after `aşama` is too."""
    found = parse("liste aşama tümü")
    assert isinstance(found, Command) and found.args.stage == "tümü"


def test_a_misspelt_turkish_command_suggests_the_right_one() -> None:
    found = parse("ilerle")
    assert isinstance(found, ParseError) and found.suggestion == "did you mean /deal ilerlet?"


def test_a_hash_number_still_shows_the_deal() -> None:
    found = parse("#42")
    assert isinstance(found, Command) and found.args.ref == parse_deal_ref("#42")

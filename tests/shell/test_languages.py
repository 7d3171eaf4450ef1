"""The shell plays each person's Slack language (bot/shell/languages.py, docs/i18n.md):
`/lang tr-TR` for the current person, STAGECOACH_SHELL_LANG or `--lang` for everyone. The
app reads it from users.info as it does in Slack; what it says is compared with the Turkish
catalogue's own translation, so a reworded translation does not break these tests."""

from __future__ import annotations

import io

import pytest

from bot.cli import main
from bot.core.settings import SettingsError
from bot.shell.session import ShellSession
from bot.shell.startup import open_shell
from flows.i18n import _
from tests.shell.test_scripted_session import replies, run_shell
from tests.support.shell import Env

CARD_WORDS = ("Amount", "Owner", "In stage")  # a card's facts, "Amount: $50,000"


def speaks_turkish(reply: str) -> bool:
    """The card's facts and its Advance button are in Turkish, none in English."""
    turkish = [_(word, locale="tr") for word in (*CARD_WORDS, "Advance")]
    assert all(t != e for t, e in zip(turkish, (*CARD_WORDS, "Advance"), strict=True))
    english = [f"{word}:" for word in CARD_WORDS]
    return all(word in reply for word in turkish) and not any(e in reply for e in english)


def speaks_english(reply: str) -> bool:
    return all(f"{word}:" in reply for word in CARD_WORDS) and "(7) Advance" in reply


async def shell(session: ShellSession, *lines: str) -> dict[str, str]:
    """Each typed line (as `user: line`) → what the shell printed for it."""
    return replies(await run_shell(session, "\n".join([*lines, "quit"]) + "\n"))


async def test_a_turkish_person_sees_the_card_in_turkish(session: ShellSession) -> None:
    shown = await shell(session, "/lang tr-TR", "/deal new Acme 50k", "/deal show")

    said = shown["ana: /lang tr-TR"]
    assert "ana's Slack language is now tr-TR: the app answers in Turkish" in said
    card = shown["ana: /deal show"]
    assert "Acme · Qualification" in card  # the map's own words stay as the map has them
    assert speaks_turkish(card), card
    assert speaks_turkish(shown["ana: /deal new Acme 50k"])


async def test_a_change_of_language_shows_at_once_and_is_one_persons(
    session: ShellSession,
) -> None:
    shown = await shell(
        session,
        "/deal new Acme 50k",
        "/lang tr-TR",
        "/deal show",
        "/as maria",
        "/deal show #1",
        "/lang",
        "/as ana",
        "/lang",
    )

    assert speaks_english(shown["ana: /deal new Acme 50k"])
    assert speaks_turkish(shown["ana: /deal show"])  # not after the hour the app keeps it
    assert speaks_english(shown["maria: /deal show #1"])
    assert "maria's Slack language is en-US" in shown["maria: /lang"]
    assert "ana's Slack language is tr-TR" in shown["ana: /lang"]


async def test_a_language_stagecoach_does_not_speak_falls_back(session: ShellSession) -> None:
    shown = await shell(session, "/lang de-DE", "/deal new Acme 50k", "/lang xx yy")

    assert "stagecoach does not speak it" in shown["ana: /lang de-DE"]
    assert speaks_english(shown["ana: /deal new Acme 50k"])  # the workspace's: English
    assert "'xx yy' is not a Slack locale; e.g. /lang tr-TR" in shown["ana: /lang xx yy"]


async def test_the_environment_sets_everyones_language(shell_env: Env) -> None:
    env = {**shell_env, "STAGECOACH_SHELL_LANG": "tr_TR"}
    async with open_shell(env) as session:
        shown = await shell(
            session, "/deal new Acme 50k", "/as maria", "/deal show #1", "/as zeynep", "/lang"
        )

    assert speaks_turkish(shown["ana: /deal new Acme 50k"])
    assert speaks_turkish(shown["maria: /deal show #1"])
    assert "zeynep's Slack language is tr-TR" in shown["zeynep: /lang"]  # seen later: too


async def test_the_option_wins_over_the_environment(shell_env: Env) -> None:
    env = {**shell_env, "STAGECOACH_SHELL_LANG": "tr-TR"}
    async with open_shell(env, language="en-US") as session:
        shown = await shell(session, "/deal new Acme 50k")

    assert speaks_english(shown["ana: /deal new Acme 50k"])


def test_say_takes_the_language_as_an_option(
    shell_env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    assert main(["say", "--lang", "tr-TR", "/deal new Acme 50k"]) == 0
    assert speaks_turkish(capsys.readouterr().out)
    assert main(["say", "--lang", "türkçe!", "/deal show"]) == 2
    assert "--lang='türkçe!' is not a Slack locale" in capsys.readouterr().err


async def test_a_language_that_is_no_locale_stops_the_start(shell_env: Env) -> None:
    with pytest.raises(SettingsError, match="STAGECOACH_SHELL_LANG='türkçe!'"):
        async with open_shell({**shell_env, "STAGECOACH_SHELL_LANG": "türkçe!"}):
            pass


def test_say_speaks_the_environments_language(
    shell_env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setenv("STAGECOACH_SHELL_LANG", "tr-TR")

    assert main(["say", "/deal new Acme 50k"]) == 0

    assert speaks_turkish(capsys.readouterr().out)


async def test_the_help_says_the_shell_itself_stays_english(session: ShellSession) -> None:
    shown = await shell(session, "help")

    assert "/lang [locale]" in shown["ana: help"]
    assert "The shell's own words" in shown["ana: help"]
    assert "do not follow /lang" in shown["ana: help"]


def test_a_reply_that_refuses_is_a_failure_in_turkish_too(
    shell_env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """`say` exits 1 on a refusal whatever the language it was said in ("Deneyin:" leads
    the hint a blocked advance carries, not "Try:")."""
    assert main(["say", "--lang", "tr-TR", "/deal new Acme 50k"]) == 0
    assert main(["say", "--lang", "tr-TR", "/deal frobnicate"]) == 1
    advance = _("Advance", locale="tr")
    assert main(["say", "--lang", "tr-TR", f"/click {advance}"]) == 1  # items are open
    capsys.readouterr()


def test_a_turkish_reply_writes_its_numbers_the_turkish_way(
    shell_env: Env, capsys: pytest.CaptureFixture[str]
) -> None:
    """A decimal in a Turkish answer takes a comma (the first response's median, "0,0 sa"),
    as Babel's Turkish data says, not the English point."""
    assert main(["say", "/deal new Acme 50k"]) == 0
    assert main(["say", "/deal tick 1"]) == 0
    capsys.readouterr()
    assert main(["say", "--lang", "tr-TR", "--as", "maria", "/deal stats"]) == 0
    said = capsys.readouterr().out
    hours = _("{hours} h median", locale="tr").format(hours="0,0")
    assert hours in said, said

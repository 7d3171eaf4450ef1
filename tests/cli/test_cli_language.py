"""The installed `stagecoach` speaks the operator's language (docs/operations.md, "The command
line's language"): STAGECOACH_LANGUAGE, else LC_ALL, LC_MESSAGES, LANG, else English. In
the pseudo-locale every line a person reads comes out bracketed (flows/i18n.py), so English
that bypassed `_` (an import-time `_`, argparse's own words) shows up as a bare line."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from flows.i18n import PSEUDO, PSEUDO_CLOSE, PSEUDO_OPEN
from tests.support.maps import GOOD_MAP, MapFile

STAGECOACH = Path(sys.executable).with_name("stagecoach")
ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_VARIABLES = ("STAGECOACH_LANGUAGE", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

VAGUE = GOOD_MAP.replace("Collect the signed order form", "Order form etc")
NO_OWNER = GOOD_MAP.replace("    owner: Marketing\n", "")


def typed_words() -> set[str]:
    """Words a person types, so printed as they are: the program and its (sub)commands."""
    words, parsers = {"stagecoach"}, [build_parser()]
    while parsers:
        for action in parsers.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                words |= set(action.choices)
                parsers += action.choices.values()
    return words


TYPED = typed_words()


def stagecoach(*argv: str, **language: str) -> tuple[int, str]:
    """Run the installed `stagecoach` with only the language variables given: status and
    everything it printed (stdout, then stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in LANGUAGE_VARIABLES}
    env |= {"PYTHONPATH": str(ROOT), "DATABASE_URL": "sqlite://", **language}
    done = subprocess.run(
        [str(STAGECOACH), *argv], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def untranslated_lines(output: str) -> list[str]:
    """The lines of `output` with prose outside the pseudo-locale's brackets: a word that is
    not a command, an option, a NAME placeholder, {choices}, a path, a field or a [rule]."""
    outside, depth = [], 0
    for char in output:
        depth += (char == PSEUDO_OPEN) - (char == PSEUDO_CLOSE)
        outside.append(char if depth == 0 and char not in PSEUDO_OPEN + PSEUDO_CLOSE else " ")
    leaks = []
    for line in "".join(outside).splitlines():
        words = [w.strip(",;:()'") for w in line.split() if not re.search(r"[-/.\[\]\d_={]", w)]
        if [w for w in words if w and not w.isupper() and w not in TYPED]:
            leaks.append(line)
    return leaks


def in_pseudo(*argv: str) -> str:
    _code, output = stagecoach(*argv, STAGECOACH_LANGUAGE=PSEUDO)
    assert PSEUDO_OPEN in output and "Traceback" not in output, output
    return output


def test_the_leak_finder_finds_english() -> None:
    leaks = untranslated_lines("usage: stagecoach [-h]\n⟦ŵåŕñîñĝ⟧ ok\n⟦å\nƀ⟧ COMMAND\n")
    assert [line.split() for line in leaks] == [["usage:", "stagecoach", "[-h]"], ["ok"]]


def test_help_is_translated_line_by_line() -> None:
    assert untranslated_lines(in_pseudo("--help")) == []


@pytest.mark.parametrize(
    "argv",
    [("maps",), ("maps", "lint"), ("serve",), ("shell",), ("say",), ("demo",), ("db",)]
    + [("import",), ("stats",), ("discover",), ("feedback",), ("webhooks",)],
    ids=" ".join,
)
def test_help_in_a_process_that_imported_it_all_in_english(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command module is imported by now (TYPED), in English: a table translated at
    import would stay English here, where a fresh process might import it in the language."""
    monkeypatch.setenv("STAGECOACH_LANGUAGE", PSEUDO)
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    output = capsys.readouterr().out
    assert PSEUDO_OPEN in output and untranslated_lines(output) == []


@pytest.mark.parametrize("argv", [("maps", "lint"), ("maps", "nope"), ("stats", "--bogus")])
def test_argparse_refusals_are_translated(argv: tuple[str, ...]) -> None:
    output = in_pseudo(*argv)
    assert untranslated_lines(output) == []
    assert "usage" not in output and "error" not in output


def test_lint_warnings_are_translated(map_file: MapFile) -> None:
    output = in_pseudo("maps", "lint", str(map_file(VAGUE)))
    assert "[vague-item]" in output and untranslated_lines(output) == []


def test_lint_errors_are_translated(map_file: MapFile) -> None:
    output = in_pseudo("maps", "lint", str(map_file(NO_OWNER)))
    assert "stages[4]" in output and untranslated_lines(output) == []


def test_a_turkish_locale_speaks_turkish(map_file: MapFile) -> None:
    code, output = stagecoach("maps", "lint", str(map_file(VAGUE)), LANG="tr_TR.UTF-8")
    assert code == 0 and "belirsiz ifade: 'etc'" in output
    _code, output = stagecoach("--help", LANG="tr_TR.UTF-8")
    assert "veritabanı şemasını oluştur veya yükselt" in output


@pytest.mark.parametrize(
    ("language", "turkish"),
    [
        ({"STAGECOACH_LANGUAGE": "tr", "LANG": "en_US.UTF-8"}, True),
        ({"STAGECOACH_LANGUAGE": "en", "LANG": "tr_TR.UTF-8"}, False),
        ({"LC_ALL": "C.UTF-8", "LANG": "tr_TR.UTF-8"}, False),  # LC_ALL overrides LANG
        ({"LC_MESSAGES": "tr_TR.UTF-8", "LANG": "en_US.UTF-8"}, True),
        ({"LANG": "de_DE.UTF-8"}, False),  # no German catalogue: English
        ({}, False),
    ],
    ids=str,
)
def test_which_variable_chooses(language: dict[str, str], turkish: bool) -> None:
    _code, output = stagecoach("db", "--help", **language)
    assert ("veritabanı" in output) is turkish
    assert ("database schema" in output) is not turkish

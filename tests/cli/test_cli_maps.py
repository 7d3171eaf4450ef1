"""`stagecoach maps …` through `bot.cli.main`: exit codes, stdout, one-line errors on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from flows.loader import shipped_map_ids
from tests.support.maps import GOOD_MAP, MapFile

VAGUE = GOOD_MAP.replace("Collect the signed order form", "Order form etc")
BROKEN = GOOD_MAP.replace("probability: 60", "probability: 160")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["maps", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_list_shows_the_shipped_maps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "VERSION", "STAGES", "MAIN", "SIDE", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == shipped_map_ids()


def test_show_prints_stages_in_order(capsys: pytest.CaptureFixture[str], map_file: MapFile) -> None:
    code, out, _err = run(capsys, "show", str(map_file()))
    assert code == 0
    assert out.startswith(
        "Tiny B2B map — tiny, version 1\n5 stages: 3 on the main path, 2 side stages\n"
    )
    headings = [line for line in out.splitlines() if line[:1].isdigit() and ". " in line]
    assert headings == [
        "1. Discovery [discovery]",
        "2. Proposal [proposal]",
        "3. Closed won [won] — the win",
        "4. Closed lost [lost] — side stage: lost",
        "5. Nurture [nurture] — side stage: nurture",
    ]
    assert "   owner: Sales · probability: 10%" in out
    assert "   entry: A buyer with a named problem agreed to a first call" in out
    assert (
        "     [ ] Confirm the budget range with the economic buyer — evidence: Budget amount" in out
    )
    assert "     ( ) Share the call notes with the sales engineer (optional)" in out
    assert "   branches: lose, nurture" in out and "   reopen to: discovery" in out


def test_show_says_each_evidence_type_and_who_validates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _err = run(capsys, "show", "extended")
    assert code == 0
    joined = " ".join(out.split())  # the lines are wrapped
    assert (
        "Record the lead score after the latest engagement — evidence: Lead score (number)"
        in joined
    )
    assert (
        "Identify the economic buyer who approves the spend, by name and title (a manager "
        "validates it) — evidence: Economic buyer's name and title" in joined
    )
    assert (
        "— evidence: Channel of first interaction (choice: Organic search, Paid search," in joined
    )
    assert "(text)" not in joined  # the default goes unsaid
    for kind in ("date", "money", "person", "url"):
        assert f" ({kind})" in joined, kind


def test_lint_clean_map(capsys: pytest.CaptureFixture[str], map_file: MapFile) -> None:
    path = map_file()
    code, out, err = run(capsys, "lint", str(path), "--strict")
    assert (code, err) == (0, "")
    assert out == f"ok: {path} — 5 stages, no problems\n"


def test_lint_warnings_exit_0(capsys: pytest.CaptureFixture[str], map_file: MapFile) -> None:
    path = map_file(VAGUE)
    code, out, err = run(capsys, "lint", str(path))
    assert (code, err) == (0, "")
    assert f"{path}:" in out and ": warning: stages[1].exit[0].text: " in out
    assert "[vague-item]" in out and "hint: " in out
    assert out.endswith(f"{path}: 1 warning\n")


def test_lint_strict_fails_on_warnings(
    capsys: pytest.CaptureFixture[str], map_file: MapFile
) -> None:
    code, _out, _err = run(capsys, "lint", str(map_file(VAGUE)), "--strict")
    assert code == 1


def test_lint_load_errors_exit_1_on_stderr(
    capsys: pytest.CaptureFixture[str], map_file: MapFile
) -> None:
    path = map_file(BROKEN)
    code, out, err = run(capsys, "lint", str(path))
    assert code == 1 and out == ""
    assert err.startswith(f"{path}:") and ": error: stages[1].probability: found 160" in err


def test_unknown_map_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "no-such-map")
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "no-such-map: error: no shipped map with this id and no file at this path" in err
    assert "shipped maps: " in err


def test_unreadable_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes(b"title: caf\xe9\n")
    code, _out, err = run(capsys, "lint", str(path))
    assert code == 1 and err.startswith(f"error: cannot read {path}: ") and err.count("\n") == 1


def test_diagram_mermaid_to_stdout(capsys: pytest.CaptureFixture[str], map_file: MapFile) -> None:
    code, out, err = run(capsys, "diagram", str(map_file()))
    assert (code, err) == (0, "")
    assert "flowchart TD" in out and "s_discovery ==> s_proposal" in out


def test_diagram_mermaid_to_file(
    capsys: pytest.CaptureFixture[str], map_file: MapFile, tmp_path: Path
) -> None:
    target = tmp_path / "map.mmd"
    code, out, _err = run(
        capsys, "diagram", str(map_file()), "-o", str(target), "--highlight", "won"
    )
    assert code == 0 and out.startswith(f"wrote {target} (")
    assert "style s_won stroke:" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("flags", [["--format", "png"], []])
def test_diagram_png(
    capsys: pytest.CaptureFixture[str], map_file: MapFile, tmp_path: Path, flags: list[str]
) -> None:
    target = tmp_path / "map.png"
    code, _out, _err = run(capsys, "diagram", str(map_file()), *flags, "-o", str(target))
    assert code == 0
    assert target.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_diagram_png_needs_a_file(capsys: pytest.CaptureFixture[str], map_file: MapFile) -> None:
    code, out, err = run(capsys, "diagram", str(map_file()), "--format", "png")
    assert code == 2 and out == "" and err == "error: a PNG needs a file: add -o FILE.png\n"


def test_diagram_unknown_highlight_names_the_stages(
    capsys: pytest.CaptureFixture[str], map_file: MapFile
) -> None:
    code, out, err = run(capsys, "diagram", str(map_file()), "--highlight", "demo")
    assert code == 2 and out == ""
    assert err == (
        "error: --highlight: no stage 'demo' in this map; "
        "stages: discovery, proposal, won, lost, nurture\n"
    )


def test_diagram_unwritable_output(
    capsys: pytest.CaptureFixture[str], map_file: MapFile, tmp_path: Path
) -> None:
    target = tmp_path / "missing-dir" / "map.mmd"
    code, _out, err = run(capsys, "diagram", str(map_file()), "-o", str(target))
    assert code == 1 and err.startswith(f"error: cannot write {target}: ") and err.count("\n") == 1


def test_diagram_broken_map(capsys: pytest.CaptureFixture[str], map_file: MapFile) -> None:
    code, out, err = run(capsys, "diagram", str(map_file(BROKEN)))
    assert code == 1 and out == "" and "found 160" in err


def test_maps_without_action_shows_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(
        capsys,
    )
    assert code == 2 and "list" in err and "diagram" in err


def test_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["maps", "diagram", "default", "--format", "svg"])
    assert caught.value.code == 2
    assert "invalid choice: 'svg'" in capsys.readouterr().err

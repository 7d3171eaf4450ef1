"""Documentation that cannot drift: every /deal command, setting and map field is in the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import COMMANDS
from bot.core.settings import DOCUMENTED
from bot.views.help import help_message
from flows.schema import ExitItem, Goal, PlaybookEntry, ProcessMap, Stage

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAPS_DOC = (ROOT / "docs" / "maps.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.name)
def test_every_command_is_in_the_readme_and_in_help(spec) -> None:  # type: ignore[no-untyped-def]
    assert f"`{spec.usage.replace('|', chr(92) + '|')}`" in README
    # mrkdwn shows `<name>` only escaped (unescaped, Slack reads it as a link)
    shown = spec.usage.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert shown in str(help_message(None).to_dict())
    assert spec.usage in help_message(spec.name).text


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"| `{name}` |" in README


@pytest.mark.parametrize(
    ("model", "heading"),
    [
        (ProcessMap, "## Map fields"),
        (Goal, "## Map fields"),
        (Stage, "## Stage fields"),
        (ExitItem, "## Exit item fields"),
        (PlaybookEntry, "## Playbook entry fields"),
    ],
)
def test_every_map_field_is_documented(model, heading: str) -> None:  # type: ignore[no-untyped-def]
    section = MAPS_DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    for name, info in model.model_fields.items():
        field = info.alias or name  # as a map writes it (`validate`, not `validate_by`)
        if model is Goal:
            assert f"`{field}`" in section, field
        else:
            assert f"| `{field}` |" in section, field

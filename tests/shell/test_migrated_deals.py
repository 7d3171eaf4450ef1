"""A migration as its people meet it: a rep's deals on the default map's version 1, the
admin's `stagecoach maps migrate` to version 2 (Qualification renamed, one item dropped),
then the rep's `/deal show` and `/deal history` in the shell."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.cli import main
from bot.shell.startup import open_shell
from tests.shell.test_scripted_session import replies, run_shell
from tests.support.deals import default_map_v2_source
from tests.support.shell import Env


def v2_without_the_budget_item() -> str:
    """Version 2 of the default map: `qualify` is `qualification` ("Lead qualification"),
    and its `budget` item is gone."""
    source = default_map_v2_source()
    start = source.index("      - id: budget\n")
    end = source.index("      - id: ", start + 1)
    return source[:start] + source[end:]


async def test_a_migrated_deal_shows_its_new_stage_ticks_and_history(
    shell_env: Env, tmp_path: Path
) -> None:
    async with open_shell(shell_env) as before:
        await run_shell(
            before,
            '/deal new Acme 50k\n/deal tick 1 2="Month-end close takes 9 days" 3\n'
            "/deal new Globex\nquit\n",
        )
    (tmp_path / "default2.yml").write_text(v2_without_the_budget_item(), encoding="utf-8")
    (tmp_path / "mapping.yml").write_text("stages:\n  qualify: qualification\n", encoding="utf-8")
    target, mapping = str(tmp_path / "default2.yml"), str(tmp_path / "mapping.yml")
    args = ["maps", "migrate", "--from", "default@1", "--to", target, "--mapping", mapping]
    assert await asyncio.to_thread(main, args) == 0  # the command line runs its own loop

    # The deployment publishes version 2 (STAGECOACH_MAP) and the rep looks at the deal.
    async with open_shell({**shell_env, "STAGECOACH_MAP": target}) as after:
        shown = replies(
            await run_shell(after, "/deal show acme\n/deal history acme\n/deal new Initech\nquit\n")
        )

    card = shown["ana: /deal show acme"]
    assert "Lead qualification" in card and "v2" in card
    assert "[x] 1. " in card and "[x] 2. " in card  # carried over by item id
    assert "Confirm a budget" not in card
    history = shown["ana: /deal history acme"]
    assert "stagecoach moved the deal to version 2 of the map: Qualification → Lead qualification" in history  # fmt: skip
    assert "2 ticks carried over" in history
    assert "no longer on the checklist: " in history
    assert "ticked “" in history  # the ticks before the move, worded by version 1
    assert "Lead qualification" in shown["ana: /deal new Initech"]  # new deals: version 2

"""Files the app shares (the map picture), saved where the terminal user can open them."""

from __future__ import annotations

from pathlib import Path

from bot.shell.screen import Surface
from bot.slack_standin import SlackStandIn


def save_files(
    standin: SlackStandIn, surfaces: list[Surface], *, directory: Path
) -> list[tuple[str, str]]:
    """(title, path) of each file shared in these messages, written into `directory`."""
    saved = []
    for surface in surfaces:
        for shared in surface.content.get("files") or []:
            upload = standin.workspace.files.get(str(shared.get("id")))
            if upload is None or upload.content is None:
                continue
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / Path(upload.filename).name
            path.write_bytes(upload.content)
            saved.append((str(shared.get("title") or upload.filename), str(path)))
    return saved

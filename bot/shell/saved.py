"""What stays clickable between runs: each user's last message with choices, kept in a
small JSON file beside the database, so `stagecoach say "/click 3"` clicks in the card an
earlier `say` showed, as a later click in Slack would.

The file holds Slack-side state only (message blocks); the deals live in the database.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot.shell.screen import Surface

log = logging.getLogger(__name__)
FILE_SUFFIX = ".screen.json"


def screen_path(*, database_url: str, env: Mapping[str, str]) -> Path:
    """$STAGECOACH_SCREEN, else beside a SQLite file, else in the working directory."""
    configured = env.get("STAGECOACH_SCREEN", "").strip()
    if configured:
        return Path(configured).expanduser()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(database.name + FILE_SUFFIX)
    return Path.cwd() / f".stagecoach{FILE_SUFFIX}"


def load(path: Path) -> dict[str, Surface]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("ignoring unreadable %s", path)
        return {}
    surfaces = data.get("clickable") if isinstance(data, dict) else None
    if not isinstance(surfaces, dict):
        return {}
    return {user: found for user, raw in surfaces.items() if (found := _surface(raw))}


def save(path: Path, clickable: Mapping[str, Surface]) -> None:
    data = {"clickable": {user: _raw(surface) for user, surface in clickable.items()}}
    try:
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError:
        log.warning("cannot write %s; the next run cannot click in this one's messages", path)


def _raw(surface: Surface) -> dict[str, Any]:
    return {
        "kind": surface.kind,
        "channel": surface.channel,
        "ts": surface.ts,
        "content": surface.content,
    }


def _surface(raw: object) -> Surface | None:
    if not isinstance(raw, dict) or raw.get("kind") not in ("ephemeral", "message", "home"):
        return None
    if not isinstance(raw.get("ts"), str) or not isinstance(raw.get("content"), dict):
        return None
    channel = raw.get("channel")
    return Surface(
        raw["kind"], channel if isinstance(channel, str) else None, raw["ts"], raw["content"]
    )

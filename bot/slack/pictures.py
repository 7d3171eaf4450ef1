"""Pictures the app uploads: the process map with the user's deals on it.

Drawing is CPU work in a C library (a few tens of ms): it runs in a thread so the event
loop keeps answering other requests, and after the acknowledgement.
"""

from __future__ import annotations

import asyncio

from bot.core.context import Actor
from bot.deals.outcomes import MapPicture
from bot.slack.runtime import Runtime
from flows.diagram import build_diagram
from flows.diagram_png import to_png
from flows.i18n import _


def map_png(picture: MapPicture) -> bytes:
    return to_png(build_diagram(picture.process_map, counts=picture.counts))


async def upload_map(runtime: Runtime, actor: Actor, picture: MapPicture) -> None:
    """Upload the picture to the user's DM with the app (files cannot be ephemeral)."""
    png = await asyncio.to_thread(map_png, picture)
    opened = await runtime.client.conversations_open(users=actor.user_id)
    channel = opened["channel"]["id"]
    await runtime.client.files_upload_v2(
        channel=channel,
        content=png,
        filename=f"{picture.process_map.id}-v{picture.process_map.version}.png",
        title=_("{title}: your deals by stage").format(title=picture.process_map.title),
    )

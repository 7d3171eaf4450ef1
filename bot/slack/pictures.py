"""Pictures the app uploads to a user's DM: the process map with their deals on it, what
deals actually did on it (`/deal map actual`), and a digest preview's funnel chart.

Drawing is CPU work in a C library (a few tens of ms): it runs in a thread so the event
loop keeps answering other requests, and after the acknowledgement.
"""

from __future__ import annotations

import asyncio

from bot.core.context import Actor
from bot.core.slack_text import readable
from bot.deals.outcomes import MapPicture
from bot.digests.content import DigestPreview
from bot.reporting.charts import funnel_chart_png
from bot.reporting.outcomes import ActualFlowReport
from bot.slack.runtime import Runtime
from bot.views.digest import chart_title
from bot.views.stats import period_words
from flows import diagram_actual_png
from flows.diagram import build_diagram
from flows.diagram_actual import build_actual_diagram
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


def actual_flow_png(report: ActualFlowReport) -> bytes:
    subtitle = _("{scope}, {period}").format(
        scope=readable(report.scope_title), period=period_words(report.period)
    )
    diagram = build_actual_diagram(report.process_map, report.flow, subtitle=subtitle)
    return diagram_actual_png.to_png(diagram)


async def upload_actual_flow(runtime: Runtime, actor: Actor, report: ActualFlowReport) -> None:
    """The discovery picture to the user's DM; with no move in the period, nothing (the
    answer already said there is not enough data)."""
    if report.flow.moves == 0:
        return
    png = await asyncio.to_thread(actual_flow_png, report)
    title = _("{title}: what deals actually did").format(title=report.process_map.title)
    opened = await runtime.client.conversations_open(users=actor.user_id)
    await runtime.client.files_upload_v2(
        channel=opened["channel"]["id"],
        content=png,
        filename=f"{report.process_map.id}-actual-{report.period.label}.png",
        title=title,
        alt_txt=title,
    )


async def upload_preview_chart(runtime: Runtime, actor: Actor, preview: DigestPreview) -> None:
    """A digest preview's funnel chart, as the digest would upload it to its channel."""
    digest = preview.digest
    if digest.funnel is None:
        return
    title = chart_title(digest)
    png = await asyncio.to_thread(funnel_chart_png, digest.funnel, title=title)
    opened = await runtime.client.conversations_open(users=actor.user_id)
    await runtime.client.files_upload_v2(
        channel=opened["channel"]["id"],
        content=png,
        filename="funnel-preview.png",
        title=title,
        alt_txt=title,
    )

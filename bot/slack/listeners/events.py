"""Events: App Home. Slack retries an event it believes was missed; each is handled once
(claimed by event id in the database, so this holds across replicas)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.context import Actor
from bot.home.app_home import home_overview
from bot.slack.runtime import Body, Runtime, actor_from, after_ack, guarded, mapping
from bot.views.home import home_view
from storage import queries


def register(app: AsyncApp, runtime: Runtime) -> None:
    async def on_home_opened(ack: Any, body: Body) -> None:
        await ack()
        event = mapping(body.get("event"))
        actor = actor_from(body)
        # Someone from another organisation sees no App Home of ours: nothing to read them.
        if not isinstance(actor, Actor) or event.get("tab", "home") != "home":
            return
        if not await _first_delivery(runtime, body, actor):
            return
        after_ack(runtime, body, publish_home(runtime, actor), name="publish home")

    app.event("app_home_opened")(guarded(runtime, on_home_opened))


async def publish_home(runtime: Runtime, actor: Actor) -> None:
    overview = await home_overview(runtime.services, actor)
    view = home_view(
        my_rows=overview.my_rows,
        team_rows=overview.team_rows,
        stage_order=overview.stage_order,
        onboarding=overview.onboarding,
        my_total=overview.my_total,
        team_total=overview.team_total,
    )
    await runtime.replies.publish_home(user_id=actor.user_id, view=view)


async def _first_delivery(runtime: Runtime, body: Body, actor: Actor) -> bool:
    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        return True
    async with runtime.services.db.write() as session:
        return await queries.claim_event(session, team_id=actor.team_id, event_id=event_id[:64])

"""The shell's Slack side: who the user is and where, the payloads Slack would send for
what they type, dispatched into the real Bolt app in-process, and what came back.

Requests go in as Socket Mode requests (no signature needed); the app's Web API client
talks to an in-process SlackStandIn, which keeps the messages, modals and App Home shown."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any, Self

from slack_bolt.async_app import AsyncApp

from bot.core.context import Services
from bot.core.settings import Settings
from bot.digests.settings import SchedulerSettings
from bot.shell.clicks import click_payload
from bot.shell.files import save_files
from bot.shell.people import (
    DEFAULT_CHANNEL,
    DEFAULT_USER,
    DEMO_PEOPLE,
    TEAM_ID,
    Directory,
    Identity,
    clean_name,
    introduce,
)
from bot.shell.reply import Exchange, Reply
from bot.shell.screen import Key, Surface, capture, changes, find, restore
from bot.shell.wire import app_calls, dispatch, settle
from bot.slack.app import build_bolt_app
from bot.slack.runtime import Runtime, build_runtime
from bot.slack.scheduler import Scheduler
from bot.slack_standin import (
    SlackStandIn,
    app_home_opened_event,
    event_callback,
    form_fields,
    slash_command_body,
    view_submission_payload,
)
from bot.slack_standin.workspace import dm_channel
from bot.views.counts import counted
from flows.i18n import _

JsonDict = dict[str, Any]
BOT_TOKEN = "xoxb-shell"
TICK = SchedulerSettings()  # the defaults `serve` runs with


class ShellSession:
    def __init__(
        self,
        *,
        runtime: Runtime,
        bolt: AsyncApp,
        standin: SlackStandIn,
        files_dir: Path | None = None,
    ) -> None:
        self.runtime = runtime
        # Files the app uploads (the map picture) are saved here for the user to open.
        self.files_dir = files_dir or Path(tempfile.gettempdir()) / "stagecoach-shell"
        self.bolt = bolt
        self.standin = standin
        self.directory = Directory()
        self.team_id = TEAM_ID
        self.user: Identity = self.directory.identity(DEFAULT_USER)
        self.channel = DEFAULT_CHANNEL
        self.channel_id = self.directory.channel(DEFAULT_CHANNEL)
        self.active: dict[str, Surface] = {}  # user id → the surface `/click N` clicks in
        self.shown: dict[str, set[Key]] = {}  # user id → the surfaces they have been shown
        for person in DEMO_PEOPLE:
            introduce(standin, person)

    # -- lifecycle ------------------------------------------------------------------------

    @classmethod
    async def start(cls, *, services: Services, settings: Settings) -> Self:
        standin = await SlackStandIn().start()
        standin.workspace.team_id = TEAM_ID
        local = dataclasses.replace(
            settings,
            bot_token=BOT_TOKEN,
            api_url=standin.api_url,
            extra_response_url_prefixes=(standin.base_url,),
        )
        runtime = build_runtime(services, local)
        return cls(runtime=runtime, bolt=build_bolt_app(runtime), standin=standin)

    async def close(self) -> None:
        await self.runtime.tasks.drain()
        await self.standin.stop()

    # -- identity and place ----------------------------------------------------------------

    def act_as(self, name: str) -> Identity | None:
        cleaned = clean_name(name)
        if cleaned is None:
            return None
        self.user = self.directory.identity(cleaned)
        introduce(self.standin, self.user)  # in the language their Slack has
        return self.user

    def move_to(self, name: str) -> str | None:
        cleaned = clean_name(name)
        if cleaned is None:
            return None
        self.directory.learn_channels(self.standin.workspace.conversations)
        self.channel, self.channel_id = cleaned, self.directory.channel(cleaned)
        return cleaned

    # -- what the user does ------------------------------------------------------------------

    async def command(self, text: str, *, command: str = "/deal") -> Reply:
        """A slash command, typed as in Slack (mentions and channels escaped as Slack does)."""
        url = self.standin.response_url(channel=self.channel_id, user=self.user.user_id)
        body = slash_command_body(
            self.directory.escape(text),
            user_id=self.user.user_id,
            team_id=self.team_id,
            channel_id=self.channel_id,
            command=command,
            response_url=url,
            user_name=self.user.name,
            channel_name=self.channel,
        )
        return await self.send(form_fields(body), request="slash_command", ack_url=url)

    async def click(self, number: int) -> Reply:
        surface = self.clickable()
        choices = surface.choices() if surface else []
        if surface is None or not choices:
            return Reply(problem="nothing to click: show a card first, e.g. /deal show")
        if not 1 <= number <= len(choices):
            return Reply(problem=f"there is no choice {number}; pick one from 1 to {len(choices)}")
        payload = click_payload(
            surface,
            choices[number - 1],
            standin=self.standin,
            user_id=self.user.user_id,
            user_name=self.user.name,
            team_id=self.team_id,
        )
        return await self.send(payload, request="block_actions")

    async def open_home(self) -> Reply:
        """Open the App Home tab: Slack sends app_home_opened, the app publishes the view."""
        shown = self.standin.home(self.user.user_id)
        event = app_home_opened_event(self.user.user_id, view=shown)
        envelope = event_callback(event, team_id=self.team_id)
        reply = await self.send(envelope, request="event_callback")
        home = self.standin.home(self.user.user_id)
        if home is not None and not any(s.kind == "home" for s in reply.surfaces):
            reply.surfaces.append(Surface("home", None, str(home["id"]), home))  # unchanged
            self._remember(reply.surfaces)
        return reply

    async def submit(self, view: JsonDict, values: JsonDict) -> Reply:
        """Submit a modal with these `state.values`; on errors the modal stays open."""
        payload = view_submission_payload(
            str(view.get("callback_id") or ""),
            str(view.get("private_metadata") or ""),
            values,
            user_id=self.user.user_id,
            team_id=self.team_id,
            user_name=self.user.name,
            view=view,
        )
        reply = await self.send(payload, request="view_submission", closing=view)
        ack = reply.exchanges[-1].ack or {}
        if ack.get("response_action") == "errors" and isinstance(ack.get("errors"), dict):
            reply.form_errors = {str(k): str(v) for k, v in ack["errors"].items()}
            reply.modal = view
        return reply

    async def run_scheduler(self, *, force: bool) -> Reply:
        """One scheduler tick, as `stagecoach digest run [--now]` runs it: the digests due
        (force: each subscription's for its current period, once) and the nudges. Digests
        land in their channels and nudges in DMs; the reply shows what reached this user."""
        before = capture(self.standin, user_id=self.user.user_id, channel_id=self.channel_id)
        tick = Scheduler(self.runtime.services, client=self.runtime.client, settings=TICK)
        report = await tick.tick(force=force)
        await settle(self.runtime)
        self.directory.learn_channels(self.standin.workspace.conversations)
        after = capture(self.standin, user_id=self.user.user_id, channel_id=self.channel_id)
        surfaces = changes(before, after)
        self._remember(surfaces)  # a nudge shown here is not news in the DM later
        note = _("posted {digests} and {nudges}; {unfinished} not posted").format(
            digests=counted(report.digests, "{count} digest", "{count} digests"),
            nudges=counted(report.nudges, "{count} nudge", "{count} nudges"),
            unfinished=report.unfinished,
        )
        files = save_files(self.standin, surfaces, directory=self.files_dir)
        return Reply(surfaces=surfaces, note=note, files=files)

    def cancel(self, view: JsonDict) -> None:
        """The user closed the modal (the app asks for no view_closed event)."""
        self.standin.close_view(str(view["id"]))

    # -- the clickable surface -------------------------------------------------------------

    def clickable(self) -> Surface | None:
        """The current version of the last surface shown with choices."""
        shown = self.active.get(self.user.user_id)
        return self._current(self.user.user_id, shown) if shown else None

    def clickable_by_user(self) -> dict[str, Surface]:
        """Every user's clickable surface as it is now, for the next run (bot.shell.saved)."""
        current = {user: self._current(user, shown) for user, shown in self.active.items()}
        return {user: surface for user, surface in current.items() if surface is not None}

    def _current(self, user_id: str, shown: Surface) -> Surface | None:
        return find(
            self.standin, user_id=user_id, kind=shown.kind, channel=shown.channel, ts=shown.ts
        )

    def choice_number(self, label: str) -> int | None:
        """The choice whose label is `label` (or, failing that, the one label it starts)."""
        surface = self.clickable()
        choices = surface.choices() if surface else []
        wanted = label.strip().lower()
        exact = [c.number for c in choices if c.label.lower() == wanted]
        starting = [c.number for c in choices if c.label.lower().startswith(wanted)]
        found = exact or starting
        return found[0] if len(found) == 1 else None

    def restore(self, saved: dict[str, Surface]) -> None:
        """Surfaces an earlier run left clickable, put back in the stand-in."""
        for user_id, surface in saved.items():
            restore(self.standin, user_id=user_id, surface=surface)
            self.active[user_id] = surface

    def new_in_dm(self) -> list[Surface]:
        """What arrived in the current user's DM with the app while others were acting (a
        validation to answer, a sent-back item, a digest), now shown to them."""
        return self._news(dm_channel(self.user.user_id))

    def new_in_channel(self) -> list[Surface]:
        """What the app posted in the current channel while the user was elsewhere (a
        handoff to their team, a digest), now shown to them: clickable like a card."""
        return self._news(self.channel_id)

    def _news(self, channel: str) -> list[Surface]:
        seen = self.shown.setdefault(self.user.user_id, set())
        messages = [Surface("message", channel, m["ts"], m) for m in self.standin.messages(channel)]
        news = [surface for surface in messages if surface.key not in seen]
        self._remember(news)
        return news

    def _remember(self, surfaces: list[Surface]) -> None:
        self.shown.setdefault(self.user.user_id, set()).update(s.key for s in surfaces)
        with_choices = [s for s in surfaces if s.choices()]
        if with_choices:
            self.active[self.user.user_id] = with_choices[-1]

    # -- one request ---------------------------------------------------------------------

    async def send(
        self,
        payload: JsonDict,
        *,
        request: str,
        ack_url: str | None = None,
        closing: JsonDict | None = None,
    ) -> Reply:
        before = capture(self.standin, user_id=self.user.user_id, channel_id=self.channel_id)
        views_before = {view["id"] for view in self.standin.open_views}
        calls_before = len(self.standin.calls())
        ack = await dispatch(self.bolt, payload)
        if ack_url and ack:
            self.standin.deliver_command_ack(ack_url, ack)  # Slack shows it as an ephemeral
        if closing is not None and not (ack or {}).get("response_action"):
            self.cancel(closing)  # an empty ack closes the modal
        await settle(self.runtime)
        self.directory.learn_channels(self.standin.workspace.conversations)
        after = capture(self.standin, user_id=self.user.user_id, channel_id=self.channel_id)
        surfaces = changes(before, after)
        self._remember(surfaces)
        exchange = Exchange(
            request=request, ack=ack, calls=app_calls(self.standin, since=calls_before)
        )
        return Reply(
            surfaces=surfaces,
            modal=self._opened(views_before),
            exchanges=[exchange],
            files=save_files(self.standin, surfaces, directory=self.files_dir),
        )

    def _opened(self, views_before: set[str]) -> JsonDict | None:
        """A modal the app opened; one with nothing to submit is shown and closed."""
        opened = [v for v in self.standin.open_views if v["id"] not in views_before]
        if not opened:
            return None
        view = opened[-1]
        if not view.get("submit"):
            self.cancel(view)
        return view

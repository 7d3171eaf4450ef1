"""SlackStandIn: an in-process Slack Web API on an ephemeral port, for tests and the shell.

Point `AsyncWebClient(base_url=standin.api_url)` at it. It records every call, keeps messages,
ephemeral messages, modals and App Home views as Slack would, refuses what Slack would refuse
(recording why), and can be told to fail the next call of a method in any of the ways the
real one fails (bot.slack_standin.faults).
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Sequence
from functools import partial
from typing import Self

from aiohttp import web

from bot.slack_standin.call_log import CallLog, Reply
from bot.slack_standin.chat_methods import CHAT_METHODS, respond
from bot.slack_standin.conversation_methods import CONVERSATION_METHODS, new_channel
from bot.slack_standin.directory_methods import DIRECTORY_METHODS, auth_test
from bot.slack_standin.file_methods import FILE_METHODS, receive_upload
from bot.slack_standin.oauth_server import OAuthServer
from bot.slack_standin.records import JsonDict, SlackError
from bot.slack_standin.view_methods import VIEW_METHODS, close_view
from bot.slack_standin.web_api_args import check_token, pop_token, read_args
from bot.slack_standin.workspace import (
    Handler,
    ResponseHook,
    UploadedFile,
    Workspace,
    user_message,
    user_profile,
)

# Calls that are not Web API methods get these names in `calls()`, `fail_next()` and friends.
RESPONSE_URL = "response_url"
FILE_UPLOAD = "file_upload"
COMMAND_ACK = "command_ack"

WEB_API_METHODS: dict[str, Handler] = {
    **CHAT_METHODS,
    **VIEW_METHODS,
    **DIRECTORY_METHODS,
    **FILE_METHODS,
    **CONVERSATION_METHODS,
}
MAX_BODY = 50 * 1024 * 1024  # uploads of chart images go through the same server


class SlackStandIn(CallLog):
    """Slack's Web API, response URLs and file uploads, served on 127.0.0.1."""

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        super().__init__()
        self.host = host
        self.workspace = Workspace()
        self.oauth = OAuthServer()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> Self:
        # A short shutdown: a `Hang` fault's handler may still be asleep when a test ends.
        runner = web.AppRunner(self._build_app(), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, self.host, 0).start()  # port 0: the OS picks a free one
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self.workspace.base_url = self.base_url
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("start the stand-in first (async with SlackStandIn() as slack: …)")
        return f"http://{self.host}:{self._port}/"

    @property
    def api_url(self) -> str:
        """For `AsyncWebClient(base_url=…)` and `SLACK_API_URL`."""
        return f"{self.base_url}api/"

    def _build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/api/{method}", self._on_api)
        app.router.add_get("/oauth/v2/authorize", self._on_authorize)
        app.router.add_post("/upload/v1/{file_id}", self._on_upload)
        app.router.add_post("/response/{key}", self._on_response_url)
        return app

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _on_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            args = await read_args(request)
        except SlackError as error:
            return self._http(self._settle(self._record(method, {}, request), run=_raiser(error)))
        token = pop_token(args, request.headers)
        call = self._record(method, args, request, token=token)
        run = partial(self._run_api, method, args, token)
        if method == "oauth.v2.access":  # the client's own credentials (Basic auth), no token
            run = partial(self.oauth.access, args, request.headers.get("Authorization", ""))
        return await self._answer(call, request, run=run, render=self._http)

    def _run_api(self, method: str, args: JsonDict, token: str | None) -> JsonDict:
        check_token(token)
        assert token is not None
        self.oauth.check(token)
        if method == "auth.test":
            return auth_test(self.workspace, args, team_id=self.oauth.team_of(token))
        handler = WEB_API_METHODS.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        return handler(self.workspace, args)

    async def _on_authorize(self, request: web.Request) -> web.StreamResponse:
        return await self.oauth.authorize_page(request)

    async def _on_upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        content = await request.read()
        call = self._record(FILE_UPLOAD, {"file_id": file_id, "length": len(content)}, request)
        run = partial(receive_upload, self.workspace, file_id, content)
        return await self._answer(call, request, run=run, render=self._upload_answer)

    @classmethod
    def _upload_answer(cls, reply: Reply) -> web.Response:
        status, body, _headers = reply
        if body.get("ok"):  # Slack's upload URL answers in plain text
            return web.Response(text=f"OK - {body['size']}", content_type="text/plain")
        return cls._http(reply)

    async def _on_response_url(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        try:
            args = await read_args(request)
        except SlackError as error:
            return self._http(
                self._settle(self._record(RESPONSE_URL, {}, request), run=_raiser(error))
            )
        call = self._record(RESPONSE_URL, args, request)
        run = partial(self._respond, key, args)
        return await self._answer(call, request, run=run, render=self._http)

    def _respond(
        self, key: str, body: JsonDict, *, method: str = RESPONSE_URL, count_use: bool = True
    ) -> JsonDict:
        hook = self.workspace.hooks.get(key)
        if hook is None:
            raise SlackError("expired_url", status=404)
        return respond(self.workspace, hook, body, method=method, count_use=count_use)

    @staticmethod
    def _http(reply: Reply) -> web.Response:
        status, body, headers = reply
        return web.json_response(body, status=status, headers=headers)

    # -- the workspace's other side: what Slack itself would create --------------------------

    def response_url(self, *, channel: str, user: str, message_ts: str | None = None) -> str:
        """Mint a response URL, as Slack puts in a slash command or an interaction payload.

        `message_ts` is the message an interaction came from (ephemeral or not): the one
        `replace_original` / `delete_original` act on. Without it, the first message posted
        through the URL becomes that message.
        """
        key = f"{self.workspace.next_serial()}{secrets.token_hex(6)}"
        hook = ResponseHook(channel=self.workspace.resolve_channel(channel), user=user)
        hook.source_ts = message_ts
        self.workspace.hooks[key] = hook
        return f"{self.base_url}response/{key}"

    def deliver_command_ack(self, response_url: str, body: JsonDict | None) -> JsonDict | None:
        """Do what Slack does with a slash command's ack body: show it as the response URL would.

        An empty ack shows nothing. It does not use up one of the URL's five uses.
        """
        if not body:
            return None
        key = response_url.rstrip("/").rsplit("/", 1)[-1]
        call = self._record(COMMAND_ACK, dict(body), None)
        run = partial(self._respond, key, dict(body), method=COMMAND_ACK, count_use=False)
        return self._settle(call, run=run)[1]

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "UTC",
        is_admin: bool = False,
        locale: str = "en-US",
    ) -> JsonDict:
        """Register a user for users.info (unknown but plausible ids get a UTC, en-US
        profile); `locale` is their Slack language, given with `include_locale`."""
        profile = user_profile(
            user_id,
            team_id=self.workspace.team_id,
            name=name,
            real_name=real_name,
            tz=tz,
            is_admin=is_admin,
            locale=locale,
        )
        self.workspace.users[user_id] = profile
        return copy.deepcopy(profile)

    def add_usergroup(self, group_id: str, handle: str, users: Sequence[str]) -> None:
        """A user group (`S…`, `@handle`) as a Slack admin defines it; replaces its members."""
        self.workspace.usergroups[group_id] = {"handle": handle, "users": list(users)}

    def post_as_user(
        self, *, channel: str, user: str, text: str, thread_ts: str | None = None
    ) -> JsonDict:
        """A person's message in a channel (`text` as Slack stores it: escaped, mentions as
        `<@U…>`), shaped as message shortcuts carry it; the message as stored."""
        channel = self.workspace.resolve_channel(channel)
        message = user_message(self.workspace, user=user, text=text, ts=self.workspace.next_ts())
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.workspace.channels[channel].append(message)
        return copy.deepcopy(message)

    def close_view(self, view_id: str) -> None:
        """The user closed a modal (or a submission's ack cleared it): it and views above it go."""
        close_view(self.workspace, view_id)

    # -- what the workspace holds now ---------------------------------------------------------

    def messages(self, channel: str) -> list[JsonDict]:
        """The channel's messages, oldest first (a user id means the bot's DM with them)."""
        return copy.deepcopy(
            self.workspace.channels.get(self.workspace.resolve_channel(channel), [])
        )

    def ephemerals(self, user: str) -> list[JsonDict]:
        """Ephemeral messages the user can see, oldest first; each names its `channel`."""
        return copy.deepcopy(self.workspace.ephemerals.get(user, []))

    def add_channel(self, name: str, *, private: bool = False) -> str:
        """A channel someone made in Slack (its name is taken from then on); its id."""
        return str(new_channel(self.workspace, name, private=private, creator="U0SOMEONE")["id"])

    def conversation(self, channel: str) -> JsonDict | None:
        """A channel made through conversations.create or add_channel: name, members, pins."""
        return copy.deepcopy(self.workspace.conversations.get(channel))

    def home(self, user: str) -> JsonDict | None:
        """The App Home view last published for the user."""
        return copy.deepcopy(self.workspace.homes.get(user))

    @property
    def open_views(self) -> list[JsonDict]:
        """Open modals, each stack bottom to top, in the order they were opened."""
        return copy.deepcopy([view for stack in self.workspace.modal_stacks for view in stack])

    def view(self, view_id: str) -> JsonDict | None:
        return copy.deepcopy(self.workspace.find_view(view_id))

    def uploaded_files(self) -> list[UploadedFile]:
        return [f for f in self.workspace.files.values() if f.completed]

    def reset(self) -> None:
        """Forget calls, violations, switches and the whole workspace; keep serving."""
        self.workspace = Workspace(base_url=self.workspace.base_url)
        self.oauth = OAuthServer()
        self.forget_calls()


def _raiser(error: SlackError) -> Callable[[], JsonDict]:
    def run() -> JsonDict:
        raise error

    return run

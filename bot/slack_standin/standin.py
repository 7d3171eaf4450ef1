"""SlackStandIn: an in-process Slack Web API on an ephemeral port, for tests and the shell.

Point `AsyncWebClient(base_url=standin.api_url)` at it. It records every call, keeps messages,
ephemeral messages, modals and App Home views as Slack would, refuses what Slack would refuse
(recording why), and can be told to fail or rate-limit the next call of a method.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Self

from aiohttp import web

from bot.slack_standin.chat_methods import CHAT_METHODS, respond
from bot.slack_standin.directory_methods import DIRECTORY_METHODS
from bot.slack_standin.file_methods import FILE_METHODS, receive_upload
from bot.slack_standin.records import JsonDict, RecordedCall, SlackError, Violation
from bot.slack_standin.view_methods import VIEW_METHODS, close_view
from bot.slack_standin.web_api_args import check_token, pop_token, read_args
from bot.slack_standin.workspace import Handler, ResponseHook, UploadedFile, Workspace, user_profile

# Calls that are not Web API methods get these names in `calls()`, `fail_next()` and friends.
RESPONSE_URL = "response_url"
FILE_UPLOAD = "file_upload"
COMMAND_ACK = "command_ack"

WEB_API_METHODS: dict[str, Handler] = {
    **CHAT_METHODS,
    **VIEW_METHODS,
    **DIRECTORY_METHODS,
    **FILE_METHODS,
}
MAX_BODY = 50 * 1024 * 1024  # uploads of chart images go through the same server


@dataclass(frozen=True, slots=True)
class Fault:
    """A canned failure for the next call of a method."""

    status: int
    error: str
    retry_after: int | None = None

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


Reply = tuple[int, JsonDict, dict[str, str]]


class SlackStandIn:
    """Slack's Web API, response URLs and file uploads, served on 127.0.0.1."""

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self.host = host
        self.workspace = Workspace()
        self._calls: list[RecordedCall] = []
        self._violations: list[Violation] = []
        self._faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> Self:
        runner = web.AppRunner(self._build_app(), access_log=None)
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
        app.router.add_post("/upload/v1/{file_id}", self._on_upload)
        app.router.add_post("/response/{key}", self._on_response_url)
        return app

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _on_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args = await read_args(request)
        except SlackError as error:
            return self._http(self._settle(self._record(method, {}, request), run=_raiser(error)))
        token = pop_token(args, request.headers)
        call = self._record(method, args, request, token=token)
        return self._http(self._settle(call, run=lambda: self._run_api(method, args, token)))

    def _run_api(self, method: str, args: JsonDict, token: str | None) -> JsonDict:
        check_token(token)
        handler = WEB_API_METHODS.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        return handler(self.workspace, args)

    async def _on_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        content = await request.read()
        call = self._record(FILE_UPLOAD, {"file_id": file_id, "length": len(content)}, request)
        status, body, headers = self._settle(
            call, run=lambda: receive_upload(self.workspace, file_id, content)
        )
        if body.get("ok"):  # Slack's upload URL answers in plain text
            return web.Response(text=f"OK - {body['size']}", content_type="text/plain")
        return web.json_response(body, status=status, headers=headers)

    async def _on_response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        try:
            args = await read_args(request)
        except SlackError as error:
            return self._http(
                self._settle(self._record(RESPONSE_URL, {}, request), run=_raiser(error))
            )
        call = self._record(RESPONSE_URL, args, request)
        return self._http(self._settle(call, run=lambda: self._respond(key, args)))

    def _respond(
        self, key: str, body: JsonDict, *, method: str = RESPONSE_URL, count_use: bool = True
    ) -> JsonDict:
        hook = self.workspace.hooks.get(key)
        if hook is None:
            raise SlackError("expired_url", status=404)
        return respond(self.workspace, hook, body, method=method, count_use=count_use)

    # -- recording and answering -------------------------------------------------------------

    def _record(
        self, method: str, args: JsonDict, request: web.Request | None, *, token: str | None = None
    ) -> RecordedCall:
        headers = dict(request.headers) if request is not None else {}
        call = RecordedCall(method=method, args=args, headers=headers, token=token)
        self._calls.append(call)
        return call

    def _settle(self, call: RecordedCall, *, run: Callable[[], JsonDict]) -> Reply:
        """Answer a call: a queued fault first, else the handler; record the answer."""
        headers: dict[str, str] = {}
        faults = self._faults.get(call.method)
        if faults:
            fault = faults.popleft()
            status, body, headers = (
                fault.status,
                {"ok": False, "error": fault.error},
                fault.headers(),
            )
        else:
            try:
                status, body = 200, run()
            except SlackError as error:
                status, body = error.status, error.answer()
                self._violations.extend(error.violations)
        call.status, call.response = status, body
        self._changed.set()
        return status, body, headers

    @staticmethod
    def _http(reply: Reply) -> web.Response:
        status, body, headers = reply
        return web.json_response(body, status=status, headers=headers)

    # -- switches ----------------------------------------------------------------------------

    def fail_next(
        self, method: str, *, error: str = "ratelimited", status: int = 200, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` with `ok: false` and `error`."""
        self._faults[method].extend([Fault(status=status, error=error)] * times)

    def rate_limit_next(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and a Retry-After header."""
        fault = Fault(status=429, error="ratelimited", retry_after=retry_after)
        self._faults[method].extend([fault] * times)

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
    ) -> JsonDict:
        """Register a user for users.info (unknown but plausible ids get a UTC profile)."""
        profile = user_profile(
            user_id,
            team_id=self.workspace.team_id,
            name=name,
            real_name=real_name,
            tz=tz,
            is_admin=is_admin,
        )
        self.workspace.users[user_id] = profile
        return copy.deepcopy(profile)

    def close_view(self, view_id: str) -> None:
        """The user closed a modal (or a submission's ack cleared it): it and views above it go."""
        close_view(self.workspace, view_id)

    # -- queries -----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        """Every attempt, refused and rate-limited ones included, oldest first."""
        return [c for c in self._calls if method is None or c.method == method]

    def last(self, method: str) -> RecordedCall:
        found = self.calls(method)
        if not found:
            seen = sorted({c.method for c in self._calls})
            raise AssertionError(f"no {method} call was made; calls made: {seen}")
        return found[-1]

    def attempts(self, method: str) -> int:
        return len(self.calls(method))

    async def wait_for(
        self, method: str, *, count: int = 1, timeout: float = 2.0
    ) -> list[RecordedCall]:
        """Wait until `count` calls of `method` were answered (work done after the ack)."""
        try:
            async with asyncio.timeout(timeout):
                while len(found := self._answered(method)) < count:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            seen = [c.method for c in self._calls]
            raise AssertionError(
                f"waited {timeout}s for {count} {method} call(s); calls: {seen}"
            ) from None
        return found

    def _answered(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls(method) if c.response]

    def messages(self, channel: str) -> list[JsonDict]:
        """The channel's messages, oldest first (a user id means the bot's DM with them)."""
        return copy.deepcopy(
            self.workspace.channels.get(self.workspace.resolve_channel(channel), [])
        )

    def ephemerals(self, user: str) -> list[JsonDict]:
        """Ephemeral messages the user can see, oldest first; each names its `channel`."""
        return copy.deepcopy(self.workspace.ephemerals.get(user, []))

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

    @property
    def violations(self) -> list[Violation]:
        """Everything refused because Slack would have refused it, oldest first."""
        return list(self._violations)

    def assert_clean(self) -> None:
        """Fail, listing each violation, if any call broke a Slack rule."""
        if self._violations:
            lines = "\n".join(f"  - {violation}" for violation in self._violations)
            raise AssertionError(
                f"Slack would have refused {len(self._violations)} thing(s):\n{lines}"
            )

    def reset(self) -> None:
        """Forget calls, violations, switches and the whole workspace; keep serving."""
        self.workspace = Workspace(base_url=self.workspace.base_url)
        self._calls.clear()
        self._violations.clear()
        self._faults.clear()


def _raiser(error: SlackError) -> Callable[[], JsonDict]:
    def run() -> JsonDict:
        raise error

    return run

"""The stand-in's record of calls: every call with its answer, the faults queued for the
next calls of a method (bot.slack_standin.faults), and what Slack would have refused.
SlackStandIn is one."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import Callable

from aiohttp import web

from bot.slack_standin.faults import Fault, JsonError
from bot.slack_standin.records import JsonDict, RecordedCall, SlackError, Violation

Reply = tuple[int, JsonDict, dict[str, str]]
Render = Callable[[Reply], web.StreamResponse]


class CallLog:
    """Records each call, answers it (a queued fault first, else its handler) and keeps what
    Slack would have refused; tests and the shell ask it what happened, or wait for it."""

    def __init__(self) -> None:
        self._calls: list[RecordedCall] = []
        self._violations: list[Violation] = []
        self._faults: defaultdict[str, deque[Fault]] = defaultdict(deque)
        self._changed = asyncio.Event()

    def _record(
        self, method: str, args: JsonDict, request: web.Request | None, *, token: str | None = None
    ) -> RecordedCall:
        headers = dict(request.headers) if request is not None else {}
        call = RecordedCall(method=method, args=args, headers=headers, token=token)
        self._calls.append(call)
        return call

    def _settle(self, call: RecordedCall, *, run: Callable[[], JsonDict]) -> Reply:
        """Answer a call with its handler (a queued JSON error first); record the answer."""
        fault = self._take_fault(call.method, json_only=True)
        if isinstance(fault, JsonError):
            status, body = fault.status, fault.recorded()
            headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        else:
            status, body, headers = self._run(run)
        call.status, call.response = status, body
        self._changed.set()
        return status, body, headers

    def _run(self, run: Callable[[], JsonDict]) -> Reply:
        try:
            return 200, run(), {}
        except SlackError as error:
            self._violations.extend(error.violations)
            return error.status, error.answer(), {}

    async def _answer(
        self,
        call: RecordedCall,
        request: web.Request,
        *,
        run: Callable[[], JsonDict],
        render: Render,
    ) -> web.StreamResponse:
        """Answer an HTTP request: its queued fault (having first carried the call out, when
        the fault `performs`), else the handler's answer through `render`."""
        fault = self._take_fault(call.method)
        if fault is None:
            return render(self._settle(call, run=run))
        if fault.performs:
            self._run(run)
        call.status, call.response = getattr(fault, "status", 0), fault.recorded()
        self._changed.set()
        return await fault.respond(request)

    def _take_fault(self, method: str, *, json_only: bool = False) -> Fault | None:
        faults = self._faults.get(method)
        if not faults or (json_only and not isinstance(faults[0], JsonError)):
            return None
        return faults.popleft()

    def fault_next(self, method: str, fault: Fault, *, times: int = 1) -> None:
        """Fail the next `times` calls of `method` the way `fault` says."""
        self._faults[method].extend([fault] * times)

    def fail_next(
        self, method: str, *, error: str = "ratelimited", status: int = 200, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `method` with `ok: false` and `error`."""
        self.fault_next(method, JsonError(error, status=status), times=times)

    def rate_limit_next(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with HTTP 429 and a Retry-After header."""
        fault = JsonError("ratelimited", status=429, retry_after=retry_after)
        self.fault_next(method, fault, times=times)

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

    def forget_calls(self) -> None:
        """Forget calls, violations and switches."""
        self._calls.clear()
        self._violations.clear()
        self._faults.clear()

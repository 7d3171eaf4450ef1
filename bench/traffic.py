"""Signed Slack requests and the closed loops that send them.

Each of `concurrency` workers sends one request, waits for its acknowledgement (and, for a
click, for the reply to reach the stand-in), then sends the next, until the loop has sent
its fixed number of requests or its time limit has passed.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from bench.processes import SlackSide
from bench.seed import Seeded, SeededDeal
from bot.slack_standin import (
    block_actions_payload,
    checkboxes_action,
    option,
    slash_command_body,
)
from bot.views.ids import ActionId, DealRef, checklist_block_id
from tests.support.signing import signed_form, signed_request

CHANNEL = "C0BENCH001"
REPLY_TIMEOUT = 10.0  # seconds a click's reply may take before it counts as lost


@dataclass(frozen=True, slots=True)
class Request:
    body: str
    headers: dict[str, str]
    reply_deal: int | None = None  # a click: its reply arrives at the stand-in, about this deal


@dataclass(slots=True)
class Sample:
    ack_s: float
    reply_s: float


@dataclass(slots=True)
class LoopResult:
    samples: list[Sample] = field(default_factory=list)
    errors: int = 0
    wall_s: float = 0.0
    first_error: str | None = None


MakeRequest = Callable[[], Request]


class Traffic:
    """Request makers over one seeded database (each pool is used without repeats)."""

    def __init__(self, seeded: Seeded, *, secret: str, standin_url: str, seed: int = 11) -> None:
        self.seeded = seeded
        self.secret = secret
        self.standin_url = standin_url
        self.rng = random.Random(seed)
        self.ready = deque(self.rng.sample(seeded.ready, len(seeded.ready)))
        self.tickable = deque(self.rng.sample(seeded.tickable, len(seeded.tickable)))
        self.clicks = 0

    def command(self, text: str, user: str) -> Request:
        body = slash_command_body(
            text,
            user_id=user,
            team_id=self.seeded.team_id,
            channel_id=CHANNEL,
            # Never used for an inline answer; on loopback all the same.
            response_url=f"{self.standin_url}response/bench",
        )
        return Request(*signed_request(body, secret=self.secret))

    def show(self) -> Request:
        deal_id = self.rng.randint(1, self.seeded.deals)
        return self.command(f"show #{deal_id}", self.seeded.owners[deal_id])

    def show_by_name(self) -> Request:
        """`/deal show <name>` of a random deal: the same card, the deal named by its name
        (as a person types it, lower-cased; every seeded name is unique, so it names one)."""
        deal_id = self.rng.randint(1, self.seeded.deals)
        return self.command(f"show bench account {deal_id:06d}", self.seeded.owners[deal_id])

    def list_all(self) -> Request:
        """`/deal list all`: the workspace's open deals, read and counted."""
        deal_id = self.rng.randint(1, self.seeded.deals)
        return self.command("list all", self.seeded.owners[deal_id])

    def advance(self) -> Request:
        deal = self.ready.popleft()  # IndexError when the pool is spent: a bigger seed is needed
        return self.command(f"advance #{deal.deal_id}", deal.owner_id)

    def tick(self) -> Request:
        """A checkbox click on an ephemeral card: the whole new selection of the checklist.

        The deal goes back to the end of the pool, so no two requests in flight share one.
        Like Slack's, the payload carries a response URL (a fresh one per click, on the
        stand-in, which `serve` trusts as its SLACK_API_URL host): the new card goes there,
        and the stand-in times its arrival.
        """
        deal = self.tickable.popleft()
        self.tickable.append(deal)
        payload = block_actions_payload(
            _checkbox_click(deal, self.rng),
            user_id=deal.owner_id,
            team_id=self.seeded.team_id,
            channel_id=CHANNEL,
            message_ts="1700000000.000100",
            is_ephemeral=True,
        )
        self.clicks += 1
        payload["response_url"] = f"{self.standin_url}response/bench-{self.clicks}"
        return Request(*signed_form(payload, secret=self.secret), reply_deal=deal.deal_id)


def _checkbox_click(deal: SeededDeal, rng: random.Random) -> dict[str, object]:
    chosen = [item for item in deal.items if rng.random() < 0.5]
    ref = DealRef(deal_id=deal.deal_id, stage=deal.stage)
    return checkboxes_action(
        ActionId.EXIT_ITEMS,
        block_id=checklist_block_id(ref),
        selected_options=[option(item, item) for item in chosen],
    )


async def run_loop(
    session: aiohttp.ClientSession,
    url: str,
    make: MakeRequest,
    *,
    count: int,
    concurrency: int,
    time_limit: float,
    slack: SlackSide | None = None,
    expect_blocks: bool = False,
) -> LoopResult:
    result = LoopResult()
    remaining = [count]
    started = time.monotonic()
    deadline = started + time_limit

    async def worker() -> None:
        while remaining[0] > 0 and time.monotonic() < deadline:
            remaining[0] -= 1
            await _one(session, url, make(), result, slack=slack, expect_blocks=expect_blocks)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.wall_s = time.monotonic() - started
    return result


async def _one(
    session: aiohttp.ClientSession,
    url: str,
    request: Request,
    result: LoopResult,
    *,
    slack: SlackSide | None,
    expect_blocks: bool,
) -> None:
    arrival = slack.expect(request.reply_deal) if slack and request.reply_deal else None
    sent = time.monotonic()
    try:
        async with session.post(url, data=request.body, headers=request.headers) as response:
            raw = await response.read()
        acked = time.monotonic()
        problem = _problem(response.status, raw, expect_blocks=expect_blocks)
        if problem:
            return _failed(result, problem)
        replied = await asyncio.wait_for(arrival, REPLY_TIMEOUT) if arrival else acked
    except (aiohttp.ClientError, TimeoutError) as exc:
        return _failed(result, f"{type(exc).__name__}: {exc}")
    result.samples.append(Sample(ack_s=acked - sent, reply_s=replied - sent))


def _problem(status: int, raw: bytes, *, expect_blocks: bool) -> str | None:
    if status != 200:
        return f"HTTP {status}: {raw[:200]!r}"
    if expect_blocks and b'"blocks"' not in raw:
        return f"no card in the acknowledgement: {raw[:200]!r}"
    return None


def _failed(result: LoopResult, problem: str) -> None:
    result.errors += 1
    result.first_error = result.first_error or problem

"""`GET /metrics` (issue #21), scraped over HTTP beside the signed requests that move it and
read with the Prometheus client's own parser: each request is counted once, under its kind
and outcome; Web API calls, their errors and every 429 are counted by method; the pools
show what is in use and every checkout that waited. Metrics are per process and other
tests move them too, so each test compares two scrapes."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from bot.core.context import Actor
from bot.digests import subscribe as digests
from bot.slack.http import EVENTS_PATH, METRICS_PATH
from bot.slack.scheduler import Scheduler
from bot.slack_standin import JsonError, button_action
from bot.slack_standin.payloads import app_home_opened_event, event_callback, slash_command_body
from bot.views.ids import ActionId, BlockId, CallbackId
from tests.conftest import Clock
from tests.digests.conftest import FAST
from tests.support.blockkit import find, has
from tests.support.harness import SlackHarness
from tests.support.signing import signed_request
from tests.support.slack import MANAGER, REP, click_from, make_team

JsonDict = dict[str, Any]
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(slack: SlackHarness) -> Samples:
    response = await slack.client.get(METRICS_PATH)
    assert response.status == 200
    assert response.content_type == "text/plain"
    samples: Samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


def requests_moved(before: Samples, after: Samples) -> Counter[tuple[str, str]]:
    """stagecoach_requests_total's increase per (kind, outcome)."""
    found: Counter[tuple[str, str]] = Counter()
    for (name, labels), value in after.items():
        if name == "stagecoach_requests_total":
            label = dict(labels)
            increase = value - before.get((name, labels), 0.0)
            if increase:
                found[(label["kind"], label["outcome"])] += int(increase)
    return found


# What a person (or a forger) sends, and how it must be counted.
async def _help(slack: SlackHarness) -> None:
    assert (await slack.command("help", user=REP)).status == 200


async def _typo(slack: SlackHarness) -> None:
    assert "frobnicate" in (await slack.command("frobnicate", user=REP)).text


async def _missing(slack: SlackHarness) -> None:
    assert (await slack.command("show #99999", user=REP)).status == 200


def _card(slack: SlackHarness) -> tuple[JsonDict, JsonDict, JsonDict]:
    """The newest card REP sees (other answers came since), its Advance block and button."""
    for message in reversed(slack.standin.ephemerals(REP)):
        if has(message.get("blocks") or [], ActionId.ADVANCE):
            return message, *find(message["blocks"], ActionId.ADVANCE)
    raise AssertionError("REP sees no card")


async def _show_click(slack: SlackHarness) -> None:
    card, block, advance = _card(slack)
    action = button_action(ActionId.SHOW, block_id=block["block_id"], value=advance["value"])
    assert (await slack.action(action, user=REP, **click_from(slack, card, REP))).status == 200


async def _stale_click(slack: SlackHarness) -> None:
    card, _block, _advance = _card(slack)
    action = button_action("a_button_we_never_drew", block_id="b", value="x")
    assert (await slack.action(action, user=REP, **click_from(slack, card, REP))).status == 200


async def _unsigned(slack: SlackHarness) -> None:
    body = slash_command_body("show", user_id=REP, team_id=slack.team_id, channel_id="C0X")
    body, headers = signed_request(body, secret="not the signing secret")
    assert (await slack.post(body, headers)).status == 401


async def _garbage(slack: SlackHarness) -> None:
    response = await slack.client.post(
        EVENTS_PATH,
        data=b"payload=%7Bnot json",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 400


async def _form(slack: SlackHarness) -> None:
    await slack.command("new", user=REP)
    view = slack.standin.last("views.open").args["view"]
    values = {BlockId.NAME: {BlockId.NAME: {"type": "plain_text_input", "value": "Globex"}}}
    meta = view["private_metadata"]
    submitted = await slack.submit(CallbackId.NEW_DEAL, meta, values, user=REP, view=view)
    assert submitted.status == 200 and not (submitted.body or {}).get("errors"), submitted


async def _stale_form(slack: SlackHarness) -> None:
    values = {BlockId.NAME: {BlockId.NAME: {"type": "plain_text_input", "value": "Globex"}}}
    submitted = await slack.submit(CallbackId.NEW_DEAL, "not our metadata", values, user=REP)
    assert (submitted.body or {}).get("response_action") == "errors", submitted


async def _home(slack: SlackHarness) -> None:
    envelope = event_callback(app_home_opened_event(REP), team_id=slack.team_id)
    assert (await slack.event(envelope)).status == 200


# What each send is counted as, in order: (kind, outcome) per request.
SENDS = {
    "help": (_help, [("command", "ok")]),
    "typo": (_typo, [("command", "refused")]),
    "missing deal": (_missing, [("command", "refused")]),
    "show click": (_show_click, [("action", "ok")]),
    "stale click": (_stale_click, [("action", "refused")]),
    "form": (_form, [("command", "ok"), ("view", "ok")]),
    "stale form": (_stale_form, [("view", "refused")]),
    "home opened": (_home, [("event", "ok")]),
    "unsigned": (_unsigned, [("command", "rejected")]),
    "garbage": (_garbage, [("unknown", "malformed")]),
}


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sends=st.lists(st.sampled_from(sorted(SENDS)), min_size=1, max_size=6))
async def test_each_request_is_counted_once_under_its_kind_and_outcome(
    slack: SlackHarness, sends: list[str]
) -> None:
    if not any(has(m.get("blocks") or [], ActionId.ADVANCE) for m in slack.standin.ephemerals(REP)):
        await slack.command("new Acme 50k", user=REP)  # a card to click on
    before = await scrape(slack)

    for name in sends:
        await SENDS[name][0](slack)

    after = await scrape(slack)
    sent = Counter(counted for name in sends for counted in SENDS[name][1])
    assert requests_moved(before, after) == sent
    for (kind, outcome), times in sent.items():
        labels = {"kind": kind, "outcome": outcome}
        assert moved(before, after, "stagecoach_request_seconds_count", **labels) == times
    handled = Counter(kind for (kind, outcome), n in sent.items() for _ in range(n)
                      if outcome in ("ok", "refused"))  # fmt: skip
    for kind, times in handled.items():
        assert moved(before, after, "stagecoach_ack_seconds_count", kind=kind) == times


async def test_web_api_errors_and_every_429_are_counted_by_method(slack: SlackHarness) -> None:
    before = await scrape(slack)
    # The form `/deal new` opens: first Slack rate-limits it twice (the client waits and
    # retries), then it refuses the next one outright.
    slack.standin.rate_limit_next("views.open", retry_after=0, times=2)
    assert (await slack.command("new", user=REP)).status == 200
    slack.standin.fault_next("views.open", JsonError("expired_trigger_id"))
    assert (await slack.command("new", user=REP)).status == 200

    after = await scrape(slack)
    assert moved(before, after, "stagecoach_web_api_calls_total", method="views.open") == 2
    assert moved(before, after, "stagecoach_web_api_ratelimited_total", method="views.open") == 2
    errors = {"method": "views.open", "error": "expired_trigger_id"}
    assert moved(before, after, "stagecoach_web_api_errors_total", **errors) == 1
    assert moved(before, after, "stagecoach_web_api_seconds_count", method="views.open") == 2
    # The refused form is the request's failure, and its background job's.
    assert requests_moved(before, after) == Counter(
        {("command", "ok"): 1, ("command", "failure"): 1}
    )
    job = {"job": "open new-deal modal"}
    assert moved(before, after, "stagecoach_background_jobs_total", **job, outcome="failure") == 1
    assert moved(before, after, "stagecoach_background_jobs_total", **job, outcome="ok") == 1
    assert after[("stagecoach_background_jobs_running", ())] == 0


async def test_the_pools_show_connections_in_use_and_each_checkout_that_waited(
    slack: SlackHarness,
) -> None:
    db = slack.services.db
    pool: Any = db.engine.sync_engine.pool
    capacity = pool.capacity()
    assert pool.checkedout() == 0
    before = await scrape(slack)  # other tests' databases share the process's metrics
    held = [await db.engine.connect() for _ in range(capacity)]
    during = await scrape(slack)
    assert moved(before, during, "stagecoach_db_pool_in_use", pool="read") == capacity
    assert during[("stagecoach_db_pool_capacity", (("pool", "read"),))] >= capacity

    async def release_one_soon() -> None:
        await asyncio.sleep(0.05)
        await held.pop().close()

    releasing = asyncio.create_task(release_one_soon())
    waited = await db.engine.connect()  # every connection is out: this one waits
    await releasing
    await waited.close()
    for connection in held:
        await connection.close()

    after = await scrape(slack)
    assert moved(during, after, "stagecoach_db_pool_wait_seconds_count", pool="read") == 1
    assert moved(during, after, "stagecoach_db_pool_wait_seconds_sum", pool="read") >= 0.04
    assert moved(before, after, "stagecoach_db_pool_in_use", pool="read") == 0


async def test_the_scheduler_counts_ticks_claims_lag_and_what_became_of_each_post(
    slack: SlackHarness, clock: Clock
) -> None:
    await make_team(slack, MANAGER, REP)
    clock.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    manager = Actor(team_id=slack.team_id, user_id=MANAGER, channel_id="C0SALES01")
    await digests.subscribe(
        slack.services, manager, channel_id="C0SALES01", frequency="daily", at_time="09:00"
    )
    scheduler = Scheduler(slack.services, client=slack.runtime.client, settings=FAST)
    await scheduler.tick()  # learns the subscriber's time zone; nothing due yet
    before = await scrape(slack)
    clock.now = dt.datetime(2026, 3, 2, 9, 0, 30, tzinfo=dt.UTC)  # 30 s after its time
    slack.standin.fault_next("chat.postMessage", JsonError("channel_not_found"))

    report = await scheduler.tick()

    after = await scrape(slack)
    assert report.refused == 1, report
    assert moved(before, after, "stagecoach_scheduler_ticks_total", result="ok") == 1
    assert moved(before, after, "stagecoach_scheduler_tick_seconds_count") == 1
    assert moved(before, after, "stagecoach_scheduler_claimed_total", kind="digest") == 1
    assert moved(before, after, "stagecoach_scheduler_lag_seconds_count", kind="digest") == 1
    assert moved(before, after, "stagecoach_scheduler_lag_seconds_sum", kind="digest") == 30
    refused = {"kind": "digest", "delivery": "refused"}
    assert moved(before, after, "stagecoach_scheduler_deliveries_total", **refused) == 1
    errors = {"method": "chat.postMessage", "error": "channel_not_found"}
    assert moved(before, after, "stagecoach_web_api_errors_total", **errors) == 1
    last_tick = after[("stagecoach_scheduler_last_tick_timestamp_seconds", ())]
    assert abs(last_tick - time.time()) < 60

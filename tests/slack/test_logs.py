"""The logs of a whole run (issue #21): one JSON line per request and per background job,
with its id, team, user, verb, outcome and duration; and nowhere a token, the signing
secret, a piece of evidence or a deal's name, not even at DEBUG, not even when Slack
fails. The run: a new deal, a tick with evidence, an advance, a digest whose post Slack
refuses, a form Slack will not open."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.cli import log_format
from bot.core.context import Actor
from bot.digests import subscribe as digests
from bot.digests.settings import SchedulerSettings
from bot.slack.scheduler import Scheduler
from bot.slack_standin import JsonError
from tests.support.harness import BOT_TOKEN, SIGNING_SECRET, SlackHarness
from tests.support.slack import MANAGER, REP, make_team

DEAL = "Zanzibar Widgets"
EVIDENCE = {
    2: "CFO said month-end close takes nine days",
    3: "between 40 and 60 thousand",
    5: "2026-03-10",
}
CHANNEL = "C0SALES01"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged, as `serve` writes it for a collector (JSON), at DEBUG; the
    logging set-up is put back afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    libraries = {name: logging.getLogger(name).level for name in log_format.CHATTY_LIBRARIES}
    stream = io.StringIO()
    log_format.configure({"STAGECOACH_LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}, stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in libraries.items():
        logging.getLogger(name).setLevel(level)


async def run_everything(slack: SlackHarness) -> None:
    await make_team(slack, MANAGER, REP)
    created = await slack.command(f"new {DEAL} 50k", user=REP)
    assert f"Created {DEAL}" in created.text, created.body
    said = " ".join(f'{n}="{value}"' for n, value in EVIDENCE.items())
    ticked = await slack.command(f"tick 1 {said}", user=REP)
    assert "Ticked" in json.dumps(ticked.json), ticked.json
    moved = await slack.command("advance", user=REP)
    assert "Moved" in json.dumps(moved.json), moved.json
    slack.standin.fault_next("views.open", JsonError("expired_trigger_id"))
    await slack.command("new", user=REP)  # the form Slack will not open
    manager = Actor(team_id=slack.team_id, user_id=MANAGER, channel_id=CHANNEL)
    await digests.subscribe(
        slack.services, manager, channel_id=CHANNEL, frequency="daily", at_time="09:00"
    )
    slack.standin.fault_next("chat.postMessage", JsonError("channel_not_found"))
    scheduler = Scheduler(
        slack.services,
        client=slack.runtime.client,
        settings=SchedulerSettings(interval=1, lease=60),
    )
    report = await scheduler.tick(force=True)
    assert report.refused == 1, report


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def test_a_whole_run_logs_no_secret_no_evidence_and_no_name(
    slack: SlackHarness, captured: io.StringIO
) -> None:
    log_format.hide_settings(slack.runtime.settings)

    await run_everything(slack)

    text = captured.getvalue()
    for secret in (BOT_TOKEN, SIGNING_SECRET, DEAL, *EVIDENCE.values()):
        assert secret not in text, f"{secret!r} is in the logs"
    logged = lines(captured)  # every line is JSON
    assert any(
        line["level"] == "warning" and "channel_not_found" in line["message"] for line in logged
    )


async def test_each_request_and_job_is_one_line_with_its_ids_verb_outcome_and_duration(
    slack: SlackHarness, captured: io.StringIO
) -> None:
    await run_everything(slack)

    requests = [line for line in lines(captured) if line.get("event") == "request"]
    verbs = [(line["verb"], line["outcome"]) for line in requests if line["user"] == REP]
    assert verbs == [("new", "ok"), ("tick", "ok"), ("advance", "ok"), ("new", "failure")]
    for line in requests:
        assert line["kind"] == "command" and line["team"] == slack.team_id
        assert len(line["request_id"]) == 12 and line["duration_ms"] >= line["ack_ms"] > 0
    jobs = [line for line in lines(captured) if line.get("event") == "job"]
    form = [line for line in jobs if line["job"] == "open new-deal modal"]
    assert [line["outcome"] for line in form] == ["failure"]
    assert form[0]["request_id"] == requests[-1]["request_id"]
    [tick] = [line for line in jobs if line["job"] == "scheduler tick"]
    assert tick["refused"] == 1 and tick["outcome"] == "failure" and tick["duration_ms"] > 0

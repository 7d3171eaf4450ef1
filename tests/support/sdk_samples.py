"""Request bodies from Slack's SDK test suites (tests/support/samples/slack_sdk/, whose
SOURCES.md says where each comes from), replayed through the real signed HTTP route.

A body is read as Slack sent it; each replay states the few fields it points at the
stand-in or at this app's listeners (response URL, trigger id, action, block and callback
ids), so a test shows exactly what it changed and nothing else is touched."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from tests.support.harness import SIGNING_SECRET, Answer, SlackHarness
from tests.support.signing import JSON, signed_form, signed_request

SAMPLES = Path(__file__).parent / "samples" / "slack_sdk"
JsonDict = dict[str, Any]


def sample(name: str) -> JsonDict:
    """A JSON body, a fresh copy each time (tests change their copy)."""
    loaded = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return copy.deepcopy(loaded)


def command_sample(**changes: str) -> dict[str, str]:
    """The slash command's form fields, in Slack's order, with `changes` applied."""
    raw = (SAMPLES / "slash_command.form.txt").read_text(encoding="utf-8").strip()
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    return {**fields, **changes}


def trigger_id(n: int) -> str:
    """A trigger id in Slack's real format (digits.digits.hex): the stand-in refuses the
    placeholders some samples carry ("111.111.xxx"), as Slack would."""
    return f"{n}.{n}.{n:x}abc"


async def replay_command(slack: SlackHarness, fields: dict[str, str]) -> Answer:
    """Post the form as Slack does; Slack shows a non-empty ack through the response URL."""
    answer = await slack.post(*signed_request(urlencode(fields), secret=SIGNING_SECRET))
    if isinstance(answer.body, dict) and answer.status == 200:
        slack.standin.deliver_command_ack(fields["response_url"], answer.body)
    return answer


async def replay_interaction(slack: SlackHarness, payload: JsonDict) -> Answer:
    return await slack.post(*signed_form(payload, secret=SIGNING_SECRET))


async def replay_event(slack: SlackHarness, envelope: JsonDict) -> Answer:
    body = json.dumps(envelope)
    return await slack.post(*signed_request(body, secret=SIGNING_SECRET, content_type=JSON))


def with_action(payload: JsonDict, **action: Any) -> JsonDict:
    """The sample's first action, pointed at one of this app's listeners."""
    payload["actions"][0].update(action)
    return payload


def as_submission_of(
    payload: JsonDict, modal: JsonDict, values: dict[str, str], *, trigger: str
) -> JsonDict:
    """A view_submission sample as the submission of `modal` (the view the app opened):
    its callback id, metadata and blocks, with `values` typed into its inputs."""
    view = payload["view"]
    view["callback_id"] = modal["callback_id"]
    view["private_metadata"] = modal["private_metadata"]
    view["blocks"] = modal["blocks"]
    view["state"] = {
        "values": {
            block_id: {block_id: {"type": "plain_text_input", "value": value}}
            for block_id, value in values.items()
        }
    }
    payload["trigger_id"] = trigger
    return payload

"""The local Slack: what `stagecoach shell` and the benchmark run the real app against.

- `SlackStandIn`: an in-process Slack Web API (plus response URLs and file uploads) that keeps
  messages, ephemeral messages, modals and App Home as Slack does and refuses what Slack would.
- Payload builders in Slack's wire shapes (what Slack sends the app when a person acts).
"""

from __future__ import annotations

from bot.slack_standin import ids
from bot.slack_standin.action_payloads import (
    block_actions_payload,
    button_action,
    checkboxes_action,
    message_action_payload,
    option,
    overflow_action,
)
from bot.slack_standin.block_kit_limits import message_violations, view_violations
from bot.slack_standin.faults import Fault, Hang, JsonError, Reset, TextError
from bot.slack_standin.payloads import (
    app_home_opened_event,
    event_callback,
    form_fields,
    new_trigger_id,
    slash_command_body,
    view_submission_payload,
)
from bot.slack_standin.records import JsonDict, RecordedCall, SlackError, Violation
from bot.slack_standin.standin import COMMAND_ACK, FILE_UPLOAD, RESPONSE_URL, SlackStandIn
from bot.slack_standin.workspace import UploadedFile

__all__ = [
    "COMMAND_ACK",
    "FILE_UPLOAD",
    "Fault",
    "Hang",
    "JsonError",
    "RESPONSE_URL",
    "JsonDict",
    "RecordedCall",
    "Reset",
    "SlackError",
    "SlackStandIn",
    "TextError",
    "UploadedFile",
    "Violation",
    "app_home_opened_event",
    "block_actions_payload",
    "button_action",
    "checkboxes_action",
    "event_callback",
    "form_fields",
    "ids",
    "message_action_payload",
    "message_violations",
    "new_trigger_id",
    "option",
    "overflow_action",
    "slash_command_body",
    "view_submission_payload",
    "view_violations",
]

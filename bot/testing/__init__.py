"""Test helpers for stagecoach, used by the tests and by the terminal shell.

- `SlackStandIn`: an in-process Slack Web API (plus response URLs and file uploads) that keeps
  messages, ephemeral messages, modals and App Home as Slack does and refuses what Slack would.
- Payload builders in Slack's wire shapes, and signing for the HTTP path.
"""

from __future__ import annotations

from bot.testing import ids
from bot.testing.block_kit_limits import message_violations, view_violations
from bot.testing.payloads import (
    app_home_opened_event,
    block_actions_payload,
    button_action,
    checkboxes_action,
    event_callback,
    form_fields,
    new_trigger_id,
    option,
    overflow_action,
    slash_command_body,
    view_submission_payload,
)
from bot.testing.records import JsonDict, RecordedCall, SlackError, Violation
from bot.testing.signing import SignedRequest, sign, signed_event, signed_form, signed_request
from bot.testing.standin import COMMAND_ACK, FILE_UPLOAD, RESPONSE_URL, SlackStandIn
from bot.testing.workspace import UploadedFile

__all__ = [
    "COMMAND_ACK",
    "FILE_UPLOAD",
    "RESPONSE_URL",
    "JsonDict",
    "RecordedCall",
    "SignedRequest",
    "SlackError",
    "SlackStandIn",
    "UploadedFile",
    "Violation",
    "app_home_opened_event",
    "block_actions_payload",
    "button_action",
    "checkboxes_action",
    "event_callback",
    "form_fields",
    "ids",
    "message_violations",
    "new_trigger_id",
    "option",
    "overflow_action",
    "sign",
    "signed_event",
    "signed_form",
    "signed_request",
    "slash_command_body",
    "view_submission_payload",
    "view_violations",
]

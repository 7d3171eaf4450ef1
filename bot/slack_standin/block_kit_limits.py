"""Block Kit limits Slack enforces and slack_sdk does not check, as findings with Slack's error names:
messages, views and their blocks here; text objects and elements in
bot.slack_standin.element_limits.

The numbers are Slack's published limits (docs.slack.dev, "Block Kit" reference pages).
Messages are refused with `invalid_blocks`, views with `invalid_arguments`, as Slack does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from bot.slack_standin.element_limits import (
    ID_LIMIT,
    Findings,
    check_element,
    check_length,
    check_text,
)
from bot.slack_standin.records import JsonDict, Violation

Surface = Literal["message", "modal", "home"]

KNOWN_BLOCK_TYPES = frozenset(
    {"section", "divider", "header", "context", "actions", "input", "image", "rich_text", "file"}
)
MAX_BLOCKS: dict[Surface, int] = {"message": 50, "modal": 100, "home": 100}
MESSAGE_TEXT_LIMIT = 40_000
VIEW_SIZE_LIMIT = 250_000  # bytes of view JSON; views.* answers `view_too_large` above it
PRIVATE_METADATA_LIMIT = 3000


def message_violations(args: JsonDict, *, method: str) -> list[Violation]:
    """Check a message's `text` and `blocks` as chat.postMessage/update/postEphemeral would."""
    findings = Findings(method=method, error="invalid_blocks")
    text, blocks = args.get("text"), args.get("blocks")
    has_blocks = blocks not in (None, "", [])
    if not text and not has_blocks and not args.get("attachments"):
        findings.add("no_text", "/text", "text or blocks are required", error="no_text")
    elif has_blocks and not text:
        # Slack only warns; notifications and screen readers read `text` alone, so we refuse.
        findings.add(
            "missing_fallback_text",
            "/text",
            "fallback text is required with blocks",
            error="no_text",
        )
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_LIMIT:
        findings.add(
            "msg_too_long", "/text", f"over {MESSAGE_TEXT_LIMIT} characters", error="msg_too_long"
        )
    if has_blocks:
        check_blocks(blocks, surface="message", findings=findings)
    return findings.items


def view_violations(view: Any, *, method: str, expected_types: tuple[str, ...]) -> list[Violation]:
    """Check a modal or App Home view as views.open/update/push/publish would."""
    findings = Findings(method=method, error="invalid_arguments")
    if not isinstance(view, dict):
        findings.add("invalid_view", "/view", "view must be a JSON object")
        return findings.items
    kind = view.get("type")
    if kind not in expected_types:
        findings.add("wrong_view_type", "/view/type", f"must be one of {list(expected_types)}")
        return findings.items
    if kind == "modal":
        _check_modal_chrome(view, findings)
    _check_view_ids(view, findings)
    check_blocks(view.get("blocks", []), surface=kind, findings=findings, at="/view/blocks")
    if len(json.dumps(view).encode()) > VIEW_SIZE_LIMIT:
        findings.add(
            "view_too_large", "/view", f"over {VIEW_SIZE_LIMIT} bytes", error="view_too_large"
        )
    return findings.items


def _check_modal_chrome(view: JsonDict, findings: Findings) -> None:
    check_text(view.get("title"), "/view/title", findings, limit=24, plain_only=True)
    for key in ("submit", "close"):
        if key in view:
            check_text(view[key], f"/view/{key}", findings, limit=24, plain_only=True)
    blocks = view.get("blocks") or []
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and "submit" not in view:
        findings.add("submit_required", "/view/submit", "a modal with input blocks needs submit")


def _check_view_ids(view: JsonDict, findings: Findings) -> None:
    for key in ("callback_id", "external_id"):
        check_length(
            view.get(key), f"/view/{key}", findings, limit=ID_LIMIT, rule=f"{key}_too_long"
        )
    check_length(
        view.get("private_metadata"),
        "/view/private_metadata",
        findings,
        limit=PRIVATE_METADATA_LIMIT,
        rule="private_metadata_too_long",
    )


def check_blocks(blocks: Any, *, surface: Surface, findings: Findings, at: str = "/blocks") -> None:
    """Check a list of blocks: count, types, ids, and each block's own limits."""
    if not isinstance(blocks, list):
        findings.add(
            "invalid_blocks_format",
            at,
            "blocks must be a JSON array",
            error="invalid_blocks_format",
        )
        return
    if len(blocks) > MAX_BLOCKS[surface]:
        findings.add("too_many_blocks", at, f"must be at most {MAX_BLOCKS[surface]} items")
    block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        _check_block(block, f"{at}/{index}", findings, block_ids)


def _check_block(block: Any, at: str, findings: Findings, block_ids: set[str]) -> None:
    if not isinstance(block, dict):
        findings.add("invalid_block", at, "a block must be a JSON object")
        return
    kind = block.get("type")
    if kind not in KNOWN_BLOCK_TYPES:
        findings.add("unknown_block_type", f"{at}/type", f"unknown block type {kind!r}")
        return
    block_id = block.get("block_id")
    if block_id is not None:
        check_length(block_id, f"{at}/block_id", findings, limit=ID_LIMIT, rule="block_id_too_long")
        if block_id in block_ids:
            findings.add("duplicate_block_id", f"{at}/block_id", f"block_id {block_id!r} repeats")
        block_ids.add(block_id)
    BLOCK_CHECKS.get(kind, _no_check)(block, at, findings)


def _no_check(block: JsonDict, at: str, findings: Findings) -> None:
    """Dividers, rich text and file blocks carry no limits we check."""


def _check_section(block: JsonDict, at: str, findings: Findings) -> None:
    if "text" not in block and "fields" not in block:
        findings.add("missing_field", at, "a section needs text or fields")
    if "text" in block:
        check_text(block["text"], f"{at}/text", findings, limit=3000)
    fields = block.get("fields") or []
    if len(fields) > 10:
        findings.add("too_many_fields", f"{at}/fields", "must be at most 10 items")
    for index, item in enumerate(fields):
        check_text(item, f"{at}/fields/{index}", findings, limit=2000)
    if "accessory" in block:
        check_element(block["accessory"], f"{at}/accessory", findings, set())


def _check_header(block: JsonDict, at: str, findings: Findings) -> None:
    check_text(block.get("text"), f"{at}/text", findings, limit=150, plain_only=True)


def _check_context(block: JsonDict, at: str, findings: Findings) -> None:
    elements = block.get("elements") or []
    if not 1 <= len(elements) <= 10:
        findings.add("element_count", f"{at}/elements", "must have 1 to 10 items")
    for index, element in enumerate(elements):
        if isinstance(element, dict) and element.get("type") != "image":
            check_text(element, f"{at}/elements/{index}", findings, limit=3000)


def _check_actions(block: JsonDict, at: str, findings: Findings) -> None:
    elements = block.get("elements") or []
    if not 1 <= len(elements) <= 25:
        findings.add("element_count", f"{at}/elements", "must have 1 to 25 items")
    action_ids: set[str] = set()  # Slack wants action_ids unique within their block
    for index, element in enumerate(elements):
        check_element(element, f"{at}/elements/{index}", findings, action_ids)


def _check_input(block: JsonDict, at: str, findings: Findings) -> None:
    check_text(block.get("label"), f"{at}/label", findings, limit=2000, plain_only=True)
    if "hint" in block:
        check_text(block["hint"], f"{at}/hint", findings, limit=2000, plain_only=True)
    if "element" not in block:
        findings.add("missing_field", f"{at}/element", "an input block needs an element")
    else:
        check_element(block["element"], f"{at}/element", findings, set())


def _check_image(block: JsonDict, at: str, findings: Findings) -> None:
    if "image_url" not in block and "slack_file" not in block:
        findings.add("missing_field", f"{at}/image_url", "an image needs image_url or slack_file")
    if not block.get("alt_text"):
        findings.add("missing_field", f"{at}/alt_text", "an image needs alt_text")
    check_length(
        block.get("alt_text"), f"{at}/alt_text", findings, limit=2000, rule="text_too_long"
    )


BLOCK_CHECKS: dict[str, Callable[[JsonDict, str, Findings], None]] = {
    "section": _check_section,
    "header": _check_header,
    "context": _check_context,
    "actions": _check_actions,
    "input": _check_input,
    "image": _check_image,
}

"""Limits of Block Kit's text objects and interactive elements (buttons, menus, options,
confirm dialogs), as findings with Slack's error names; the blocks around them are
bot.slack_standin.block_kit_limits."""

from __future__ import annotations

from typing import Any

from bot.slack_standin.records import JsonDict, Violation

ID_LIMIT = 255
# Elements whose option lists Slack caps, as (minimum, maximum).
OPTION_COUNTS = {
    "checkboxes": (1, 10),
    "radio_buttons": (1, 10),
    "overflow": (1, 5),
    "static_select": (1, 100),
    "multi_static_select": (1, 100),
}
# Option texts may be mrkdwn only in checkboxes and radio buttons.
MRKDWN_OPTIONS = frozenset({"checkboxes", "radio_buttons"})


class Findings:
    """Collects violations for one call; `error` is the Slack error block problems map to."""

    def __init__(self, *, method: str, error: str) -> None:
        self.method = method
        self.error = error
        self.items: list[Violation] = []

    def add(self, rule: str, pointer: str, detail: str, *, error: str | None = None) -> None:
        self.items.append(Violation(self.method, rule, error or self.error, pointer, detail))


def check_element(element: Any, at: str, findings: Findings, action_ids: set[str]) -> None:
    """Check an interactive element: its action_id, button text, options and confirm dialog."""
    if not isinstance(element, dict):
        findings.add("invalid_element", at, "an element must be a JSON object")
        return
    kind = element.get("type", "")
    action_id = element.get("action_id")
    if action_id is not None:
        check_length(
            action_id, f"{at}/action_id", findings, limit=ID_LIMIT, rule="action_id_too_long"
        )
        if action_id in action_ids:
            findings.add(
                "duplicate_action_id", f"{at}/action_id", f"action_id {action_id!r} repeats"
            )
        action_ids.add(action_id)
    if kind == "button":
        _check_button(element, at, findings)
    if kind in OPTION_COUNTS:
        _check_options(element, at, findings, kind=kind)
    if "placeholder" in element:
        check_text(
            element["placeholder"], f"{at}/placeholder", findings, limit=150, plain_only=True
        )
    if "confirm" in element:
        _check_confirm(element["confirm"], f"{at}/confirm", findings)


def _check_button(element: JsonDict, at: str, findings: Findings) -> None:
    check_text(element.get("text"), f"{at}/text", findings, limit=75, plain_only=True)
    check_length(element.get("value"), f"{at}/value", findings, limit=2000, rule="value_too_long")
    check_length(element.get("url"), f"{at}/url", findings, limit=3000, rule="url_too_long")
    if element.get("style") not in (None, "primary", "danger"):
        findings.add("invalid_style", f"{at}/style", "style must be primary or danger")


def _check_options(element: JsonDict, at: str, findings: Findings, *, kind: str) -> None:
    if "option_groups" in element:
        return
    options = element.get("options") or []
    least, most = OPTION_COUNTS[kind]
    if len(options) > most:
        findings.add("too_many_options", f"{at}/options", f"must be at most {most} items")
    elif len(options) < least:
        findings.add("too_few_options", f"{at}/options", f"must be at least {least} items")
    plain_only = kind not in MRKDWN_OPTIONS
    for index, item in enumerate(options):
        where = f"{at}/options/{index}"
        check_text(item.get("text"), f"{where}/text", findings, limit=75, plain_only=plain_only)
        check_length(
            item.get("value"), f"{where}/value", findings, limit=150, rule="value_too_long"
        )


def _check_confirm(confirm: JsonDict, at: str, findings: Findings) -> None:
    limits = {"title": 100, "text": 300, "confirm": 30, "deny": 30}
    for key, limit in limits.items():
        check_text(confirm.get(key), f"{at}/{key}", findings, limit=limit, plain_only=key != "text")


def check_text(
    obj: Any, at: str, findings: Findings, *, limit: int, plain_only: bool = False
) -> None:
    """Check a text object: present, a known type, plain_text where Slack demands it, not empty, short enough."""
    if obj is None:
        findings.add("missing_field", at, "a text object is required")
        return
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        findings.add("invalid_text_object", at, "must be a plain_text or mrkdwn text object")
        return
    if plain_only and obj["type"] != "plain_text":
        findings.add("plain_text_required", f"{at}/type", "must be plain_text here, not mrkdwn")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        findings.add("empty_text", f"{at}/text", "must be more than 0 characters")
        return
    check_length(text, f"{at}/text", findings, limit=limit, rule="text_too_long")


def check_length(value: Any, at: str, findings: Findings, *, limit: int, rule: str) -> None:
    if isinstance(value, str) and len(value) > limit:
        findings.add(rule, at, f"must be less than {limit + 1} characters (has {len(value)})")

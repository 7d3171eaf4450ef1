"""views.* methods: modal stacks opened by trigger ids, App Home views published per user."""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from bot.slack_standin import ids
from bot.slack_standin.block_kit_limits import view_violations
from bot.slack_standin.records import JsonDict, SlackError, raise_if_any
from bot.slack_standin.web_api_args import required
from bot.slack_standin.workspace import TS_EPOCH, Handler, Workspace, with_generated_ids

TRIGGER_ID = re.compile(r"^\d+\.\d+\.[0-9a-f]+$")  # Slack's format, e.g. "132456.7890123.abcdef"
MAX_STACK = 3  # a modal plus two pushed views


def open_view(ws: Workspace, args: JsonDict) -> JsonDict:
    claim_trigger(ws, args)
    view = _view_arg(args, method="views.open", types=("modal",))
    stored = stored_view(ws, view, view_id=ws.new_id("V"))
    ws.modal_stacks.append([stored])
    return {"ok": True, "view": copy.deepcopy(stored)}


def push(ws: Workspace, args: JsonDict) -> JsonDict:
    claim_trigger(ws, args)
    view = _view_arg(args, method="views.push", types=("modal",))
    if not ws.modal_stacks:
        raise SlackError("not_found")
    stack = ws.modal_stacks[-1]
    if len(stack) >= MAX_STACK:
        raise SlackError("push_limit_reached")
    root, top = stack[0]["id"], stack[-1]["id"]
    stored = stored_view(ws, view, view_id=ws.new_id("V"), root_view_id=root, previous_view_id=top)
    stack.append(stored)
    return {"ok": True, "view": copy.deepcopy(stored)}


def update(ws: Workspace, args: JsonDict) -> JsonDict:
    view_id, external_id = args.get("view_id"), args.get("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments")
    current = ws.find_view(view_id, external_id)
    if current is None:
        raise SlackError("not_found")
    _check_hash(current, args)
    view = _view_arg(args, method="views.update", types=(current["type"],))
    fresh = stored_view(
        ws,
        view,
        view_id=current["id"],
        root_view_id=current["root_view_id"],
        previous_view_id=current["previous_view_id"],
    )
    current.clear()
    current.update(fresh)  # in place, so the modal stack or home keeps pointing at it
    return {"ok": True, "view": copy.deepcopy(current)}


def publish(ws: Workspace, args: JsonDict) -> JsonDict:
    user = required(args, "user_id", error="invalid_arguments")
    if ws.user(user) is None:
        raise SlackError("user_not_found")
    current = ws.homes.get(user)
    if current is not None:
        _check_hash(current, args)
    view = _view_arg(args, method="views.publish", types=("home",))
    view_id = current["id"] if current else ws.new_id("V")
    ws.homes[user] = stored_view(ws, view, view_id=view_id)
    return {"ok": True, "view": copy.deepcopy(ws.homes[user])}


VIEW_METHODS: dict[str, Handler] = {
    "views.open": open_view,
    "views.push": push,
    "views.update": update,
    "views.publish": publish,
}


def claim_trigger(ws: Workspace, args: JsonDict) -> None:
    """A trigger id opens one view, once; a second use is `exchanged_trigger_id`."""
    trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
    if not trigger_id:
        raise SlackError("invalid_arguments")
    if not TRIGGER_ID.match(str(trigger_id)):
        raise SlackError("invalid_trigger_id")
    if trigger_id in ws.used_triggers:
        raise SlackError("exchanged_trigger_id")
    ws.used_triggers.add(str(trigger_id))


def close_view(ws: Workspace, view_id: str) -> None:
    """The user closed (or the app cleared) a view: it and the views above it go."""
    for stack in ws.modal_stacks:
        ids_in_stack = [view["id"] for view in stack]
        if view_id in ids_in_stack:
            del stack[ids_in_stack.index(view_id) :]
    ws.modal_stacks[:] = [stack for stack in ws.modal_stacks if stack]


def _view_arg(args: JsonDict, *, method: str, types: tuple[str, ...]) -> JsonDict:
    view: Any = args.get("view")
    if view is None:
        raise SlackError("invalid_arguments")
    raise_if_any(view_violations(view, method=method, expected_types=types))
    return dict(view)


def _check_hash(current: JsonDict, args: JsonDict) -> None:
    """A stale `hash` means someone else updated the view first."""
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")


def stored_view(
    ws: Workspace,
    view: JsonDict,
    *,
    view_id: str,
    root_view_id: str | None = None,
    previous_view_id: str | None = None,
) -> JsonDict:
    """A view as Slack returns it (and as view_submission payloads carry it)."""
    serial = ws.next_serial()
    stored: JsonDict = {
        "id": view_id,
        "team_id": ws.team_id,
        "type": view["type"],
        "blocks": with_generated_ids(view.get("blocks") or []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": f"{TS_EPOCH + serial}.{hashlib.sha1(str(serial).encode()).hexdigest()[:8]}",
    }
    stored.update(
        {key: copy.deepcopy(view[key]) for key in ("title", "close", "submit") if key in view}
    )
    stored.update(
        {
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id or view_id,
            "app_id": ids.APP_ID,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": ws.team_id,
            "bot_id": ids.BOT_ID,
        }
    )
    return stored

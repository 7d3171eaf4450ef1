"""Filling in a modal the app opened: each input block asked in turn, then submitted as
Slack submits it; errors the app answers with are shown and those fields asked again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.shell.forms import BadAnswer, FormField, form_fields, state_entry, state_values
from bot.shell.render import YELLOW, Terminal
from bot.shell.reply import Reply
from bot.shell.session import ShellSession
from bot.shell.shortcuts import dispatch_pick

# Reads one answer after showing the question; None when there is no more input.
Ask = Callable[[str], str | None]
CANCEL = "/cancel"
JsonDict = dict[str, Any]


async def fill_modal(session: ShellSession, reply: Reply, *, ask: Ask, term: Terminal) -> Reply:
    """Answer the modal `reply` opened until the app accepts it or the user cancels;
    the returned reply holds everything that happened, for the exit code and --json."""
    view = reply.modal
    if view is None:
        return reply
    term.modal(view)
    fields = form_fields(view)
    if not view.get("submit") or not fields:
        return reply
    answers: dict[str, tuple[FormField, JsonDict]] = {}
    pending = fields
    while pending:
        asked = await _ask_fields(session, view, pending, answers, ask=ask, term=term)
        if asked is None:
            session.cancel(view)
            reply.problem = "the form was cancelled; nothing was changed"
            term.problem(reply.problem)
            return reply
        if asked is not view:  # a pick changed the form: ask what it asks now
            view, fields = asked, form_fields(asked)
            term.modal(view)
            kept = {f.block_id for f in fields}
            answers = {k: v for k, v in answers.items() if k in kept}
            pending = [f for f in fields if f.block_id not in answers]
            if not view.get("submit"):
                session.cancel(view)
                return reply
            continue
        submitted = await session.submit(view, state_values(answers))
        reply.extend(submitted)
        term.reply(_without_modal(submitted))
        pending = _to_ask_again(fields, submitted.form_errors, term=term)
    return reply


async def _ask_fields(
    session: ShellSession,
    view: JsonDict,
    pending: list[FormField],
    answers: dict[str, tuple[FormField, JsonDict]],
    *,
    ask: Ask,
    term: Terminal,
) -> JsonDict | None:
    """Ask `pending` into `answers`: the view (the form after a pick that changed it, as
    Slack sends a pick in a menu with `dispatch_action`), or None if cancelled."""
    for form_field in pending:
        entry = _ask_field(form_field, ask=ask, term=term)
        if entry is None:
            return None
        answers[form_field.block_id] = (form_field, entry)
        picked = entry.get("selected_option")
        value = picked.get("value") if isinstance(picked, dict) else None
        if form_field.dispatches and value is not None and value != form_field.initial:
            return await dispatch_pick(session, view, form_field, entry)
    return view


def _ask_field(form_field: FormField, *, ask: Ask, term: Terminal) -> JsonDict | None:
    question = _question(form_field)
    while True:
        answer = ask(question)
        if answer is None or answer.strip() == CANCEL:
            return None
        try:
            return state_entry(form_field, answer)
        except BadAnswer as problem:
            term.problem(str(problem))


def _question(form_field: FormField) -> str:
    lines = []
    if form_field.hint:
        lines.append(f"  ({form_field.hint})")
    lines += [f"  {n}. {label}" for n, label in enumerate(form_field.option_labels(), start=1)]
    shown = _shown_initial(form_field)
    optional = " (optional)" if form_field.optional else ""
    kind = {"datepicker": " YYYY-MM-DD", "users_select": " @name"}.get(form_field.kind, "")
    lines.append(f"{form_field.label}{optional}{kind}{shown}: ")
    return "\n".join(lines)


def _shown_initial(form_field: FormField) -> str:
    if form_field.initial is None:
        return ""
    for option, label in zip(form_field.options, form_field.option_labels(), strict=True):
        if option.get("value") == form_field.initial:
            return f" [{label}]"
    return f" [{form_field.initial}]"


def _to_ask_again(
    fields: list[FormField], errors: dict[str, str], *, term: Terminal
) -> list[FormField]:
    if not errors:
        return []
    for block_id, text in errors.items():
        label = next((f.label for f in fields if f.block_id == block_id), block_id)
        term.line(term.paint(f"! {label}: {text}", YELLOW))
    again = [f for f in fields if f.block_id in errors]
    return again or fields


def _without_modal(reply: Reply) -> Reply:
    return Reply(surfaces=reply.surfaces, note=reply.note, problem=reply.problem)

"""Blocks as plain text, for the terminal shell, fallback texts and golden tests.

Interactive elements are numbered in reading order, "(1) Advance  (2) Playbook …", and
`interactive_choices` returns the same numbering so the shell can turn `/click N` into
the payload Slack would send for that element.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.views.plain import text_of
from flows.i18n import _

ChoiceKind = Literal["button", "checkbox", "overflow", "select"]
RULE = "-" * 40
Blocks = Sequence[dict[str, Any]] | Sequence[Block]


@dataclass(frozen=True, slots=True)
class Choice:
    """One thing a user can click, numbered as `render_text` shows it."""

    number: int
    label: str
    kind: ChoiceKind
    action_id: str
    block_id: str
    value: str | None  # the button's or option's value (a checkbox option: the item id)
    checked: bool = False  # checkboxes: ticked now (a click sends the whole new selection)


@dataclass(slots=True)
class Page:
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)

    def choice(
        self,
        label: str,
        kind: ChoiceKind,
        element: dict[str, Any],
        block: dict[str, Any],
        value: object,
        *,
        checked: bool = False,
    ) -> str:
        number = len(self.choices) + 1
        self.choices.append(
            Choice(
                number=number,
                label=label,
                kind=kind,
                action_id=str(element.get("action_id") or ""),
                block_id=str(block.get("block_id") or ""),
                value=value if isinstance(value, str) else None,
                checked=checked,
            )
        )
        return f"({number})"


def render_text(blocks: Blocks) -> str:
    return "\n".join(_render(blocks).lines).rstrip()


def interactive_choices(blocks: Blocks) -> list[Choice]:
    return _render(blocks).choices


def render_view(view: View | dict[str, Any]) -> str:
    """A modal or App Home: its title, its blocks, and what submitting is called."""
    data = view.to_dict() if isinstance(view, View) else view
    title, submit = text_of(data.get("title")), text_of(data.get("submit"))
    head = [title, "=" * len(title)] if title else []
    foot = [f"[{submit}]"] if submit else []
    return "\n".join([*head, render_text(data.get("blocks") or []), *foot]).strip()


def _render(blocks: Blocks) -> Page:
    page = Page()
    for block in blocks:
        data = block.to_dict() if isinstance(block, Block) else block
        if isinstance(data, dict):
            RENDERERS.get(str(data.get("type")), _skip)(data, page)
    return page


def _skip(block: dict[str, Any], page: Page) -> None:
    """Block types the shell has nothing to show for (rich text, files, calls)."""


def _header(block: dict[str, Any], page: Page) -> None:
    # Underlined, in the case it was written: a header often carries a name people typed,
    # and upper-casing it without knowing their language misspells it (Turkish "Müşteri"
    # is "MÜŞTERİ", not "MÜŞTERI").
    title = text_of(block.get("text"))
    page.lines += ["", title, "=" * len(title)] if page.lines else [title, "=" * len(title)]


def _section(block: dict[str, Any], page: Page) -> None:
    lines = text_of(block.get("text")).splitlines()
    lines += [_field_line(item) for item in block.get("fields") or []]
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        inline = _inline(accessory, block, page)
        if inline:
            lines = [*lines[:-1], f"{lines[-1]}  {inline}"] if lines else [inline]
    page.lines += lines


def _field_line(item: object) -> str:
    label, _sep, value = text_of(item).partition("\n")
    return f"{label}: {' '.join(value.split())}" if value else label


def _context(block: dict[str, Any], page: Page) -> None:
    parts = [
        text_of(e) or f"[{e.get('alt_text', 'image')}]"
        for e in block.get("elements") or []
        if isinstance(e, dict)
    ]
    page.lines.append(" · ".join(part for part in parts if part))


def _divider(block: dict[str, Any], page: Page) -> None:
    page.lines.append(RULE)


def _image(block: dict[str, Any], page: Page) -> None:
    page.lines.append(f"[image: {block.get('alt_text', '')}]")


def _actions(block: dict[str, Any], page: Page) -> None:
    inline: list[str] = []
    for element in block.get("elements") or []:
        if not isinstance(element, dict):
            continue
        if element.get("type") == "checkboxes":
            page.lines += _checkboxes(element, block, page)
        else:
            inline.append(_inline(element, block, page))
    if any(inline):
        page.lines.append("  ".join(part for part in inline if part))


def _inline(element: dict[str, Any], block: dict[str, Any], page: Page) -> str:
    """A button, overflow or select as numbered choices on one line."""
    kind = element.get("type")
    if kind == "button":
        label = text_of(element.get("text"))
        return f"{page.choice(label, 'button', element, block, element.get('value'))} {label}"
    if kind in ("overflow", "static_select"):
        choice_kind: ChoiceKind = "overflow" if kind == "overflow" else "select"
        options = [o for o in element.get("options") or [] if isinstance(o, dict)]
        items = [
            f"{page.choice(text_of(o.get('text')), choice_kind, element, block, o.get('value'))} {text_of(o.get('text'))}"
            for o in options
        ]
        lead = text_of(element.get("placeholder")) or _("More:")
        return f"{lead} " + "  ".join(items)
    if kind == "checkboxes":
        return "\n".join(_checkboxes(element, block, page))
    return ""


def _checkboxes(element: dict[str, Any], block: dict[str, Any], page: Page) -> list[str]:
    ticked = {o.get("value") for o in element.get("initial_options") or [] if isinstance(o, dict)}
    lines = []
    for option in element.get("options") or []:
        if not isinstance(option, dict):
            continue
        label, checked = text_of(option.get("text")), option.get("value") in ticked
        number = page.choice(
            label, "checkbox", element, block, option.get("value"), checked=checked
        )
        lines.append(f"{number} [{'x' if checked else ' '}] {label}")
        note = text_of(option.get("description"))
        if note:
            lines.append(f"{' ' * (len(number) + 5)}{note}")
    return lines


def _input(block: dict[str, Any], page: Page) -> None:
    """A form field: its label and what it holds or offers (answered by prompts, not clicks)."""
    label = text_of(block.get("label"))
    optional = " " + _("(optional)") if block.get("optional") else ""
    element = _dict(block.get("element"))
    page.lines.append(f"{label}{optional}: {_field_value(element)}")
    hint = text_of(block.get("hint"))
    if hint:
        page.lines.append(f"  {hint}")


def _field_value(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons", "checkboxes"):
        names = [
            text_of(o.get("text")) for o in element.get("options") or [] if isinstance(o, dict)
        ]
        chosen = text_of(_dict(element.get("initial_option")).get("text"))
        return " / ".join(f"[{n}]" if n == chosen else n for n in names)
    if kind == "datepicker":
        return str(element.get("initial_date") or "YYYY-MM-DD")
    initial = element.get("initial_value")
    return str(initial) if initial else "____"


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


RENDERERS: dict[str, Callable[[dict[str, Any], Page], None]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "divider": _divider,
    "image": _image,
    "actions": _actions,
    "input": _input,
}

"""What the user types, before it reaches the app: mentions and channels escaped as
Slack escapes them, form answers, history, Tab completion."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import Command, parse
from bot.commands.admin import TEAM, TeamArgs
from bot.shell.completion import candidates
from bot.shell.forms import BadAnswer, FormField, state_entry
from bot.shell.history import History
from bot.shell.people import Directory, channel_id_for, user_id_for


def test_mentions_and_channels_are_escaped_as_slack_does() -> None:
    directory = Directory()
    line = directory.escape("team @maria add @ben @zoe.k in #deal-room, mail a@b.com #42")
    assert line == (
        f"team <@U0MARIA|maria> add <@U0BEN|ben> <@{user_id_for('zoe.k')}|zoe.k> in "
        f"<#{channel_id_for('deal-room')}|deal-room>, mail a@b.com #42"
    )
    parsed = parse("team " + directory.escape("@maria add @ben"))
    assert parsed == Command(TEAM, TeamArgs(manager="U0MARIA", action="add", reps=("U0BEN",)))


def test_ids_come_from_names_and_stay_apart() -> None:
    assert user_id_for("ana") == "U0ANA" and user_id_for("sam") == "U0SAM"
    assert channel_id_for("sales") == "C0SALES"
    assert channel_id_for("deal-room") != channel_id_for("dealroom")
    assert Directory().humanize("Owner: @U0ANA · in #C0SALES · @U0NOBODY") == (
        "Owner: @ana · in #C0SALES · @U0NOBODY"
    )


def select(*labels: str, initial: str | None = None, optional: bool = False) -> FormField:
    options = [{"text": {"type": "plain_text", "text": t}, "value": t.lower()} for t in labels]
    return FormField(
        "in_reason", "in_reason", "static_select", "Why?", optional, "", options, initial
    )


def test_a_select_takes_a_number_a_label_or_its_start() -> None:
    field = select("Chose a competitor", "Price too high", "No budget")
    assert state_entry(field, "2")["selected_option"]["value"] == "price too high"
    assert state_entry(field, "no budget")["selected_option"]["value"] == "no budget"
    assert state_entry(field, "chose")["selected_option"]["value"] == "chose a competitor"
    with pytest.raises(BadAnswer, match="from 1 to 3"):
        state_entry(field, "9")


def test_required_fields_blank_answers_and_dates() -> None:
    with pytest.raises(BadAnswer, match="required"):
        state_entry(select("A", "B"), "  ")
    assert state_entry(select("A", "B", initial="b"), "")["selected_option"]["value"] == "b"
    assert state_entry(select("A", optional=True), "") == {
        "type": "static_select",
        "selected_option": None,
    }
    date = FormField("in_date", "in_date", "datepicker", "Re-engage on", False)
    assert state_entry(date, "2030-01-31") == {"type": "datepicker", "selected_date": "2030-01-31"}
    with pytest.raises(BadAnswer, match="YYYY-MM-DD"):
        state_entry(date, "next week")
    note = FormField("in_note", "in_note", "plain_text_input", "Note", True)
    assert state_entry(note, "") == {"type": "plain_text_input", "value": None}


def test_history_keeps_each_line_once_at_its_latest_use(tmp_path: Path) -> None:
    path = tmp_path / "history"
    history = History(path, limit=3)
    for line in ["/deal list", "/deal show acme", "/deal list", "", "/as ben", "/click 2"]:
        history.add(line)
    history.save()

    again = History(path)
    again.load()
    assert again.lines == ["/deal list", "/as ben", "/click 2"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_tab_completes_commands_subcommands_people_and_channels() -> None:
    assert candidates("/d") == ["/deal"]
    assert candidates("") == sorted(
        [
            "/deal",
            "/as",
            "/in",
            "/lang",
            "/click",
            "/home",
            "/scheduler",
            "/shortcut",
            "/group",
            "help",
            "quit",
        ]
    )
    assert candidates("/deal ad") == ["advance"]
    assert candidates("/deal help ti") == ["tick"]
    assert candidates("/as m") == ["maria"]
    assert candidates("/shortcut s") == ["save_as_evidence"]
    assert candidates("/lang t") == ["tr-TR"]
    assert candidates("/deal team @maria add @b") == ["@ben"]
    assert candidates("/in #", channels=["sales", "acme"]) == ["#acme", "#sales"]
    assert candidates("/deal new Acme ") == []
